using Workbench.NotebookHost;
using Workbench.Notebooks;

// Workbench.NotebookHost <channel> <input.ipynb> <output.ipynb> [name=value ...]
// Started by Workbench.Notebooks.NotebookRunner; not meant to be run by hand (use `workbench notebook run`).
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Workbench.NotebookHost <channel> <input.ipynb> <output.ipynb> [name=value ...]");
    return 1;
}
// The protocol goes on the runner's private channel, connected before any cell runs; the standard
// output is left to the cells and the processes they start.
using var protocol = HostChannel.Connect(args[0], TimeSpan.FromSeconds(30));
var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
foreach (var pair in args.Skip(3))
{
    var split = pair.IndexOf('=');
    parameters[pair[..split]] = pair[(split + 1)..];
}
return await new NotebookHostRun(args[1], args[2], parameters, protocol).RunAsync();
