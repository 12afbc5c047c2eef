using Workbench.Display;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// Finished runs side by side, one row each: what was trained (variant, objective, KL penalty,
/// latent size, epochs) and what it measured on the test set (nats per image). Displays as HTML.
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

    public string ToHtml() => ToTable().ToHtml();

    public override string ToString() => ToTable().ToString();
}
