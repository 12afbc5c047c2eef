using System.Text;
using Workbench.NotebookHost;

// Workbench.NotebookHost <input.ipynb> <output.ipynb> [name=value ...]
// Started by Workbench.Notebooks.NotebookRunner; not meant to be run by hand (use `workbench notebook run`).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Workbench.NotebookHost <input.ipynb> <output.ipynb> [name=value ...]");
    return 1;
}
// The protocol goes to the real standard output, opened before the kernel redirects Console.Out.
using var protocol = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
foreach (var pair in args.Skip(2))
{
    var split = pair.IndexOf('=');
    parameters[pair[..split]] = pair[(split + 1)..];
}
return await new NotebookHostRun(args[0], args[1], parameters, protocol).RunAsync();
