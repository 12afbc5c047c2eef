using Workbench.Plotting.Imaging;

namespace Workbench.Plotting.Charts;

/// <summary>A labelled row of equally sized images (each C·H·W values in [0, 1], (C, H, W) order; grayscale or RGB).</summary>
public sealed record ImageRow(string Label, IReadOnlyList<float[]> Images);

/// <summary>Mean PSNR (dB) of one series (the corrupted input, or a model's output) under one corruption.</summary>
public sealed record PsnrBar(string Corruption, string Series, double Psnr);

public static partial class VaeCharts
{
    /// <summary>
    /// Rows of images tiled into one picture, each row named on its left: e.g. clean, corrupted, and each
    /// model's reconstruction. Every row holds the same number of images.
    /// </summary>
    public static Figure LabelledImageRows(IReadOnlyList<ImageRow> rows, int height, int width, int scale = 2, string? title = null, int channels = 1)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("A labelled image grid needs at least one row.", nameof(rows));
        int columns = rows[0].Images.Count;
        if (columns == 0 || rows.Any(r => r.Images.Count != columns))
            throw new ArgumentException($"Every row must hold the same, non-zero number of images; the first holds {columns}.", nameof(rows));
        var grid = ImageGrid.Compose(rows.SelectMany(r => r.Images).ToArray(), height, width, channels, columns: columns, scale: scale);
        var figure = new Figure(new Image { Source = PngEncoder.ToDataUri(grid.ToPng()), HoverInfo = "skip" });
        for (int r = 0; r < rows.Count; r++)
        {
            var (_, y) = grid.CellOrigin(r * columns);
            figure.Layout.Annotate(new Annotation
            {
                // Paper x = 0 is the image's left edge (the figure is sized to the picture); annotations at data
                // coordinates outside the axis range would be hidden.
                Text = rows[r].Label, XRef = "paper", YRef = "y", X = -0.01, Y = y + grid.CellHeight / 2.0,
                XAnchor = "right", YAnchor = "middle", ShowArrow = false,
            });
        }
        foreach (var axis in new[] { figure.Layout.XAxis(), figure.Layout.YAxis() })
        {
            axis.Visible = false;
            axis.ShowGrid = false;
        }
        figure.Layout.XAxis().Range = [-0.5, grid.Width - 0.5];
        figure.Layout.YAxis().Range = [grid.Height - 0.5, -0.5];
        figure.Layout.YAxis().ScaleAnchor = "x";
        // A tall top margin puts the title (centred in it) below plotly's toolbar, which sits at the figure's top right.
        figure.Layout.Margin = new Margin { L = 190, R = 10, T = title is null ? 10 : 100, B = 10 };
        figure.Layout.PlotBackgroundColor = figure.Layout.PaperBackgroundColor = "white";
        return Finish(figure, title, grid.Width + 200, grid.Height + (title is null ? 20 : 110));
    }

    /// <summary>Bars of mean PSNR per corruption (x), one colour per series: higher is closer to the clean image.</summary>
    public static Figure PsnrPerCorruption(IReadOnlyList<PsnrBar> bars, string? title = "Denoising: PSNR against the clean test image")
    {
        ArgumentNullException.ThrowIfNull(bars);
        if (bars.Count == 0) throw new ArgumentException("A PSNR chart needs at least one bar.", nameof(bars));
        var corruptions = bars.Select(b => b.Corruption).Distinct().ToArray();
        var figure = new Figure();
        int index = 0;
        foreach (var series in bars.Select(b => b.Series).Distinct())
        {
            var values = corruptions.Select(c => bars.FirstOrDefault(b => b.Corruption == c && b.Series == series)?.Psnr ?? double.NaN).ToArray();
            figure.Add(new Bar
            {
                Name = series, X = corruptions, Y = values,
                Text = values.Select(v => double.IsNaN(v) ? "" : v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                Marker = new Marker { Color = ColorAt(index++) },
            });
        }
        figure.Layout.BarMode = "group";
        figure.Layout.ShowLegend = true;
        figure.Layout.XAxis().Title = "corruption";
        figure.Layout.XAxis().Type = "category";
        figure.Layout.YAxis().Title = "PSNR [dB]";
        figure.Layout.YAxis().RangeMode = "tozero";
        return Finish(figure, title, 800, 440);
    }
}
