using Workbench.Display;

namespace Workbench.Training;

/// <summary>
/// A training history shown as a table, one row per epoch: train and test loss terms in nats per
/// image, the KL weight and the epoch's wall time. Displays as HTML in a notebook.
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<MetricsTable>), PreferredMimeTypes = ["text/html"])]
public sealed class MetricsTable(IReadOnlyList<EpochMetrics> history, string? caption = null) : IHtmlDisplayable
{
    public IReadOnlyList<EpochMetrics> History { get; } = history ?? throw new ArgumentNullException(nameof(history));

    public string? Caption { get; } = caption;

    /// <summary>The history as a <see cref="HtmlTable"/> (test columns only when the test set was evaluated).</summary>
    public HtmlTable ToTable()
    {
        bool tested = History.Any(m => m.TestReconstruction is not null);
        string[] columns = tested
            ? ["epoch", "train loss", "train rec.", "train KL", "test rec.", "test KL", "test −ELBO", "KL weight", "seconds"]
            : ["epoch", "train loss", "train rec.", "train KL", "KL weight", "seconds"];
        var table = new HtmlTable(columns, Caption);
        foreach (var m in History)
        {
            if (tested)
                table.AddRow(m.Epoch, m.TrainLoss, m.TrainReconstruction, m.TrainKl, m.TestReconstruction, m.TestKl, m.TestNegativeElbo, m.KlWeight, m.Seconds);
            else
                table.AddRow(m.Epoch, m.TrainLoss, m.TrainReconstruction, m.TrainKl, m.KlWeight, m.Seconds);
        }
        return table;
    }

    public string ToHtml() => ToTable().ToHtml();

    public override string ToString() => ToTable().ToString();
}
