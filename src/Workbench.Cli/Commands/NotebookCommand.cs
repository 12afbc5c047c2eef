using System.CommandLine;
using System.Globalization;
using Workbench.Notebooks;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench notebook run &lt;notebook&gt; [--output path] [--param name=value]... [--cell-timeout 10m] [--in-place]</c>:
/// runs a C# Polyglot notebook headlessly in the real .NET Interactive kernel (in a child process,
/// from the notebook's folder) and saves the executed copy after every cell. Exit code 0 when every
/// cell ran, 2 when a cell failed, timed out or ended the kernel (the executed notebook is still
/// written, showing the error; later cells are not run), 1 when the notebook could not be run at
/// all (nothing is written) or the executed notebook could not be saved (a full disk, a read-only
/// folder: the message names the file, which keeps its last complete copy).
/// </summary>
internal static class NotebookCommand
{
    public static Command Create()
    {
        var command = new Command("notebook", "Work with .NET Interactive (Polyglot) C# notebooks.");
        command.Subcommands.Add(CreateRun());
        return command;
    }

    private static Command CreateRun()
    {
        var notebook = new Argument<string>("notebook") { Description = "The .ipynb notebook to run." };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Where to write the executed notebook (default: <name>.executed.ipynb beside the source).",
        };
        var parameters = new Option<string[]>("--param", "-p")
        {
            Description = "Override a variable of the cell tagged \"parameters\": name=value (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var inPlace = new Option<bool>("--in-place") { Description = "Overwrite the source notebook with the executed one." };
        var cellTimeout = new Option<string?>("--cell-timeout")
        {
            Description = "Stop a cell that runs longer than this and record an error: seconds, or a number with s, m or h (default 10m).",
        };

        var run = new Command("run", "Run every C# cell in order in the .NET Interactive kernel and save the notebook with its outputs.")
            { notebook, output, parameters, inPlace, cellTimeout };
        run.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(notebook)!, parse.GetValue(output), parse.GetValue(parameters) ?? [], parse.GetValue(inPlace),
            parse.GetValue(cellTimeout), parse.InvocationConfiguration.Error, cancellationToken));
        return run;
    }

    private static async Task<int> RunAsync(string input, string? output, string[] parameterArguments, bool inPlace, string? cellTimeout, TextWriter error,
        CancellationToken cancellationToken)
    {
        try
        {
            var outputPath = ResolveOutput(input, output, inPlace);
            var parameters = ParseParameters(parameterArguments);
            var runner = new NotebookRunner(parameters, ReportProgress)
            {
                InPlace = inPlace,
                CellTimeout = cellTimeout is null ? NotebookRunner.DefaultCellTimeout : ParseTimeout(cellTimeout),
            };
            Console.WriteLine($"Running {input}");
            var result = await runner.RunFileAsync(input, outputPath, cancellationToken);
            if (_lineOpen) Console.WriteLine(" stopped");
            var seconds = result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            if (result.Succeeded)
                Console.WriteLine($"Ran {result.ExecutedCells} cell(s) in {seconds} s; wrote {outputPath}");
            else
                error.WriteLine($"Failed at {result.Failure}\nRan {result.ExecutedCells} cell(s) in {seconds} s; wrote {outputPath} (later cells not run)");
            return result.ExitCode;
        }
        catch (NotebookException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (IOException e)
        {
            // A full or read-only disk: the message names the file, which keeps its last complete copy.
            if (_lineOpen) Console.WriteLine(" stopped");
            error.WriteLine($"error: {e.Message}");
            error.WriteLine("The executed notebook keeps the cells saved before the failure; free space or make the folder writable, then run the notebook again.");
            return 1;
        }
    }

    // "[2/5] cell 3  var model = …" when a cell starts, " ok (12 ms)" when it ends: cell output is
    // captured into the notebook, so nothing else writes between the two halves of the line.
    private static bool _lineOpen;

    private static void ReportProgress(CellProgress progress)
    {
        _lineOpen = progress.State == CellState.Running;
        var prefix = $"[{progress.CodeCellOrdinal}/{progress.CodeCellCount}] cell {progress.CellNumber}";
        var milliseconds = progress.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
        switch (progress.State)
        {
            case CellState.Running: Console.Write($"{prefix}  {progress.Summary} ..."); break;
            case CellState.Ok: Console.WriteLine($" ok ({milliseconds} ms)"); break;
            case CellState.Failed: Console.WriteLine($" FAILED ({milliseconds} ms)"); break;
            case CellState.Skipped: Console.WriteLine($"{prefix}  skipped (#!markdown)"); break;
        }
    }

    /// <summary>"90" or "90s" (seconds), "10m", "1.5h": a positive duration.</summary>
    internal static TimeSpan ParseTimeout(string text)
    {
        var trimmed = text.Trim();
        var unit = trimmed.Length > 0 && char.IsLetter(trimmed[^1]) ? char.ToLowerInvariant(trimmed[^1]) : 's';
        var number = char.IsLetter(trimmed.Length > 0 ? trimmed[^1] : '0') ? trimmed[..^1] : trimmed;
        if (unit is 's' or 'm' or 'h'
            && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value))
            return unit switch { 'h' => TimeSpan.FromHours(value), 'm' => TimeSpan.FromMinutes(value), _ => TimeSpan.FromSeconds(value) };
        throw new NotebookException($"--cell-timeout '{text}' is not a positive duration (examples: 90, 90s, 10m, 1h).");
    }

    /// <summary>The output path; never the source itself unless asked for explicitly (--in-place).</summary>
    internal static string ResolveOutput(string input, string? output, bool inPlace)
    {
        var source = Path.GetFullPath(input);
        if (inPlace)
        {
            if (output is not null && Path.GetFullPath(output) != source)
                throw new NotebookException("--in-place and --output name different files; give one of them.");
            return source;
        }
        if (output is not null && Path.GetFullPath(output) == source)
            throw new NotebookException($"--output {output} is the source notebook; give another path, or --in-place to overwrite the source.");
        if (output is not null) return Path.GetFullPath(output);
        return Path.Combine(Path.GetDirectoryName(source)!, Path.GetFileNameWithoutExtension(source) + ".executed.ipynb");
    }

    /// <summary>"name=value" pairs; the value may itself contain '='.</summary>
    internal static Dictionary<string, string> ParseParameters(IEnumerable<string> arguments)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            var split = argument.IndexOf('=');
            if (split <= 0) throw new NotebookException($"--param '{argument}' is not of the form name=value.");
            var name = argument[..split].Trim();
            if (!parameters.TryAdd(name, argument[(split + 1)..]))
                throw new NotebookException($"--param '{name}' is given more than once.");
        }
        return parameters;
    }
}
