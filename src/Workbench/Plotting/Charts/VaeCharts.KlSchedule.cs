namespace Workbench.Plotting.Charts;

/// <summary>One training run under a KL weight schedule (constant β, linear warm-up, cyclical
/// annealing of Fu et al. 2019 …): the weight and the resulting KL term per epoch.</summary>
/// <param name="WeightAt">Optional: (fractional epoch, weight) at many points, so schedules that change
/// within an epoch show their shape; when null the per-epoch <paramref name="KlWeight"/> is drawn.</param>
/// <param name="KlTarget">Optional per-epoch target of the KL term (capacity annealing's C), drawn black and dashed over the KL, with its own legend entry.</param>
/// <param name="KlAt">Optional: (fractional epoch, training KL) logged every few steps, drawn as a thin line under the per-epoch KL.</param>
/// <param name="KlTargetAt">Optional: (fractional epoch, target C) per step; drawn instead of the per-epoch target.</param>
public sealed record KlScheduleSeries(string Name, DataArray KlWeight, DataArray Kl,
    (DataArray Epochs, DataArray Weight)? WeightAt = null, DataArray? KlTarget = null,
    (DataArray Epochs, DataArray Kl)? KlAt = null, (DataArray Epochs, DataArray Target)? KlTargetAt = null);

public static partial class VaeCharts
{
    /// <summary>
    /// Two stacked panels sharing the epoch axis: the KL weight β(t) on top, the KL term (nats)
    /// below; one colour and one legend entry per schedule.
    /// </summary>
    public static Figure KlScheduleComparison(DataArray epochs, IReadOnlyList<KlScheduleSeries> series, string? title = "KL weight schedules")
    {
        ArgumentNullException.ThrowIfNull(epochs);
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("KL schedule comparison needs at least one series.", nameof(series));
        var grid = Subplots.Grid(2, 1, ["KL weight β(t)", "KL(q(z|x) ‖ p(z))"], verticalSpacing: 0.12, sharedX: true);
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            RequireLength(s.KlWeight, epochs.Count, $"{s.Name} KL weight");
            RequireLength(s.Kl, epochs.Count, $"{s.Name} KL");
            var color = ColorAt(i);
            grid.Add(new Scatter
            {
                Name = s.Name, LegendGroup = s.Name, Mode = ScatterMode.Lines,
                X = s.WeightAt?.Epochs ?? epochs, Y = s.WeightAt?.Weight ?? s.KlWeight,
                Line = new Line { Color = color, Width = 2, Shape = s.WeightAt is null ? "hv" : "linear" },
            }, 1, 1);
            if (s.KlAt is { } klAt)
                grid.Add(new Scatter
                {
                    Name = s.Name + " KL per step", LegendGroup = s.Name, ShowLegend = false, Mode = ScatterMode.Lines,
                    X = klAt.Epochs, Y = klAt.Kl, Opacity = 0.45, Line = new Line { Color = color, Width = 1 },
                }, 2, 1);
            grid.Add(new Scatter
            {
                Name = s.Name, LegendGroup = s.Name, ShowLegend = false, Mode = ScatterMode.LinesAndMarkers,
                X = epochs, Y = s.Kl, Line = new Line { Color = color, Width = 2 }, Marker = new Marker { Color = color, Size = 4 },
            }, 2, 1);
            // The target C follows the KL closely, so it is drawn over it in black, dashed, with its own legend entry.
            if (s.KlTargetAt is { } targetAt)
                grid.Add(TargetTrace(s.Name, targetAt.Epochs, targetAt.Target), 2, 1);
            else if (s.KlTarget is { } target)
            {
                RequireLength(target, epochs.Count, $"{s.Name} KL target");
                grid.Add(TargetTrace(s.Name, epochs, target), 2, 1);
            }
        }
        grid.YAxis(1, 1).Title = "β";
        grid.YAxis(2, 1).Title = "nats per image";
        grid.YAxis(1, 1).RangeMode = "tozero";
        grid.YAxis(2, 1).RangeMode = "tozero";
        double lastEpoch = epochs.Count == 0 || epochs.IsText ? 1 : Enumerable.Range(0, epochs.Count).Max(epochs.NumberAt);
        EpochAxis(grid.XAxis(1, 1), lastEpoch, title: "");
        EpochAxis(grid.XAxis(2, 1), lastEpoch);
        return Finish(grid.Figure, title, 800, 600);
    }

    private static Scatter TargetTrace(string name, DataArray epochs, DataArray target) => new()
    {
        Name = name + " target C", Mode = ScatterMode.Lines, X = epochs, Y = target,
        Line = new Line { Color = "black", Width = 1.5, Dash = LineDash.Dash },
    };
}
