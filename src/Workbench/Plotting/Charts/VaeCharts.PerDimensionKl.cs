namespace Workbench.Plotting.Charts;

/// <summary>Average KL per latent dimension of one run (nats); near-zero dimensions are inactive
/// ("posterior collapse", Burda et al. 2016 count a unit active when Cov_x E_q[z_i] &gt; 0.01).</summary>
/// <param name="Sd">± this per dimension as error bars (e.g. one sd over seeds, <paramref name="Kl"/> their mean); null for none.</param>
public sealed record KlPerDimension(string Run, DataArray Kl, DataArray? Sd = null);

public static partial class VaeCharts
{
    /// <summary>
    /// Bars of KL per latent dimension (z0, z1, …), grouped side by side when several runs are given; a run with
    /// <see cref="KlPerDimension.Sd"/> gets error bars (the lower arm stops at 0).
    /// </summary>
    public static Figure PerDimensionKl(IReadOnlyList<KlPerDimension> runs, string? title = "KL per latent dimension")
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("Per-dimension KL chart needs at least one run.", nameof(runs));
        int dimensions = runs.Max(r => r.Kl.Count);
        var labels = Enumerable.Range(0, dimensions).Select(d => $"z{d}").ToArray();
        var figure = new Figure();
        for (int i = 0; i < runs.Count; i++)
        {
            figure.Add(new Bar
            {
                Name = runs[i].Run,
                X = labels[..runs[i].Kl.Count],
                Y = runs[i].Kl,
                Marker = new Marker { Color = ColorAt(i) },
                ErrorY = runs[i].Sd is { } sd ? KlErrorBars(runs[i].Kl, sd) : null,
            });
        }
        figure.Layout.BarMode = "group";
        figure.Layout.ShowLegend = runs.Count > 1;
        figure.Layout.XAxis().Title = "latent dimension";
        figure.Layout.XAxis().Type = "category";
        figure.Layout.YAxis().Title = "KL [nats]";
        figure.Layout.YAxis().RangeMode = "tozero";
        // At most 900 px wide: the figure, its colour key on the right included, fits a notebook cell.
        return Finish(figure, title, Math.Clamp(200 + 18 * dimensions * runs.Count, 500, 900), 440);
    }

    /// <summary>± <paramref name="sd"/> around each bar, the lower arm stopping at 0: a KL is never negative.</summary>
    private static ErrorBars KlErrorBars(DataArray kl, DataArray sd) => new()
    {
        Array = sd,
        ArrayMinus = Enumerable.Range(0, sd.Count).Select(d => Math.Min(sd.NumberAt(d), Math.Max(0, kl.NumberAt(d)))).ToArray(),
        Color = "#444444",
        Thickness = 1,
        Width = 2,
    };
}
