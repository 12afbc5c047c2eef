using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Workbench.Notebooks;

namespace Workbench.NotebookHost;

/// <summary>
/// Runs one notebook in the kernel: every code cell in order, the executed notebook written
/// atomically after each one (so finished cells survive whatever happens to this process), the
/// injected parameters cell after the cell tagged "parameters", and nothing after a failed cell.
/// Progress and the outcome go to the runner as <see cref="HostProtocol"/> lines. When the executed
/// notebook cannot be saved (a full disk, a read-only folder) the run stops there and the runner is
/// told which file could not be written; the file keeps its last complete copy.
/// </summary>
internal sealed class NotebookHostRun(string inputPath, string outputPath, IReadOnlyDictionary<string, string> parameters, TextWriter protocol)
{
    public async Task<int> RunAsync()
    {
        try
        {
            return await RunCellsAsync();
        }
        catch (OutputUnwritableException e)
        {
            protocol.WriteLine(HostProtocol.Unwritable(e.Message));
            return 1;
        }
    }

    private async Task<int> RunCellsAsync()
    {
        Notebook executed;
        NotebookCell? parametersCell;
        Dictionary<NotebookCell, CellPlan> plans;
        try
        {
            (executed, plans, parametersCell) = Prepare();
        }
        catch (NotebookException e)
        {
            protocol.WriteLine(HostProtocol.Refused(e.Message));
            return 1;
        }

        // Relative #r paths resolve against the current directory in this kernel version: make it
        // the notebook's folder, as it is when VS Code opens the notebook.
        Directory.SetCurrentDirectory(Path.GetDirectoryName(Path.GetFullPath(inputPath))!);
        // With parameters, nothing is written until they are injected: a value that does not fit its
        // variable's type is bad input (exit 1, no file), not a failed run.
        var injected = parameters.Count == 0;
        if (injected) Write(executed);

        using var session = new KernelSession();
        await session.WarmUpAsync();
        var recorder = new CellOutputRecorder();
        var codeCells = plans.Count + (parameters.Count > 0 ? 1 : 0);
        int ordinal = 0, executionCount = 0;
        for (var i = 0; i < executed.Cells.Count; i++)
        {
            var cell = executed.Cells[i];
            if (!cell.IsCode) continue;
            ordinal++;
            protocol.WriteLine(HostProtocol.CellStart(i, ordinal, codeCells, Summarize(cell.Source)));
            if (plans.TryGetValue(cell, out var plan) && plan.Skip)
            {
                protocol.WriteLine(HostProtocol.CellEnd(i, CellState.Skipped, TimeSpan.Zero));
                continue;
            }

            var clock = Stopwatch.StartNew();
            cell.ExecutionCount = ++executionCount;
            recorder.BeginCell(cell.Outputs, executionCount);
            var (code, timed) = TimeMagic(cell.Source);
            var failure = await session.RunAsync(code, recorder);
            if (timed && failure is null)
                recorder.Add(new JsonObject
                {
                    ["data"] = new JsonObject { ["text/plain"] = NotebookJson.Lines($"Wall time: {clock.Elapsed.TotalMilliseconds.ToString("0.####", CultureInfo.InvariantCulture)}ms") },
                    ["metadata"] = new JsonObject(),
                    ["output_type"] = "display_data",
                });
            recorder.EndCell();

            if (failure is null && cell == parametersCell && parameters.Count > 0)
            {
                try
                {
                    executed.Cells.Insert(i + 1, ParameterInjection.CreateCell(parameters, session.Variables));
                }
                catch (NotebookException e)
                {
                    protocol.WriteLine(HostProtocol.Refused(e.Message));
                    return 1;
                }
                injected = true;
            }
            if (injected) Write(executed);
            protocol.WriteLine(HostProtocol.CellEnd(i, failure is null ? CellState.Ok : CellState.Failed, clock.Elapsed, recorder.DisplayUpdates));
            if (failure is not null)
            {
                protocol.WriteLine(HostProtocol.Failure($"cell {i + 1}: {failure}"));
                protocol.WriteLine(HostProtocol.Finished(2));
                return 2;
            }
        }
        protocol.WriteLine(HostProtocol.Finished(0));
        return 0;
    }

    private void Write(Notebook executed)
    {
        try
        {
            NotebookFile.Write(executed, outputPath);
        }
        catch (IOException e)
        {
            throw new OutputUnwritableException(e.Message, e);
        }
        if (_written) return;
        _written = true;
        protocol.WriteLine(HostProtocol.Written());
    }

    private bool _written;

    /// <summary>The executed notebook could not be saved; the message names the file and the reason.</summary>
    private sealed class OutputUnwritableException(string message, Exception inner) : Exception(message, inner);

    /// <summary>Reads and checks everything before a cell runs: cell languages, parameter names.</summary>
    private (Notebook, Dictionary<NotebookCell, CellPlan>, NotebookCell?) Prepare()
    {
        var executed = NotebookFile.Read(inputPath);
        if (parameters.Count > 0) executed.Cells.RemoveAll(c => c.IsCode && c.Tags.Contains(ParameterInjection.InjectedTag));
        var defaultKernel = PolyglotMetadata.DefaultKernel(executed.Metadata);
        var plans = new Dictionary<NotebookCell, CellPlan>();
        for (var i = 0; i < executed.Cells.Count; i++)
            if (executed.Cells[i].IsCode) plans[executed.Cells[i]] = CellPlan.For(executed.Cells[i], $"cell {i + 1}", defaultKernel);
        var parametersCell = executed.Cells.FirstOrDefault(c => c.IsCode && !plans[c].Skip && c.Tags.Contains(ParameterInjection.ParametersTag));
        ParameterInjection.CheckNames(parameters, parametersCell);
        foreach (var cell in executed.Cells.Where(c => c.IsCode))
        {
            cell.Outputs.Clear();
            cell.ExecutionCount = null;
        }
        return (executed, plans, parametersCell);
    }

    // #!time (the kernel of this version does not know it): blanked so line numbers stay, and a
    // "Wall time: …ms" line appended after the cell's outputs.
    private static (string Code, bool Timed) TimeMagic(string source)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var timed = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "#!time") continue;
            lines[i] = "";
            timed = true;
        }
        return (timed ? string.Join('\n', lines) : source, timed);
    }

    private static string Summarize(string source)
    {
        var line = source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("#!", StringComparison.Ordinal)) ?? "";
        return line.Length <= 60 ? line : line[..57] + "...";
    }
}
