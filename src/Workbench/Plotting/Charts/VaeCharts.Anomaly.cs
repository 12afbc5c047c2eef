namespace Workbench.Plotting.Charts;

/// <summary>AUROC of one anomaly score for one held-out class.</summary>
public sealed record AurocBar(string HeldOutClass, string Score, double Auroc);

/// <summary>A histogram of one score for the held-out class and for the classes seen in training: counts per bin.</summary>
/// <param name="BinEdges">Bin edges, one more than the counts.</param>
public sealed record ScoreHistogram(string Title, string Score, double[] BinEdges, int[] HeldOutCounts, int[] OthersCounts);

public static partial class VaeCharts
{
    /// <summary>Bars of AUROC per held-out class (x), one colour per score; 0.5 is chance, 1 perfect detection.</summary>
    public static Figure AurocPerClass(IReadOnlyList<AurocBar> bars, string? title = "AUROC: held-out class against the classes seen in training")
    {
        ArgumentNullException.ThrowIfNull(bars);
        if (bars.Count == 0) throw new ArgumentException("An AUROC chart needs at least one bar.", nameof(bars));
        var classes = bars.Select(b => b.HeldOutClass).Distinct().ToArray();
        var figure = new Figure();
        int index = 0;
        foreach (var score in bars.Select(b => b.Score).Distinct())
        {
            var values = classes.Select(c => bars.FirstOrDefault(b => b.HeldOutClass == c && b.Score == score)?.Auroc ?? double.NaN).ToArray();
            figure.Add(new Bar
            {
                Name = score,
                X = classes,
                Y = values,
                Text = values.Select(v => double.IsNaN(v) ? "" : v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                Marker = new Marker { Color = ColorAt(index++) },
            });
        }
        figure.Layout.BarMode = "group";
        figure.Layout.ShowLegend = true;
        figure.Layout.XAxis().Title = "held-out class";
        figure.Layout.XAxis().Type = "category";
        figure.Layout.YAxis().Title = "AUROC (0.5 = chance)";
        figure.Layout.YAxis().Range = [0, 1.05];
        return Finish(figure, title, Math.Clamp(300 + 70 * classes.Length, 700, 1100), 460);
    }

    /// <summary>
    /// Histograms of anomaly scores, one panel per histogram in a grid of <paramref name="columns"/>: the
    /// held-out class against the classes seen in training, each normalised to a fraction of its images.
    /// </summary>
    public static Figure ScoreHistograms(IReadOnlyList<ScoreHistogram> histograms, int columns = 3, string? title = "Anomaly scores: held-out class against the others")
    {
        ArgumentNullException.ThrowIfNull(histograms);
        if (histograms.Count == 0) throw new ArgumentException("Score histograms need at least one histogram.", nameof(histograms));
        columns = Math.Min(columns, histograms.Count);
        int rows = (histograms.Count + columns - 1) / columns;
        var grid = Subplots.Grid(rows, columns, histograms.Select(h => h.Title).ToArray(), verticalSpacing: 0.6 / (rows + 1));
        for (int i = 0; i < histograms.Count; i++)
        {
            var h = histograms[i];
            if (h.BinEdges.Length != h.HeldOutCounts.Length + 1 || h.OthersCounts.Length != h.HeldOutCounts.Length)
                throw new ArgumentException($"Histogram '{h.Title}' needs one more edge than counts in each group.", nameof(histograms));
            var centres = Enumerable.Range(0, h.HeldOutCounts.Length).Select(b => (h.BinEdges[b] + h.BinEdges[b + 1]) / 2).ToArray();
            int row = i / columns + 1, column = i % columns + 1;
            var ranges = BinRanges(h.BinEdges);
            Bar? drawn = null;
            foreach (var (name, counts, color) in new[] { ("the nine training classes", h.OthersCounts, ColorAt(0)), ("held-out class", h.HeldOutCounts, ColorAt(3)) })
            {
                double total = Math.Max(1, counts.Sum());
                drawn = grid.Add(new Bar
                {
                    Name = name,
                    LegendGroup = name,
                    ShowLegend = i == 0,
                    X = centres,
                    Y = counts.Select(c => c / total).ToArray(),
                    HoverText = ranges,
                    HoverTemplate = "%{hovertext}: %{y:.1%}<extra>" + name + "</extra>",
                    Opacity = 0.6,
                    Marker = new Marker { Color = color },
                }, row, column);
            }
            // The first and last bins also hold every score beyond the axis (the ranges run from the 0.5 % to the
            // 99.5 % quantile), so each is labelled with what it holds.
            foreach (var (bin, anchor, prefix) in new[] { (0, "left", "first bar: "), (centres.Length - 1, "right", "last bar: ") })
                grid.Figure.Layout.Annotate(new Annotation
                {
                    Text = prefix + ranges[bin], XRef = drawn!.XAxis, YRef = drawn.YAxis + " domain", X = centres[bin], Y = 1,
                    XAnchor = anchor, YAnchor = "top", ShowArrow = false, Font = new Font { Size = 11 },
                });
            grid.XAxis(row, column).Title = h.Score;
            if (column == 1) grid.YAxis(row, column).Title = "fraction of images";
        }
        grid.Figure.Layout.BarMode = "overlay";
        return Finish(grid.Figure, title, 1150, 120 + 300 * rows);
    }

    /// <summary>What each bin holds: [a, b) inside, "&lt; b" for the first and "≥ a" for the last, which also take the scores beyond the edges.</summary>
    private static string[] BinRanges(double[] edges)
    {
        static string Format(double v) => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);
        int bins = edges.Length - 1;
        return Enumerable.Range(0, bins).Select(b =>
            b == 0 ? $"< {Format(edges[1])}" : b == bins - 1 ? $"≥ {Format(edges[b])}" : $"[{Format(edges[b])}, {Format(edges[b + 1])})").ToArray();
    }
}
