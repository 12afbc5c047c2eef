using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Workbench.Notebooks;

/// <summary>
/// Runs a C# Polyglot notebook headlessly in the real .NET Interactive kernel. The kernel lives in
/// a child process (Workbench.NotebookHost) started in the notebook's folder; this class supervises
/// it: relays progress, stops a cell that runs past <see cref="CellTimeout"/>, and when the host
/// ends without reporting a finished run (a cell called Environment.Exit, overflowed the stack, was
/// interrupted or timed out) records an error output on the cell that was running. A run succeeds
/// only when the host said so and the executed notebook reached the last cell.
/// Problems with the notebook itself (another language's cell, an unknown parameter, a file that is
/// not a notebook) are found before any cell runs and thrown as <see cref="NotebookException"/>,
/// with nothing written. When the executed notebook cannot be saved (a full disk, a read-only
/// folder), the run stops and an <see cref="IOException"/> names the file; the file keeps the last
/// copy written in full. The host reports on a channel of its own (<see cref="HostChannel"/>): what a
/// cell's child processes print on the host's standard output is relayed to <see cref="HostOutput"/>.
/// </summary>
public sealed class NotebookRunner
{
    /// <summary>Tag of the cell holding parameter defaults (papermill's convention).</summary>
    public const string ParametersTag = "parameters";

    /// <summary>File name of the kernel host, expected next to this assembly.</summary>
    public const string HostAssemblyName = "Workbench.NotebookHost.dll";

    /// <summary>Default for <see cref="CellTimeout"/>: generous, since one cell may train several models.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromMinutes(10);

    private readonly IReadOnlyDictionary<string, string> _parameters;
    private readonly Action<CellProgress>? _progress;

    public NotebookRunner(IReadOnlyDictionary<string, string>? parameters = null, Action<CellProgress>? progress = null)
    {
        _parameters = parameters ?? new Dictionary<string, string>();
        _progress = progress;
    }

    /// <summary>How long one cell may run before the kernel is stopped and the cell gets an error output.</summary>
    public TimeSpan CellTimeout { get; init; } = DefaultCellTimeout;

    /// <summary>Whether the executed notebook may replace the source (<c>--in-place</c>); otherwise that is refused.</summary>
    public bool InPlace { get; init; }

    /// <summary>
    /// Receives each line the kernel host prints on its standard output (outside the kernel's capture:
    /// a process a cell started, a cell writing to the raw stream); the console by default. Never read
    /// as a message from the host.
    /// </summary>
    public Action<string> HostOutput { get; init; } = line => Console.Out.WriteLine(line);

