namespace Workbench.Plotting.Charts;

/// <summary>
/// One sequence model's training log, averaged over blocks of optimizer steps: x in epochs (fractional), the loss terms in nats
/// per sentence. A language model has no KL and no weight: give null for both.
/// </summary>
/// <param name="Name">Legend label.</param>
/// <param name="Epochs">Where each point lies, in epochs (the block's last step / steps per epoch).</param>
/// <param name="NegativeElbo">Reconstruction + KL (weight 1) of each block — for a language model, its NLL.</param>
/// <param name="Kl">KL(q(z|x) ‖ p(z)) of each block; null for a language model.</param>
/// <param name="KlWeight">β at each block's last step; null for a language model.</param>
public sealed record SequenceTrainingSeries(string Name, DataArray Epochs, DataArray NegativeElbo, DataArray? Kl = null, DataArray? KlWeight = null);

public static partial class VaeCharts
{
    /// <summary>
    /// Three stacked panels sharing the epoch axis: the training −ELBO (a language model's NLL) in nats per sentence on top, the
    /// KL term in the middle, the KL annealing weight β below; one colour and one legend entry per model.
    /// </summary>
    public static Figure SequenceTraining(IReadOnlyList<SequenceTrainingSeries> series, string? title = "Training: −ELBO, KL and the KL weight")
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("The training chart needs at least one model.", nameof(series));
        var grid = Subplots.Grid(3, 1, ["−ELBO (language model: NLL), nats per sentence", "KL(q(z|x) ‖ p(z)), nats per sentence", "KL weight β"],
            verticalSpacing: 0.08, sharedX: true);
        double lastEpoch = 1;
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            RequireLength(s.NegativeElbo, s.Epochs.Count, $"{s.Name} −ELBO");
            var color = ColorAt(i);
            if (s.Epochs.Count > 0) lastEpoch = Math.Max(lastEpoch, s.Epochs.NumberAt(s.Epochs.Count - 1));
            grid.Add(Line(s.Name, s.Epochs, s.NegativeElbo, color, showLegend: true), 1, 1);
            if (s.Kl is { } kl)
            {
                RequireLength(kl, s.Epochs.Count, $"{s.Name} KL");
                grid.Add(Line(s.Name + " KL", s.Epochs, kl, color, showLegend: false, group: s.Name), 2, 1);
            }
            if (s.KlWeight is { } weight)
            {
                RequireLength(weight, s.Epochs.Count, $"{s.Name} KL weight");
                grid.Add(Line(s.Name + " β", s.Epochs, weight, color, showLegend: false, group: s.Name), 3, 1);
            }
        }
        grid.YAxis(1, 1).Title = "nats";
        grid.YAxis(2, 1).Title = "nats";
        grid.YAxis(3, 1).Title = "β";
        grid.YAxis(2, 1).RangeMode = "tozero";
        grid.YAxis(3, 1).RangeMode = "tozero";
        EpochAxis(grid.XAxis(1, 1), lastEpoch, title: "");
        EpochAxis(grid.XAxis(2, 1), lastEpoch, title: "");
        EpochAxis(grid.XAxis(3, 1), lastEpoch);
        return Finish(grid.Figure, title, 800, 700);
    }

    private static Scatter Line(string name, DataArray x, DataArray y, string color, bool showLegend, string? group = null) => new()
    {
        Name = name, LegendGroup = group ?? name, ShowLegend = showLegend, Mode = ScatterMode.Lines, X = x, Y = y,
        Line = new Line { Color = color, Width = 2 },
    };
}
