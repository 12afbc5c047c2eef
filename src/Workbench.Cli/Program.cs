using System.CommandLine;
using Workbench.Cli.Commands;

var root = new RootCommand("Workbench: variational autoencoders in pure C# (train, run experiments, evaluate, report).");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(DataCommand.Create());
root.Subcommands.Add(NotebookCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return root.Parse(args).Invoke();
