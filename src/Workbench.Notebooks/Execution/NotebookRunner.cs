using System.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace Workbench.Notebooks;

/// <summary>
/// Runs a C# Polyglot notebook headlessly, cell by cell in one scripting session, and records
/// outputs as the .NET Interactive kernel would: Console text as stream outputs, displayed and
/// trailing values as display_data, a failure as an error output after which nothing else runs.
/// Problems with the notebook itself (another kernel's cell, a missing #r target, an unknown
/// parameter) are found before the first cell runs and thrown as <see cref="NotebookException"/>.
/// </summary>
public sealed class NotebookRunner
{
    /// <summary>Tag of the cell holding parameter defaults (papermill's convention).</summary>
    public const string ParametersTag = "parameters";

    private readonly IReadOnlyDictionary<string, string> _parameters;
    private readonly Action<CellProgress>? _progress;

    public NotebookRunner(IReadOnlyDictionary<string, string>? parameters = null, Action<CellProgress>? progress = null)
    {
        _parameters = parameters ?? new Dictionary<string, string>();
        _progress = progress;
    }

    /// <summary>Reads <paramref name="inputPath"/>, runs it and writes the executed notebook atomically to <paramref name="outputPath"/>.</summary>
    public async Task<NotebookRunResult> RunFileAsync(string inputPath, string outputPath, CancellationToken cancellationToken = default)
    {
        var notebook = NotebookFile.Read(inputPath);
        var result = await RunAsync(notebook, Path.GetDirectoryName(Path.GetFullPath(inputPath))!, cancellationToken);
        NotebookFile.Write(result.Notebook, outputPath);
        return result;
    }

    /// <summary>
    /// Runs a copy of <paramref name="notebook"/>; relative <c>#r</c> paths resolve against
    /// <paramref name="notebookDirectory"/>. The input notebook is not modified.
    /// </summary>
    public async Task<NotebookRunResult> RunAsync(Notebook notebook, string notebookDirectory, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var executed = notebook.Clone();
        if (_parameters.Count > 0) executed.Cells.RemoveAll(c => c.IsCode && c.Tags.Contains(ParameterInjection.InjectedTag));

        var defaultKernel = PolyglotMetadata.DefaultKernel(executed.Metadata);
        var plans = new Dictionary<NotebookCell, CellPlan>();
        for (var i = 0; i < executed.Cells.Count; i++)
        {
            var cell = executed.Cells[i];
            if (cell.IsCode) plans[cell] = CellPlan.For(cell, $"cell {i + 1}", defaultKernel, notebookDirectory);
        }
        var parametersCell = executed.Cells.FirstOrDefault(c => c.IsCode && !plans[c].Skip && c.Tags.Contains(ParametersTag));
        ParameterInjection.CheckNames(_parameters, parametersCell);

        foreach (var cell in executed.Cells.Where(c => c.IsCode))
        {
            cell.Outputs.Clear();
            cell.ExecutionCount = null;
        }

        ConsoleRouter.EnsureInstalled();
        var session = new ScriptSession(notebookDirectory);
        var codeCells = plans.Count + (_parameters.Count > 0 ? 1 : 0);
        var ordinal = 0;
        var executionCount = 0;
        for (var i = 0; i < executed.Cells.Count; i++)
        {
            var cell = executed.Cells[i];
            if (!cell.IsCode) continue;
            ordinal++;
            var label = $"cell {i + 1}"; // numbered as in the executed notebook
            var plan = plans.GetValueOrDefault(cell) ?? new CellPlan(false, cell.Source, false);
            var summary = Summarize(cell.Source);
            if (plan.Skip)
            {
                _progress?.Invoke(new CellProgress(i + 1, ordinal, codeCells, summary, CellState.Skipped, TimeSpan.Zero));
                continue;
            }

            _progress?.Invoke(new CellProgress(i + 1, ordinal, codeCells, summary, CellState.Running, TimeSpan.Zero));
            var cellClock = Stopwatch.StartNew();
            var failure = await RunCellAsync(session, cell, plan, label, ++executionCount, cancellationToken);
            _progress?.Invoke(new CellProgress(i + 1, ordinal, codeCells, summary, failure is null ? CellState.Succeeded : CellState.Failed, cellClock.Elapsed));
            if (failure is not null)
                return new NotebookRunResult(executed, executionCount, i + 1, $"{label}: {failure}", clock.Elapsed);

            if (cell == parametersCell && _parameters.Count > 0)
                executed.Cells.Insert(i + 1, ParameterInjection.CreateCell(_parameters, session.Variables));
        }
        return new NotebookRunResult(executed, executionCount, null, null, clock.Elapsed);
    }

    /// <summary>Runs one cell into its outputs; returns a one-line failure description, or null on success.</summary>
    private static async Task<string?> RunCellAsync(ScriptSession session, NotebookCell cell, CellPlan plan, string label, int executionCount, CancellationToken cancellationToken)
    {
        var outputs = new CellOutputs(label);
        cell.ExecutionCount = executionCount;
        string? failure = null;
        var clock = Stopwatch.StartNew();
        var enclosing = CellOutputs.Current;
        CellOutputs.Current = outputs;
        try
        {
            var result = await session.RunAsync(plan.Code, label, cancellationToken);
            if (result.Exception is { } exception)
            {
                outputs.Add(CellOutputs.Error(exception.GetType().Name, exception.Message, Traceback(exception)));
                failure = $"{exception.GetType().Name}: {exception.Message}";
            }
            else if (result.HasTrailingExpression && result.ReturnValue is not null)
            {
                outputs.Display(result.ReturnValue, []);
            }
        }
        catch (CompilationErrorException exception)
        {
            var diagnostics = exception.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Describe).ToList();
            if (diagnostics.Count == 0) diagnostics.Add(exception.Message);
            outputs.Add(CellOutputs.Error("CompilationError", string.Join("\n", diagnostics), diagnostics));
            failure = "compilation failed: " + diagnostics[0] + (diagnostics.Count > 1 ? $" (+{diagnostics.Count - 1} more)" : "");
        }
        finally
        {
            CellOutputs.Current = enclosing;
        }
        clock.Stop();
        if (plan.Timed && failure is null)
        {
            // As the #!time magic: a text/plain display after the cell's own outputs.
            var wallTime = $"Wall time: {clock.Elapsed.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
            outputs.Add(CellOutputs.DisplayData(new Dictionary<string, string> { [ValueFormatter.PlainText] = wallTime }));
        }
        cell.Outputs.AddRange(outputs.ToOutputs());
        return failure;
    }

    /// <summary>The exception's text down to the first frame of the scripting engine itself.</summary>
    private static IEnumerable<string> Traceback(Exception exception)
    {
        var lines = exception.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var engine = lines.FindIndex(l => l.Contains("Microsoft.CodeAnalysis.Scripting", StringComparison.Ordinal));
        if (engine > 0) lines.RemoveRange(engine, lines.Count - engine);
        while (lines.Count > 1 && lines[^1].StartsWith("--- End of stack trace", StringComparison.Ordinal)) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    /// <summary>"(2,5): error CS0103: The name 'x' does not exist in the current context", lines counted within the cell.</summary>
    private static string Describe(Diagnostic diagnostic)
    {
        var position = diagnostic.Location.GetLineSpan().StartLinePosition;
        var where = diagnostic.Location.IsInSource ? $"({position.Line + 1},{position.Character + 1}): " : "";
        return $"{where}error {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
    }

    private static string Summarize(string source)
    {
        var line = source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("#!", StringComparison.Ordinal)) ?? "";
        return line.Length <= 60 ? line : line[..57] + "...";
    }
}
