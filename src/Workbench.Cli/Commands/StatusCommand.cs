using System.CommandLine;
using Workbench.Experiments.Slurm;
using Workbench.Experiments.Sweeps;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench status &lt;experiment-folder&gt;</c>: each run's state (finished, running, interrupted with its last
/// checkpoint, failed with the tail of its log, or submitted and not started) — for local, parallel and Slurm sweeps.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("experiment-folder") { Description = "The experiment's results folder, results/<experiment>." };
        var command = new Command("status",
            "Show where each run of an experiment stands: finished, running, interrupted (with its last checkpoint) or failed (with the end of its run.log).")
        {
            folder,
        };
        command.SetAction(parse =>
        {
            var output = CommonOptions.Out(parse);
            string path = parse.GetValue(folder)!;
            Write(path, SweepStatus.Read(path), SlurmSubmissionRecord.TryRead(path), output);
            return Cli.Success;
        });
        return command;
    }

    private static void Write(string folder, IReadOnlyList<RunStatus> runs, SlurmSubmissionRecord? submission, TextWriter output)
    {
        var counts = runs.GroupBy(r => r.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
        output.WriteLine($"{folder}: {runs.Count} run(s): {string.Join(", ", counts)}");
        if (submission is not null)
            output.WriteLine($"Slurm: array job {submission.ArrayJobId} (points {GridPoints.ArrayList(submission.Points)}), report job {submission.ReportJobId}, " +
                             $"submitted {submission.Submitted:yyyy-MM-dd HH:mm} UTC; squeue -j {submission.ArrayJobId},{submission.ReportJobId}");
        if (runs.Count == 0) return;
        int width = Math.Max(3, runs.Max(r => r.Run.Length));
        output.WriteLine($"{"run".PadRight(width)}  {"state",-11}  detail");
        foreach (var run in runs)
        {
            output.WriteLine($"{run.Run.PadRight(width)}  {run.State.ToString().ToLowerInvariant(),-11}  {run.Detail}");
            foreach (var line in run.LogTail) output.WriteLine($"{"".PadRight(width)}    | {line}");
        }
        WriteSeedGroups(SweepStatus.SeedGroups(folder, runs), output);
    }

    /// <summary>
    /// Runs that differ only in their seed, one line a group: the test −ELBO as mean ± sample sd (n − 1) over its finished
    /// seeds (one finished seed: its value alone; none: "–") and where each seed stands.
    /// </summary>
    internal static void WriteSeedGroups(IReadOnlyList<SeedGroupStatus> groups, TextWriter output)
    {
        if (groups.Count == 0) return;
        output.WriteLine();
        output.WriteLine("Seed groups: test −ELBO in nats, mean ± sample sd (n − 1) over the finished seeds");
        int width = Math.Max(5, groups.Max(g => g.Key.Length));
        output.WriteLine($"{"group".PadRight(width)}  {"−ELBO",-15}  seeds");
        foreach (var group in groups)
        {
            string elbo = group.NegativeElbo.Count == 0 ? "–" : group.NegativeElbo.ToString();
            output.WriteLine($"{group.Key.PadRight(width)}  {elbo,-15}  {group.Describe()}");
        }
    }
}
