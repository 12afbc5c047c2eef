namespace Workbench.Plotting.Charts;

/// <summary>Per-epoch terms of the negative ELBO of one data split (Kingma &amp; Welling 2014, eq. 3):
/// Total = Reconstruction + Kl, all in nats per image.</summary>
public sealed record ElboCurves(DataArray Reconstruction, DataArray Kl, DataArray Total);

public static partial class VaeCharts
{
    /// <summary>
    /// Three side-by-side panels sharing the epoch axis: reconstruction term, KL term and the
    /// negative ELBO. Train is solid, test dashed; one legend entry per split toggles all panels.
    /// </summary>
    /// <param name="trainPerStep">Optional training curves logged every few steps, at fractional epochs
    /// (step / steps per epoch), drawn as a thin line under the per-epoch means.</param>
    /// <param name="weightedKl">Optional per-epoch training KL term as the loss weighted it (β·KL, nats per image), drawn
    /// dotted in the KL panel: what the optimiser minimised when the weight is not 1.</param>
    public static Figure ElboComponents(DataArray epochs, ElboCurves train, ElboCurves? test = null, string? title = "Negative ELBO and its terms",
        (DataArray Epochs, ElboCurves Curves)? trainPerStep = null, DataArray? weightedKl = null)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        ArgumentNullException.ThrowIfNull(train);
        var grid = Subplots.Grid(1, 3, ["Reconstruction −E[log p(x|z)]", "KL(q(z|x) ‖ p(z))", "−ELBO"], horizontalSpacing: 0.07, sharedX: true);
        if (trainPerStep is { } steps) AddSteps(grid, steps.Epochs, steps.Curves, "train, per step", ColorAt(0));
        AddSplit(grid, epochs, train, trainPerStep is null ? "train" : "train, epoch mean", ColorAt(0), LineDash.Solid);
        if (test is not null) AddSplit(grid, epochs, test, "test", ColorAt(1), LineDash.Dash);
        if (weightedKl is not null)
        {
            RequireLength(weightedKl, epochs.Count, WeightedKlName);
            grid.Add(new Scatter
            {
                Name = WeightedKlName, Mode = ScatterMode.LinesAndMarkers, X = epochs, Y = weightedKl,
                Line = new Line { Color = ColorAt(2), Dash = LineDash.Dot, Width = 2 }, Marker = new Marker { Color = ColorAt(2), Size = 5 },
            }, 1, 2);
        }
        double lastEpoch = epochs.Count == 0 || epochs.IsText ? 1 : Enumerable.Range(0, epochs.Count).Max(epochs.NumberAt);
        for (int column = 1; column <= 3; column++) EpochAxis(grid.XAxis(1, column), lastEpoch);
        grid.YAxis(1, 2).RangeMode = "tozero"; // the KL is a rate: 0 is its floor, and 0.3 nats of noise should not fill the panel
        grid.YAxis(1, 1).Title = "nats per image";
        return Finish(grid.Figure, title, 1050, 400);
    }

    /// <summary>The legend name of the weighted KL curve.</summary>
    public const string WeightedKlName = "β·KL, train (the KL term as optimised)";

    private static void AddSteps(SubplotGrid grid, DataArray epochs, ElboCurves curves, string name, string color)
    {
        DataArray[] series = [curves.Reconstruction, curves.Kl, curves.Total];
        for (int i = 0; i < series.Length; i++)
        {
            RequireLength(series[i], epochs.Count, $"{name} curve {i + 1}");
            grid.Add(new Scatter
            {
                Name = name, LegendGroup = name, ShowLegend = i == 0, Mode = ScatterMode.Lines,
                X = epochs, Y = series[i], Opacity = 0.45, Line = new Line { Color = color, Width = 1 },
            }, 1, i + 1);
        }
    }

    private static void AddSplit(SubplotGrid grid, DataArray epochs, ElboCurves curves, string split, string color, LineDash dash)
    {
        RequireLength(curves.Reconstruction, epochs.Count, $"{split} reconstruction");
        RequireLength(curves.Kl, epochs.Count, $"{split} KL");
        RequireLength(curves.Total, epochs.Count, $"{split} total");
        DataArray[] series = [curves.Reconstruction, curves.Kl, curves.Total];
        for (int i = 0; i < series.Length; i++)
        {
            grid.Add(new Scatter
            {
                Name = split,
                LegendGroup = split,
                ShowLegend = i == 0,
                Mode = ScatterMode.LinesAndMarkers,
                X = epochs,
                Y = series[i],
                Line = new Line { Color = color, Dash = dash, Width = 2 },
                Marker = new Marker { Color = color, Size = 5 },
            }, 1, i + 1);
        }
    }
}
