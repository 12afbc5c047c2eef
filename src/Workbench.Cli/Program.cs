using Workbench.Cli;

return Cli.Invoke(args);
