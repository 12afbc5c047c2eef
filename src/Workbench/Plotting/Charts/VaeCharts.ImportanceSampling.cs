namespace Workbench.Plotting.Charts;

public static partial class VaeCharts
{
    /// <summary>
    /// The importance-weighted bound −L_k (Burda et al. 2016) against the number of samples k on a log
    /// axis, with the ELBO (k = 1, one sample per image) as a dashed reference. −L_k decreases
    /// monotonically toward −log p(x) as k grows; its gap to the ELBO at large k is what the ELBO gives away.
    /// </summary>
    /// <param name="samples">k per point (positive).</param>
    /// <param name="negativeBounds">−L_k per point, nats per image.</param>
    /// <param name="negativeElbo">The −ELBO of the same images, nats per image; null to leave out the reference line.</param>
    /// <param name="standardErrorAtOne">The sampling noise of −L_1 (one standard error, nats); drawn as a bar of ±2 standard
    /// errors at k = 1, so a gap between −L_1 and the −ELBO within it reads as noise. Null to leave it out.</param>
    public static Figure ImportanceWeightedBound(IReadOnlyList<int> samples, DataArray negativeBounds, double? negativeElbo = null,
        string? title = "Importance-weighted bound against k", double? standardErrorAtOne = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) throw new ArgumentException("The bound chart needs at least one k.", nameof(samples));
        if (samples.Any(k => k < 1)) throw new ArgumentException("Every k must be at least 1.", nameof(samples));
        RequireLength(negativeBounds, samples.Count, nameof(negativeBounds));
        var ks = samples.Select(k => (double)k).ToArray();
        var figure = new Figure(new Scatter
        {
            Name = "−L_k",
            Mode = ScatterMode.LinesAndMarkers,
            X = ks,
            Y = negativeBounds,
            HoverTemplate = "k = %{x}<br>−L_k = %{y:.3f} nats<extra></extra>",
            Marker = new Marker { Color = ColorAt(0), Size = 8 },
            Line = new Line { Color = ColorAt(0), Width = 2 },
        });
        if (negativeElbo is { } elbo)
        {
            figure.Add(new Scatter
            {
                Name = "−ELBO",
                Mode = ScatterMode.Lines,
                X = new[] { ks.Min(), ks.Max() },
                Y = new[] { elbo, elbo },
                Line = new Line { Color = ColorAt(3), Width = 1.5, Dash = LineDash.Dash },
            });
        }
        int one = samples.ToList().IndexOf(1);
        if (standardErrorAtOne is { } error && one >= 0)
        {
            double bound = negativeBounds.NumberAt(one);
            figure.Add(new Scatter
            {
                Name = "−L_1 ± 2 standard errors (sampling noise)",
                Mode = ScatterMode.Lines,
                X = new[] { 1.0, 1.0 },
                Y = new[] { bound - 2 * error, bound + 2 * error },
                HoverTemplate = "%{y:.3f} nats<extra></extra>",
                Line = new Line { Color = "black", Width = 3 },
            });
        }
        figure.Layout.XAxis().Title = "k (importance samples per image)";
        figure.Layout.XAxis().Type = "log";
        figure.Layout.YAxis().Title = "nats per image";
        return Finish(figure, title, 700, 450);
    }

    /// <summary>
    /// −L_k against k (log axis) for several models on the same images, one line each: where the lines
    /// level off is each model's estimate of −log p(x), so the lower line is the better density model.
    /// </summary>
    /// <param name="samples">k per point (positive), shared by every run.</param>
    public static Figure ImportanceWeightedBounds(IReadOnlyList<int> samples, IReadOnlyList<BoundSeries> runs,
        string? title = "Importance-weighted bound against k, per model")
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(runs);
        if (samples.Count == 0 || runs.Count == 0) throw new ArgumentException("The bound chart needs at least one k and one run.");
        if (samples.Any(k => k < 1)) throw new ArgumentException("Every k must be at least 1.", nameof(samples));
        var ks = samples.Select(k => (double)k).ToArray();
        var figure = new Figure();
        for (int i = 0; i < runs.Count; i++)
        {
            RequireLength(runs[i].NegativeBounds, samples.Count, $"{nameof(runs)}[{i}]");
            figure.Add(new Scatter
            {
                Name = runs[i].Run,
                Mode = ScatterMode.LinesAndMarkers,
                X = ks,
                Y = runs[i].NegativeBounds,
                HoverTemplate = $"{runs[i].Run}<br>k = %{{x}}<br>−L_k = %{{y:.3f}} nats<extra></extra>",
                Marker = new Marker { Color = ColorAt(i), Size = 8 },
                Line = new Line { Color = ColorAt(i), Width = 2 },
            });
        }
        figure.Layout.XAxis().Title = "k (importance samples per image)";
        figure.Layout.XAxis().Type = "log";
        figure.Layout.YAxis().Title = "−L_k, nats per image";
        return Finish(figure, title, 700, 450);
    }
}

/// <summary>One model's −L_k for each k of a bound comparison, nats per image.</summary>
public sealed record BoundSeries(string Run, DataArray NegativeBounds);
