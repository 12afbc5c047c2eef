namespace Workbench.Plotting.Charts;

/// <summary>
/// Standard figures for VAE experiments, built from plain arrays and records (numbers in nats per
/// image unless a caller says otherwise). Each chart lives in its own partial file.
/// </summary>
public static partial class VaeCharts
{
    /// <summary>plotly.js's default colour cycle (d3 category10), so charts match un-styled plotly figures.</summary>
    public static IReadOnlyList<string> Palette { get; } =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    /// <summary>Colour number <paramref name="index"/> of the palette, cycling.</summary>
    public static string ColorAt(int index) => Palette[index % Palette.Count];

    private static void RequireLength(DataArray values, int expected, string what)
    {
        ArgumentNullException.ThrowIfNull(values, what);
        if (values.Count != expected)
            throw new ArgumentException($"{what} has {values.Count} values but there are {expected} points.", what);
    }

    /// <summary>
    /// Titles an epoch axis and gives it whole-number ticks: every epoch for short runs, a round step
    /// (2, 5, 10, 20, …) for long ones, so a 2-epoch run never shows 1.5.
    /// </summary>
    internal static void EpochAxis(Axis axis, double lastEpoch, string title = "epoch")
    {
        axis.Title = title;
        axis.Tick0 = 0;
        double target = Math.Max(1, lastEpoch / 8);
        double step = 1;
        foreach (var candidate in new double[] { 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000 })
        {
            step = candidate;
            if (candidate >= target) break;
        }
        axis.DTick = step;
    }

    private static Figure Finish(Figure figure, string? title, int width, int height)
    {
        if (title is not null) figure.Layout.Title = title;
        figure.Layout.Width = width;
        figure.Layout.Height = height;
        figure.Layout.HoverMode = "closest";
        return figure;
    }
}
