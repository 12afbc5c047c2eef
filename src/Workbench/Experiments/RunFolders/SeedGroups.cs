using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// The mean and sample standard deviation of one measure over the seeds of a group: sd divides by n − 1 (Bessel's
/// correction), so it estimates the spread of a new seed; a single value has no sd (null), never a fake 0.
/// </summary>
/// <param name="Values">The values it is taken over (finite ones; a seed without a value is left out).</param>
public sealed record SeedStatistic(double Mean, double? Sd, IReadOnlyList<double> Values)
{
    /// <summary>How many values the mean is taken over.</summary>
    public int Count => Values.Count;

    /// <summary>Mean and sample sd (n − 1) of the finite <paramref name="values"/>; NaN mean and null sd when there is none.</summary>
    public static SeedStatistic Of(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return new SeedStatistic(double.NaN, null, finite);
        double mean = finite.Average();
        double? sd = finite.Length < 2 ? null : Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1));
        return new SeedStatistic(mean, sd, finite);
    }

    /// <summary>"37.52 ± 0.12" with <paramref name="format"/> for both numbers, or "37.52" when there is no sd.</summary>
    public string ToString(Func<double, string> format) => Sd is { } sd ? $"{format(Mean)} ± {format(sd)}" : format(Mean);

    /// <summary>"37.52 ± 0.12" to two decimals.</summary>
    public override string ToString() => ToString(v => v.ToString("F2", CultureInfo.InvariantCulture));
}

/// <summary>
/// Runs of one experiment that differ only in their seed (the grid axis <see cref="SeedGroups.Axis"/>), in seed order.
/// <see cref="ExpectedSeeds"/> are the seeds any group of the experiment has: a seed this group lacks has not finished
/// (or was not run), and shows as a gap rather than a value.
/// </summary>
/// <param name="Key">The run id without the seed (<c>model=beta-vae-4</c>; <c>default</c> when only the seed differs).</param>
/// <param name="Overrides">The grid values the runs share: their overrides without the seed.</param>
/// <param name="Runs">The finished runs, in seed order; one run when it has no seed value.</param>
/// <param name="Seeds">The seed of each of <see cref="Runs"/>; null for a run without one.</param>
/// <param name="ExpectedSeeds">Every seed of the experiment's seed axis, ascending; empty for a run without a seed value.</param>
public sealed record SeedGroup<T>(string Key, IReadOnlyDictionary<string, JsonNode?> Overrides, IReadOnlyList<T> Runs, IReadOnlyList<ulong?> Seeds,
    IReadOnlyList<ulong> ExpectedSeeds)
{
    /// <summary>True when every expected seed has a run (always for an experiment without a seed axis).</summary>
    public bool IsComplete => ExpectedSeeds.All(s => IndexOf(s) >= 0);

    /// <summary>The expected seeds without a finished run in this group.</summary>
    public IReadOnlyList<ulong> MissingSeeds => ExpectedSeeds.Where(s => IndexOf(s) < 0).ToArray();

    /// <summary>Mean and sample sd of <paramref name="value"/> over the runs that have one.</summary>
    public SeedStatistic Statistic(Func<T, double?> value) => SeedStatistic.Of(Runs.Select(r => value(r) ?? double.NaN));

    /// <summary>
    /// <paramref name="value"/> of each expected seed in ascending order, null for a seed without a run (or without the
    /// value); without a seed axis, the runs' values in order.
    /// </summary>
    public IReadOnlyList<double?> PerSeed(Func<T, double?> value) =>
        ExpectedSeeds.Count == 0
            ? Runs.Select(value).ToArray()
            : ExpectedSeeds.Select(s => IndexOf(s) is var i and >= 0 ? value(Runs[i]) : null).ToArray();

    private int IndexOf(ulong seed)
    {
        for (int i = 0; i < Seeds.Count; i++) if (Seeds[i] == seed) return i;
        return -1;
    }

    /// <summary>"seeds 1, 2, 3", or "seeds 1, 2 of 1, 2, 3" when a seed has no finished run; "" without a seed axis.</summary>
    public string SeedText()
    {
        if (ExpectedSeeds.Count == 0) return "";
        var finished = Seeds.Where(s => s is not null).Select(s => s!.Value.ToString(CultureInfo.InvariantCulture));
        return IsComplete
            ? "seeds " + string.Join(", ", ExpectedSeeds)
            : $"seeds {string.Join(", ", finished)} of {string.Join(", ", ExpectedSeeds)}";
    }
}

