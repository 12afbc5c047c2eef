using System.Globalization;
using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;

namespace Workbench.Experiments.Reports;

/// <summary>
/// Readable names for the runs of a grid in legends and panel titles: the values that tell them apart
/// ("elbo", "kl-only", "β=4", "β=4, seed=2") rather than run ids such as <c>objective=kl-only</c>.
/// </summary>
internal static class RunLabels
{
    public static string For(ReportRun run)
    {
        if (run.Summary.Overrides.Count == 0) return run.Id;
        return string.Join(", ", run.Summary.Overrides.Select(kv => Part(kv.Key, kv.Value)));
    }

    /// <summary>
    /// The label of a run's seed group: its grid values other than the seed ("β=4", "beta-vae-4"); the run id when it has no
    /// grid values, "all runs" when the seed is its only one.
    /// </summary>
    public static string WithoutSeed(ReportRun run)
    {
        var parts = SeedGroups.Without(run.Summary.Overrides);
        if (parts.Count == 0) return run.Summary.Overrides.Count == 0 ? run.Id : "all runs";
        return For(run with { Summary = run.Summary with { Overrides = parts } });
    }

    /// <summary>A seed group's label (<see cref="WithoutSeed"/>), with the number of seeds when it has more than one: "β=4 (3 seeds)".</summary>
    public static string ForGroup(SeedGroup<ReportRun> group) =>
        WithoutSeed(group.Runs[0]) + (group.Runs.Count > 1 ? $" ({group.Runs.Count} seeds)" : "");

    /// <summary>
    /// A picture's caption: the run's id, or for the one run of an experiment without a grid (whose id is only
    /// "default") what was trained, e.g. "quickstart: vae, latent 20, 10 epochs".
    /// </summary>
    public static string Caption(ReportRun run) =>
        run.Summary.Overrides.Count == 0 && run.Id == ExperimentLoader.RunId(run.Summary.Overrides)
            ? string.Create(CultureInfo.InvariantCulture, $"{run.Summary.Experiment}: {run.Summary.Variant}, latent {run.Summary.LatentSize}, {run.Summary.Epochs} epochs")
            : run.Id;

    private static string Part(string path, JsonNode? value)
    {
        var name = path[(path.LastIndexOf('.') + 1)..];
        var text = value is JsonValue v && v.TryGetValue(out double number) ? number.ToString("G4", CultureInfo.InvariantCulture)
            : value is JsonValue s && s.TryGetValue(out string? str) ? str
            : value?.ToJsonString() ?? "null";
        // An object value that names itself ("$id", as grid values of whole sections do) is shown by that name.
        if (value is JsonObject o && o["$id"] is JsonValue id && id.TryGetValue(out string? named)) return named;
        return name switch
        {
            "objective" or "variant" => text,
            "beta" => $"β={text}",
            _ => $"{name}={text}",
        };
    }
}
