using Workbench.Experiments.Definitions;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// The one check of run folders against the runs requested, which every path that trains goes through: a plain
/// <c>workbench run</c> and <c>train</c>, one grid point (<c>--point</c>, what a <c>--parallel</c> child and a Slurm
/// task run), the <c>--parallel</c> parent and the <c>--slurm</c> submission before they start anything, and
/// <c>Lab.Train</c> (through <see cref="Running.ExperimentRunner.RunOne"/>). A folder recording another configuration is
/// never skipped as finished nor resumed: it is refused, or with <c>rerunChanged</c> moved to <c>.stale/</c>.
/// </summary>
public static class RunIdentityGuard
{
    /// <summary>How long a locked folder is watched for its holder's record (written right after the lock is taken).</summary>
    public static readonly TimeSpan HolderWait = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Before anything trains: without <paramref name="rerunChanged"/>, throws when any run folder of
    /// <paramref name="runs"/> holds another configuration, listing them all. Advisory: each run checks again under its lock.
    /// </summary>
    /// <exception cref="RunConfigurationChangedException">Some folder holds another configuration.</exception>
    public static void RefuseChanged(string resultsRoot, string experiment, IReadOnlyList<RunSpec> runs, bool rerunChanged)
    {
        var changed = new List<(string, IReadOnlyList<string>)>();
        foreach (var run in runs)
        {
            var folder = FolderOf(resultsRoot, experiment, run);
            if (!Directory.Exists(folder)) continue;
            var requested = RunIdentity.Of(run);
            // A folder that another process is training cannot be moved aside: refused with or without rerunChanged.
            if (RunHolder.Live(folder) is { } holder && !holder.Identity.SameRunAs(requested)) throw HeldRefusal(folder, holder, requested);
            if (!rerunChanged && RunDrift.Find(folder, requested) is { } differences) changed.Add((folder, differences));
        }
        if (changed.Count > 0) throw RunDrift.Refusal(changed);
    }

    /// <summary>
    /// Indices of the runs still to train: those without a finished run of their own configuration (no summary.json,
    /// or a folder recording another configuration, which trains again once moved aside).
    /// </summary>
    public static IReadOnlyList<int> ToRun(string resultsRoot, string experiment, IReadOnlyList<RunSpec> runs) =>
        Enumerable.Range(0, runs.Count).Where(i =>
        {
            var folder = FolderOf(resultsRoot, experiment, runs[i]);
            return !File.Exists(Path.Combine(folder, RunFolder.SummaryFile)) || RunDrift.Find(folder, RunIdentity.Of(runs[i])) is not null;
        }).ToList();

    /// <summary>
    /// Under the folder's lock: true when <paramref name="run"/> should train (new, or interrupted with the same
    /// configuration); false when it finished earlier with the same configuration. A folder holding another
    /// configuration is refused, or with <paramref name="rerunChanged"/> moved aside so the run trains afresh.
    /// </summary>
    /// <exception cref="RunConfigurationChangedException">The folder holds another configuration and <paramref name="rerunChanged"/> is off.</exception>
    public static bool ShouldTrain(RunFolder folder, RunSpec run, RunIdentity requested, bool rerunChanged, TextWriter log)
    {
        if (RunDrift.Find(folder.Path, requested) is { } differences)
        {
            if (!rerunChanged) throw RunDrift.Refusal([(folder.Path, differences)]);
            string state = RunDrift.State(folder.Path);
            var moved = folder.MoveAside();
            log.WriteLine($"  {run.Id}: configuration changed ({string.Join("; ", differences)}); the {state} run was moved to {moved}");
        }
        if (folder.IsFinished)
        {
            log.WriteLine($"  {run.Id}: finished earlier, skipped");
            return false;
        }
        return true;
    }

    /// <summary>
    /// For a folder whose lock another process holds: throws when that process trains another configuration than
    /// <paramref name="requested"/> (naming both), and otherwise says that the run is left to it.
    /// </summary>
    /// <exception cref="RunConfigurationChangedException">The holder trains another configuration.</exception>
    public static void LeaveToHolder(string folder, RunSpec run, RunIdentity requested, TextWriter log)
    {
        // The holder records itself right after it takes the lock; a status probe holds the lock for an instant and records nothing.
        var holder = RunHolder.Read(folder);
        for (var deadline = DateTime.UtcNow + HolderWait; holder is null && DateTime.UtcNow < deadline ; holder = RunHolder.Read(folder))
            Thread.Sleep(100);
        if (holder is null)
        {
            log.WriteLine($"  {run.Id}: another process holds its folder (recording no configuration), skipped; it is not finished here");
            return;
        }
        if (!holder.Identity.SameRunAs(requested)) throw HeldRefusal(folder, holder, requested);
        log.WriteLine($"  {run.Id}: another process ({holder.Describe()}) is training this same configuration; left to it, not finished here");
    }

    /// <summary>The error for a folder that <paramref name="holder"/> is training with another configuration: both named, and their differences.</summary>
    private static RunConfigurationChangedException HeldRefusal(string folder, RunHolder holder, RunIdentity requested) => new(
        $"{folder} is being trained right now by another process ({holder.Describe()}) with another configuration than this one:\n" +
        $"  that process: configuration {holder.Identity.Hash[..12]}\n  this one:     configuration {requested.Hash[..12]}\n" +
        "Differences (that process → this one):\n" + string.Join("\n", holder.Identity.Differences(requested).Select(line => "  " + line)) + "\n" +
        "Wait for it to finish and decide which run you want, or write to another results folder (workbench run --results <folder>).");

    private static string FolderOf(string resultsRoot, string experiment, RunSpec run) => Path.GetFullPath(Path.Combine(resultsRoot, experiment, run.Id));
}
