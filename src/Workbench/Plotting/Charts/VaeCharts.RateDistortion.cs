using System.Globalization;

namespace Workbench.Plotting.Charts;

/// <summary>One trained model on the rate–distortion plane (Alemi et al. 2018, "Fixing a Broken
/// ELBO"): Rate = KL term, Distortion = reconstruction term, both nats per image.</summary>
/// <param name="Series">Curve the point belongs to (e.g. the architecture); null for a single curve.</param>
/// <param name="Label">The point's label; null labels it with its β.</param>
/// <param name="RateSd">± this around <paramref name="Rate"/> as a horizontal error bar (e.g. one sd over seeds); null for none.</param>
/// <param name="DistortionSd">± this around <paramref name="Distortion"/> as a vertical error bar; null for none.</param>
public sealed record RateDistortionPoint(double Beta, double Rate, double Distortion, string? Series = null, string? Label = null,
    double? RateSd = null, double? DistortionSd = null);

public static partial class VaeCharts
{
    /// <summary>
    /// Distortion against rate, one line per series through its points in order of rate, each point
    /// labelled with its β. Lower-left is better; the ELBO-optimal trade-off lies on D + R = const.
    /// With <paramref name="equalElboLines"/>, a dashed grey line of slope −1 through each point, D + R = that
    /// point's −ELBO: of two points, the one on the lower line has the better ELBO.
    /// </summary>
    public static Figure RateDistortion(IReadOnlyList<RateDistortionPoint> points, string? title = "Rate–distortion", bool equalElboLines = false)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) throw new ArgumentException("Rate–distortion chart needs at least one point.", nameof(points));
        var figure = new Figure();
        int index = 0;
        foreach (var group in points.GroupBy(p => p.Series))
        {
            var sorted = group.OrderBy(p => p.Rate).ToArray();
            figure.Add(new Scatter
            {
                Name = group.Key ?? "models",
                // Points labelled by something other than β (objectives) are not a curve: no line through them.
                Mode = group.Any(p => p.Label is not null) ? ScatterMode.MarkersAndText : ScatterMode.LinesMarkersAndText,
                X = sorted.Select(p => p.Rate).ToArray(),
                Y = sorted.Select(p => p.Distortion).ToArray(),
                Text = sorted.Select(p => p.Label ?? $"β={p.Beta:G3}").ToArray(),
                TextPosition = "top center",
                HoverTemplate = "%{text}<br>rate %{x:.2f} nats<br>distortion %{y:.2f} nats<extra></extra>",
                Marker = new Marker { Color = ColorAt(index), Size = 9 },
                Line = new Line { Color = ColorAt(index), Width = 1.5 },
                ErrorX = sorted.Any(p => p.RateSd is not null) ? Bars(sorted.Select(p => p.RateSd), ColorAt(index)) : null,
                ErrorY = sorted.Any(p => p.DistortionSd is not null) ? Bars(sorted.Select(p => p.DistortionSd), ColorAt(index)) : null,
            });
            index++;
        }
        figure.Layout.XAxis().Title = "rate: KL(q(z|x) ‖ p(z)) [nats]";
        figure.Layout.YAxis().Title = "distortion: −E[log p(x|z)] [nats]";
        figure.Layout.XAxis().RangeMode = "tozero"; // a rate: 0 is its floor
        if (points.Any(p => p.Label is not null))
        {
            // Room for the labels of the outermost points, which plotly's autorange would cut off.
            double maxRate = Math.Max(points.Max(p => p.Rate), 1e-9);
            double low = points.Min(p => p.Distortion), high = points.Max(p => p.Distortion), span = Math.Max(high - low, 1e-9);
            figure.Layout.XAxis().Range = [Math.Min(0, points.Min(p => p.Rate)) - 0.12 * maxRate, 1.25 * maxRate];
            figure.Layout.YAxis().Range = [low - 0.1 * span, high + 0.15 * span];
        }
        if (equalElboLines) AddEqualElboLines(figure, points);
        figure.Layout.ShowLegend = index > 1 || equalElboLines;
        return Finish(figure, title, 700, 500);
    }

    /// <summary>Error bars of ± each value; a point without one (null) gets none.</summary>
    internal static ErrorBars Bars(IEnumerable<double?> halfLengths, string color) =>
        new() { Array = halfLengths.Select(v => v ?? double.NaN).ToArray(), Color = color, Thickness = 1.5, Width = 4 };

    /// <summary>
    /// Dashed lines D = c − R, one per point with c = its D + R (the point's −ELBO), across the rate axis, in one
    /// legend entry; the axes are fixed to the points so the lines do not stretch them.
    /// </summary>
    private static void AddEqualElboLines(Figure figure, IReadOnlyList<RateDistortionPoint> points)
    {
        double maxRate = Math.Max(points.Max(p => p.Rate), 1e-9);
        double low = points.Min(p => p.Distortion), high = points.Max(p => p.Distortion), span = Math.Max(high - low, 1e-9);
        double left = Math.Min(0, points.Min(p => p.Rate)) - 0.05 * maxRate, right = 1.15 * maxRate;
        bool first = true;
        foreach (var point in points.OrderBy(p => p.Distortion + p.Rate))
        {
            double elbo = point.Distortion + point.Rate; // −ELBO, nats
            figure.Add(new Scatter
            {
                Name = "equal ELBO: D + R = const",
                LegendGroup = "equal-elbo",
                ShowLegend = first,
                Mode = ScatterMode.Lines,
                X = new[] { left, right },
                Y = new[] { elbo - left, elbo - right },
                HoverTemplate = string.Create(CultureInfo.InvariantCulture, $"D + R = {elbo:F2} nats<extra></extra>"),
                Line = new Line { Color = "#999999", Width = 1, Dash = LineDash.Dash },
            });
            first = false;
        }
        figure.Layout.XAxis().Range = [left, right];
        figure.Layout.YAxis().Range = [low - 0.1 * span, high + 0.15 * span];
    }
}
