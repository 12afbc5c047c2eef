using Workbench.Display;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// Finished runs side by side, one row each: what was trained (variant, objective, KL penalty,
/// latent size, epochs) and what it measured on the test set (nats per image). Displays as HTML.
/// When runs differ only in their seed (<see cref="SeedGroups"/>), a second table follows with one row per seed group:
/// each measure as mean ± sample sd (n − 1) over the group's finished seeds, and the −ELBO of each seed.
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<RunSummaryTable>), PreferredMimeTypes = ["text/html"])]
public sealed class RunSummaryTable(IReadOnlyList<RunSummary> runs, string? caption = null) : IHtmlDisplayable
{
    public IReadOnlyList<RunSummary> Runs { get; } = runs ?? throw new ArgumentNullException(nameof(runs));

    public string? Caption { get; } = caption;

    public HtmlTable ToTable()
    {
        bool importance = Runs.Any(r => r.ImportanceWeightedBound is not null);
        bool conditional = Runs.Any(r => r.ClassConditionalAccuracy is not null);
        bool disentanglement = Runs.Any(r => r.Mig is not null);
        bool semiSupervised = Runs.Any(r => r.TestClassificationError is not null);
        var columns = new List<string>
        {
            "run", "variant", "objective", "KL penalty", "latent", "epochs",
            "rec.", "KL", "−ELBO", "active units", "mean σ",
        };
        if (importance) columns.Add("IWAE bound");
        if (conditional) columns.Add("class accuracy");
        if (disentanglement) columns.Add("MIG");
        if (semiSupervised) columns.AddRange(["labels", "label seed", "test error %"]);
        var table = new HtmlTable(columns, Caption);
        foreach (var r in Runs)
        {
            var cells = new List<object?>
            {
                $"{r.Experiment}/{r.Run}", r.Variant, r.Objective, r.KlPenalty, r.LatentSize, r.Epochs,
                r.TestReconstruction, r.TestKl, r.TestNegativeElbo, r.ActiveUnits, r.MeanPosteriorSigma,
            };
            if (importance) cells.Add(r.ImportanceWeightedBound);
            if (conditional) cells.Add(r.ClassConditionalAccuracy);
            if (disentanglement) cells.Add(r.Mig);
            if (semiSupervised) cells.AddRange([r.Labels, r.LabelSeed, r.TestClassificationError * 100]);
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    /// <summary>
    /// One row per seed group, or null when no run has a seed on the grid: the grid values without the seed, the seeds
    /// (finished ones "of" all the experiment's seeds when some have not finished), the measures as "mean ± sd" (a
    /// group of one: its value alone), and the −ELBO of each seed in seed order ("–": not finished).
    /// </summary>
    public HtmlTable? SeedTable()
    {
        if (!SeedGroups.HasAxis(Runs)) return null;
        var groups = SeedGroups.Of(Runs, r => r);
        var measures = new List<(string Header, Func<RunSummary, double?> Value)>
        {
            ("rec.", r => r.TestReconstruction), ("KL", r => r.TestKl), ("−ELBO", r => r.TestNegativeElbo), ("active units", r => r.ActiveUnits),
        };
        if (Runs.Any(r => r.ImportanceWeightedBound is not null)) measures.Add(("IWAE bound", r => r.ImportanceWeightedBound));
        if (Runs.Any(r => r.ClassConditionalAccuracy is not null)) measures.Add(("class accuracy", r => r.ClassConditionalAccuracy));
        if (Runs.Any(r => r.Mig is not null)) measures.Add(("MIG", r => r.Mig));
        if (Runs.Any(r => r.TestClassificationError is not null)) measures.Add(("test error %", r => r.TestClassificationError * 100));
        var table = new HtmlTable(["runs", "seeds", .. measures.Select(m => m.Header), "−ELBO per seed"],
            "Over seeds: mean ± sample standard deviation (n − 1) of the finished seeds");
        foreach (var group in groups)
        {
            var cells = new List<object?> { $"{group.Runs[0].Experiment}/{group.Key}", group.SeedText() };
            cells.AddRange(measures.Select(m => group.Statistic(m.Value) is { Count: > 0 } statistic ? statistic.ToString(v => HtmlTable.Cell(v)) : "–"));
            cells.Add(string.Join(" · ", group.PerSeed(r => r.TestNegativeElbo).Select(v => v is { } value ? HtmlTable.Cell(value) : "–")));
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    /// <summary>The runs' table, then the seed groups' table when the runs have a seed axis.</summary>
    public string ToHtml() => ToTable().ToHtml() + (SeedTable()?.ToHtml() ?? "");

    /// <summary>Tab-separated text of the runs' table, then of the seed groups' table after a blank line.</summary>
    public override string ToString() => ToTable().ToString() + (SeedTable() is { } seeds ? "\n\n" + seeds : "");
}
