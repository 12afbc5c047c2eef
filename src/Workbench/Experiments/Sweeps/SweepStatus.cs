using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Slurm;

namespace Workbench.Experiments.Sweeps;

/// <summary>Where a run of a sweep stands.</summary>
public enum RunState
{
    /// <summary>Submitted (listed in the Slurm submission) but not started.</summary>
    Pending,
    /// <summary>A process holds the run's lock.</summary>
    Running,
    /// <summary>summary.json is written.</summary>
    Finished,
    /// <summary>Stopped by a signal (Ctrl+C, SIGTERM, a time limit, a lost node); resumes from its last checkpoint when run again.</summary>
    Interrupted,
    /// <summary>Its last attempt exited with an error.</summary>
    Failed,
}

/// <summary>One run's state with what explains it: progress, last checkpoint, or the tail of its log.</summary>
public sealed record RunStatus(string Run, RunState State, string Detail, IReadOnlyList<string> LogTail);

/// <summary>
/// The state of every run of an experiment's results folder (<c>workbench status</c>), read from the files alone,
/// so it works the same for a local, a <c>--parallel</c> or a Slurm sweep: summary.json means finished; a held lock
/// means running; otherwise the exit line of run.log and the newest checkpoint say interrupted or failed.
/// </summary>
public static partial class SweepStatus
{
    /// <summary>Lines of run.log shown for a failed run.</summary>
    public const int TailLines = 8;

    public static IReadOnlyList<RunStatus> Read(string experimentFolder)
    {
        if (!Directory.Exists(experimentFolder)) throw new DirectoryNotFoundException($"{experimentFolder}: no such results folder.");
        var runs = new SortedDictionary<string, RunStatus>(StringComparer.Ordinal);
        foreach (var folder in Directory.EnumerateDirectories(experimentFolder))
            if (IsRunFolder(folder)) runs[Path.GetFileName(folder)] = ReadRun(folder);
        foreach (var run in SlurmSubmissionRecord.TryRead(experimentFolder)?.Runs ?? [])
            if (!runs.ContainsKey(run)) runs[run] = new RunStatus(run, RunState.Pending, "submitted, not started", []);
        return runs.Values.ToList();
    }

    private static bool IsRunFolder(string folder) =>
        File.Exists(Path.Combine(folder, "config.json")) || File.Exists(Path.Combine(folder, RunLog.FileName)) ||
        File.Exists(Path.Combine(folder, RunFolder.SummaryFile));

    private static RunStatus ReadRun(string folder)
    {
        string run = Path.GetFileName(folder);
        var summaryPath = Path.Combine(folder, RunFolder.SummaryFile);
        if (File.Exists(summaryPath))
        {
            var summary = RunFiles.ReadSummary(summaryPath);
            return new RunStatus(run, RunState.Finished, $"test −ELBO {summary.TestNegativeElbo:F2} nats", []);
        }
        string epochs = $"{CountLines(Path.Combine(folder, "metrics.jsonl"))}/{TotalEpochs(folder)?.ToString() ?? "?"} epochs";
        if (IsLocked(folder)) return new RunStatus(run, RunState.Running, RunHolder.Read(folder) is { } holder ? $"{epochs}, {holder.Describe()}" : epochs, []);

        var attempt = RunLog.LastAttempt(Path.Combine(folder, RunLog.FileName));
        int? exit = RunLog.ExitCode(attempt);
        string checkpoint = LastCheckpoint(folder) is { } c ? $"last checkpoint after epoch {c.Epoch}" + (c.Batch > 0 ? $" + {c.Batch} batches" : "") : "no checkpoint";
        // 130 = Ctrl+C, 143 = SIGTERM: the run wrote its checkpoint and stopped on request. No exit line: killed, or never reached one.
        if (exit is null or 0 or 130 or 143)
        {
            string how = exit switch { 130 => "Ctrl+C", 143 => "SIGTERM", null => "no exit recorded", _ => "exited early" };
            return new RunStatus(run, RunState.Interrupted, $"{epochs}, {checkpoint} ({how})", []);
        }
        var tail = attempt.Where(l => !l.StartsWith(RunLog.ExitPrefix, StringComparison.Ordinal)).TakeLast(TailLines).ToList();
        return new RunStatus(run, RunState.Failed, $"exit {exit}, {epochs}, {checkpoint}", tail);
    }

    /// <summary>
    /// True when a process holds the run's lock. Probing takes the lock for an instant when it is free; the
    /// sweep runners retry a point they find locked, so the probe never makes one skip it.
    /// </summary>
    private static bool IsLocked(string folder)
    {
        var path = Path.Combine(folder, ".lock");
        if (!File.Exists(path)) return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1);
            return false;
        }
        catch (FileNotFoundException) { return false; }
        catch (IOException) { return true; }
        catch (UnauthorizedAccessException) { return false; }
    }

    [GeneratedRegex(@"^epoch-(\d+)-batch-(\d+)\.safetensors$")]
    private static partial Regex CheckpointName();

    private static (int Epoch, int Batch)? LastCheckpoint(string folder)
    {
        var directory = Path.Combine(folder, "checkpoints");
        if (!Directory.Exists(directory)) return null;
        var last = Directory.EnumerateFiles(directory, "epoch-*.safetensors").Select(Path.GetFileName).Order(StringComparer.Ordinal).LastOrDefault();
        return last is not null && CheckpointName().Match(last) is { Success: true } m ? (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value)) : null;
    }

    private static int CountLines(string path) => File.Exists(path) ? File.ReadLines(path).Count(l => l.Length > 0) : 0;

    private static int? TotalEpochs(string folder)
    {
        var config = Path.Combine(folder, "config.json");
        if (!File.Exists(config)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(config))?["training"]?["epochs"]?.GetValue<int>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