    /// <summary>
    /// Environment variables set for the kernel host on top of this process's own (e.g. <c>NUGET_PACKAGES</c>, so that
    /// <c>#r "nuget: …"</c> restores into a folder of the caller's choosing); a null value removes a variable.
    /// </summary>
    public IReadOnlyDictionary<string, string?> HostEnvironment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Runs <paramref name="inputPath"/> and writes the executed notebook to <paramref name="outputPath"/>, after every cell.
    /// Throws <see cref="IOException"/> ("could not write &lt;file&gt;: No space left on device") when the notebook cannot be saved.
    /// </summary>
    public async Task<NotebookRunResult> RunFileAsync(string inputPath, string outputPath, CancellationToken cancellationToken = default)
    {
        var input = Path.GetFullPath(inputPath);
        var output = Path.GetFullPath(outputPath);
        if (output == input && !InPlace)
            throw new NotebookException($"The output {output} is the source notebook; give another --output, or --in-place to overwrite the source.");
        if (CellTimeout <= TimeSpan.Zero)
            throw new NotebookException($"The cell timeout must be positive, got {CellTimeout}.");
        var source = NotebookFile.Read(input); // a clear message for a missing or malformed file before the kernel starts
        var host = Path.Combine(AppContext.BaseDirectory, HostAssemblyName);
        if (!File.Exists(host))
            throw new NotebookException($"The kernel host {host} is missing; build the solution (dotnet build -c Release).");

        var clock = Stopwatch.StartNew();
        var supervision = await SuperviseAsync(host, input, output, cancellationToken);
        if (supervision.Refusal is { } refusal) throw new NotebookException(refusal);
        if (supervision.Unwritable is { } unwritable)
        {
            RemoveTemporaryFiles(output);
            throw new IOException(unwritable);
        }

        var executed = File.Exists(output) && supervision.OutputWritten ? NotebookFile.Read(output) : source.Clone();
        var failure = supervision.Failure;
        int? failedCell = null;
        if (supervision.Stopped is { } stopped)
        {
            // The host is gone mid-cell: that cell gets the error, written where the host left off.
            failedCell = supervision.RunningCell is { } running && running < executed.Cells.Count ? running + 1 : null;
            failure = $"cell {failedCell?.ToString() ?? "?"}: {stopped.Name}: {stopped.Message}";
            if (failedCell is { } number)
            {
                var cell = executed.Cells[number - 1];
                cell.ExecutionCount ??= executed.Cells.Max(c => c.ExecutionCount ?? 0) + 1;
                cell.Outputs.Add(new JsonObject
                {
                    ["ename"] = stopped.Name,
                    ["evalue"] = stopped.Message,
                    ["output_type"] = "error",
                    ["traceback"] = new JsonArray(new[] { $"{stopped.Name}: {stopped.Message}" }.Concat(stopped.Detail).Select(l => (JsonNode)l).ToArray()),
                });
            }
            NotebookFile.Write(executed, output);
        }
        else if (failure is not null)
        {
            failedCell = supervision.LastEndedCell + 1;
        }
        else if (!ReachedLastCell(executed, out var missing))
        {
            failure = $"the executed notebook stops before cell {missing}: the kernel host reported success without running it";
            failedCell = missing;
        }
        RemoveTemporaryFiles(output);
        var executedCells = executed.Cells.Max(c => c.ExecutionCount) ?? 0;
        return new NotebookRunResult(executed, executedCells, failedCell, failure, clock.Elapsed);
    }

    // Every code cell ran except those the host skips (#!markdown cells).
    private static bool ReachedLastCell(Notebook executed, out int missing)
    {
        for (var i = 0; i < executed.Cells.Count; i++)
        {
            var cell = executed.Cells[i];
            var markdownMagic = cell.Source.TrimStart().StartsWith("#!markdown", StringComparison.Ordinal) || cell.Source.TrimStart().StartsWith("#!md", StringComparison.Ordinal)
                                || PolyglotMetadata.CellKernel(cell.Metadata) is "markdown" or "md";
            if (cell.IsCode && cell.ExecutionCount is null && !markdownMagic)
            {
                missing = i + 1;
                return false;
            }
        }
        missing = 0;
        return true;
    }