/// <summary>
/// Seeds as an axis of an experiment: runs whose grid values differ only in <c>training.seed</c> form a group, summarised as
/// mean ± sample sd (<see cref="SeedStatistic"/>) with each seed's value beside it. Reports, comparison figures, the run table
/// and <c>workbench status</c> group runs with this one rule. An experiment without the axis has groups of one run each.
/// </summary>
public static partial class SeedGroups
{
    /// <summary>The grid axis of the training seed.</summary>
    public const string Axis = "training.seed";

    /// <summary>True when some run has a value on <paramref name="axis"/> among its grid values.</summary>
    public static bool HasAxis(IEnumerable<RunSummary> summaries, string axis = Axis) => summaries.Any(s => s.Overrides.ContainsKey(axis));

    /// <summary>
    /// <paramref name="runs"/> grouped by their grid values other than <paramref name="axis"/>, groups in order of first
    /// appearance, runs in seed order; a run without a value on the axis is a group of its own. <paramref name="axis"/> is <see cref="Axis"/> unless a caller's draws are another seed
    /// (the label seed of semi-supervised runs).
    /// </summary>
    public static IReadOnlyList<SeedGroup<T>> Of<T>(IReadOnlyList<T> runs, Func<T, RunSummary> summary, string axis = Axis)
    {
        var seeded = runs.Select(r => (Run: r, Seed: SeedOf(summary(r), axis), Shared: Without(summary(r).Overrides, axis))).ToArray();
        var expected = seeded.Where(r => r.Seed is not null).Select(r => r.Seed!.Value).Distinct().Order().ToArray();
        return seeded
            // A run without a seed value is in no seed group: it stands alone, under its own id.
            .GroupBy(r => r.Seed is null ? (Seeded: false, Key: summary(r.Run).Run) : (Seeded: true, Key: ExperimentLoader.RunId(r.Shared)))
            .Select(g =>
            {
                var ordered = g.OrderBy(r => r.Seed).ToArray();
                return new SeedGroup<T>(g.Key.Key, ordered[0].Shared, ordered.Select(r => r.Run).ToArray(), ordered.Select(r => r.Seed).ToArray(),
                    g.Key.Seeded ? expected : []);
            })
            .ToArray();
    }

    /// <summary>The overrides without <paramref name="axis"/>, in their order.</summary>
    public static Dictionary<string, JsonNode?> Without(IReadOnlyDictionary<string, JsonNode?> overrides, string axis = Axis) =>
        overrides.Where(kv => kv.Key != axis).ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>The run's value on <paramref name="axis"/>, or null when it has none (or not a whole number).</summary>
    public static ulong? SeedOf(RunSummary summary, string axis = Axis)
    {
        if (!summary.Overrides.TryGetValue(axis, out var value) || value is not JsonValue v) return null;
        // A value read from JSON converts to any number type; one built in code (a notebook's int) only to its own.
        if (v.TryGetValue(out ulong seed)) return seed;
        if (v.TryGetValue(out long signed)) return signed >= 0 ? (ulong)signed : null;
        if (v.TryGetValue(out int small)) return small >= 0 ? (ulong)small : null;
        return v.TryGetValue(out double number) && number >= 0 && number == Math.Floor(number) && number < ulong.MaxValue ? (ulong)number : null;
    }

    /// <summary>
    /// A run id without its seed (<c>model=beta-vae-4_seed=2</c> → <c>model=beta-vae-4</c>, seed 2), for runs known only by
    /// their folder name (not started, running, failed); the key equals <see cref="SeedGroup{T}.Key"/> of the finished runs.
    /// An id without a <c>seed=</c> part, or shortened with a hash, is its own key with no seed.
    /// </summary>
    public static (string Key, ulong? Seed) KeyOfRunId(string runId)
    {
        var match = SeedPart().Match(runId);
        if (!match.Success) return (runId, null);
        var rest = runId.Remove(match.Index, match.Length).Trim('_');
        return (rest.Length == 0 ? ExperimentLoader.RunId(new Dictionary<string, JsonNode?>()) : rest, ulong.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"(?:^|_)seed=(\d+)(?=_|$)")]
    private static partial Regex SeedPart();
}
