namespace Workbench.Plotting.Charts;

/// <summary>One further training term a model reports per epoch (e.g. a VAE–GAN's discriminator loss), with its panel title.</summary>
public sealed record TrainingTermSeries(string Title, DataArray Values);

public static partial class VaeCharts
{
    /// <summary>
    /// One small panel per training term against the epoch, <paramref name="columns"/> panels a row, each on its own y axis
    /// (the terms have different units and scales); used for models with several losses, such as the VAE–GAN.
    /// </summary>
    public static Figure TrainingTerms(DataArray epochs, IReadOnlyList<TrainingTermSeries> terms, string? title = "Training terms per epoch", int columns = 3)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Count == 0) throw new ArgumentException("The training-terms figure needs at least one term.", nameof(terms));
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "At least one column.");
        columns = Math.Min(columns, terms.Count);
        int rows = (terms.Count + columns - 1) / columns;
        var grid = Subplots.Grid(rows, columns, terms.Select(t => t.Title).ToArray(), verticalSpacing: 0.5 / rows, horizontalSpacing: 0.08);
        double lastEpoch = epochs.Count == 0 || epochs.IsText ? 1 : Enumerable.Range(0, epochs.Count).Max(epochs.NumberAt);
        for (int i = 0; i < terms.Count; i++)
        {
            RequireLength(terms[i].Values, epochs.Count, terms[i].Title);
            int row = i / columns + 1, column = i % columns + 1;
            var color = ColorAt(i);
            grid.Add(new Scatter
            {
                Name = terms[i].Title, ShowLegend = false, Mode = ScatterMode.LinesAndMarkers, X = epochs, Y = terms[i].Values,
                Line = new Line { Color = color, Width = 2 }, Marker = new Marker { Color = color, Size = 6 },
            }, row, column);
            EpochAxis(grid.XAxis(row, column), lastEpoch, title: row == rows ? "epoch" : "");
        }
        return Finish(grid.Figure, title, 320 * columns + 80, 260 * rows + 80);
    }
}