    private async Task<Supervision> SuperviseAsync(string host, string input, string output, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetPath())
        {
            WorkingDirectory = Path.GetDirectoryName(input)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        using var channel = HostChannel.Open();
        foreach (var argument in new[] { "exec", host, channel.Name, input, output }) start.ArgumentList.Add(argument);
        foreach (var (name, value) in _parameters) start.ArgumentList.Add($"{name}={value}");
        foreach (var (name, value) in HostEnvironment)
            if (value is null) start.Environment.Remove(name); else start.Environment[name] = value;

        var state = new Supervision();
        using var process = Process.Start(start) ?? throw new NotebookException($"Could not start the kernel host {host}.");
        process.StandardInput.Close();
        var errorTail = new StringBuilder();
        var errors = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int read;
            while ((read = await process.StandardError.ReadAsync(buffer)) > 0)
                lock (errorTail)
                {
                    errorTail.Append(buffer, 0, read);
                    if (errorTail.Length > 16_000) errorTail.Remove(0, errorTail.Length - 16_000);
                }
        });
        var relayed = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line) HostOutput(line);
        });
        var exited = process.WaitForExitAsync(CancellationToken.None);
        var cellClock = new Stopwatch();
        var lines = Task.Run(async () =>
        {
            using var reader = await channel.AcceptAsync(exited);
            if (reader is null) return; // the host ended before it connected: its standard error says why
            while (await reader.ReadLineAsync() is { } line)
            {
                switch (HostProtocol.Parse(line))
                {
                    case HostMessage.CellStarted started:
                        lock (state) { state.RunningCell = started.CellIndex; cellClock.Restart(); }
                        state.Ordinal = started.Ordinal;
                        state.Count = started.Count;
                        state.Summary = started.Summary;
                        _progress?.Invoke(new CellProgress(started.CellIndex + 1, started.Ordinal, started.Count, started.Summary, CellState.Running, TimeSpan.Zero));
                        break;
                    case HostMessage.CellEnded ended:
                        lock (state) { state.RunningCell = null; state.LastEndedCell = ended.CellIndex; cellClock.Reset(); }
                        _progress?.Invoke(new CellProgress(ended.CellIndex + 1, state.Ordinal, state.Count, state.Summary, ended.State, ended.Elapsed)
                        {
                            DisplayUpdates = ended.DisplayUpdates,
                        });
                        break;
                    case HostMessage.Written: state.OutputWritten = true; break;
                    case HostMessage.CellFailed failed: state.Failure = failed.Description; break;
                    case HostMessage.Refused refused: state.Refusal = refused.Message; break;
                    case HostMessage.Unwritable unwritable: state.Unwritable = unwritable.Message; break;
                    case HostMessage.Finished finished: state.Finished = finished.ExitCode; break;
                }
            }
        });

        string? stopReason = null;
        while (!exited.IsCompleted)
        {
            await Task.WhenAny(exited, Task.Delay(200, CancellationToken.None));
            if (exited.IsCompleted) break;
            bool overdue;
            lock (state) overdue = state.RunningCell is not null && cellClock.Elapsed > CellTimeout;
            if (overdue) stopReason = "timeout";
            else if (cancellationToken.IsCancellationRequested) stopReason = "interrupted";
            if (stopReason is null) continue;
            process.Kill(entireProcessTree: true);
            await exited;
        }
        await Task.WhenAll(lines, errors, relayed);
        // Ctrl+C in a terminal reaches the host too (same process group) and may end it first.
        if (stopReason is null && state.Finished is null && cancellationToken.IsCancellationRequested) stopReason = "interrupted";

        if (state.Refusal is not null || state.Unwritable is not null || (state.Finished is not null && stopReason is null)) return state;
        var detail = errorTail.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(40).ToArray();
        state.Stopped = stopReason switch
        {
            "timeout" => new StopCause("CellTimeout", $"the cell ran longer than the cell timeout ({FormatSpan(CellTimeout)}); the kernel was stopped", []),
            "interrupted" => new StopCause("Interrupted", "the run was interrupted; the kernel was stopped", []),
            _ => new StopCause("KernelDied", $"the kernel process ended (exit code {process.ExitCode}) while this cell ran", detail),
        };
        if (state.RunningCell is null && stopReason is null && state.OutputWritten is false && detail.Length > 0)
            throw new NotebookException($"The kernel host failed before running any cell (exit code {process.ExitCode}):\n{string.Join("\n", detail)}");
        return state;
    }

    private static string FormatSpan(TimeSpan span) =>
        span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.##} min" : $"{span.TotalSeconds:0.###} s";

    // The dotnet that runs us (dotnet test/run set DOTNET_HOST_PATH), else the one on PATH.
    private static string DotnetPath()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    private static void RemoveTemporaryFiles(string output)
    {
        var folder = Path.GetDirectoryName(output)!;
        if (!Directory.Exists(folder)) return;
        foreach (var temp in Directory.EnumerateFiles(folder, $".{Path.GetFileName(output)}.*.tmp"))
            try { File.Delete(temp); } catch (IOException) { }
    }

    private sealed record StopCause(string Name, string Message, IReadOnlyList<string> Detail);

    private sealed class Supervision
    {
        public int? RunningCell { get; set; }
        public int LastEndedCell { get; set; } = -1;
        public bool OutputWritten { get; set; }
        public int Ordinal { get; set; }
        public int Count { get; set; }
        public string Summary { get; set; } = "";
        public string? Failure { get; set; }
        public string? Refusal { get; set; }
        public string? Unwritable { get; set; }
        public int? Finished { get; set; }
        public StopCause? Stopped { get; set; }
    }
}
