using System.Globalization;
using Workbench.Experiments.RunFolders;

namespace Workbench.Experiments.Sweeps;

/// <summary>
/// One seed group of a sweep (runs whose grid values differ only in <c>training.seed</c>, <see cref="SeedGroups"/>): where
/// each seed stands and the test −ELBO over the finished ones.
/// </summary>
/// <param name="Key">The run id without the seed, e.g. <c>model=beta-vae-4</c>.</param>
/// <param name="Seeds">Every seed of the sweep, ascending, with this group's run state; null where the group has no run of that seed.</param>
/// <param name="NegativeElbo">Test −ELBO in nats per image: mean ± sample sd (n − 1) over the finished seeds.</param>
public sealed record SeedGroupStatus(string Key, IReadOnlyList<(ulong Seed, RunState? State)> Seeds, SeedStatistic NegativeElbo)
{
    /// <summary>
    /// "1, 3 finished; 2 running": the seeds by state, finished first, then in the order of <see cref="RunState"/>; "not started"
    /// (last) for a seed without a run.
    /// </summary>
    public string Describe() => string.Join("; ", Seeds.GroupBy(s => s.State)
        .OrderBy(g => g.Key switch { RunState.Finished => -1, null => int.MaxValue, var state => (int)state })
        .Select(g => string.Join(", ", g.Select(s => s.Seed.ToString(CultureInfo.InvariantCulture))) + " " +
                     (g.Key?.ToString().ToLowerInvariant() ?? "not started")));
}

public static partial class SweepStatus
{
    /// <summary>
    /// The seed groups of <paramref name="runs"/> (as <see cref="Read"/> returns them for <paramref name="experimentFolder"/>),
    /// grouped by run id without its <c>seed=</c> part; empty when no run id has one. The −ELBO is read from the finished runs' summaries.
    /// </summary>
    public static IReadOnlyList<SeedGroupStatus> SeedGroups(string experimentFolder, IReadOnlyList<RunStatus> runs)
    {
        var keyed = runs.Select(r => (Run: r, Id: RunFolders.SeedGroups.KeyOfRunId(r.Run))).Where(r => r.Id.Seed is not null).ToArray();
        if (keyed.Length == 0) return [];
        var seeds = keyed.Select(r => r.Id.Seed!.Value).Distinct().Order().ToArray();
        return keyed.GroupBy(r => r.Id.Key).Select(g =>
        {
            var bySeed = g.ToDictionary(r => r.Id.Seed!.Value, r => r.Run);
            var elbo = SeedStatistic.Of(g.Where(r => r.Run.State == RunState.Finished)
                .Select(r => RunFiles.ReadSummary(Path.Combine(experimentFolder, r.Run.Run, RunFolder.SummaryFile)).TestNegativeElbo));
            return new SeedGroupStatus(g.Key, seeds.Select(s => (s, bySeed.TryGetValue(s, out var run) ? run.State : (RunState?)null)).ToArray(), elbo);
        }).ToArray();
    }
}
