namespace Workbench.Plotting;

/// <summary>
/// A cartesian axis (plotly's <c>layout.xaxis</c>, <c>layout.yaxis2</c>, …). For subplots the axis
/// occupies <see cref="Domain"/> of the paper and is <see cref="Anchor"/>ed to its partner axis.
/// </summary>
public sealed class Axis
{
    public Title? Title { get; set; }

    /// <summary>[start, end] fraction of the figure this axis spans, e.g. [0, 0.45].</summary>
    public double[]? Domain { get; set; }

    /// <summary>The partner axis this one is drawn against ("y2" for x axis "x2"), or "free".</summary>
    public string? Anchor { get; set; }

    /// <summary>Share the range of another axis ("x" makes this axis zoom with the first x axis).</summary>
    public string? Matches { get; set; }

    /// <summary>Lock the scale to another axis (equal aspect with ScaleAnchor = "x").</summary>
    public string? ScaleAnchor { get; set; }

    /// <summary>[min, max] in data units (log axes: log10 units).</summary>
    public double[]? Range { get; set; }

    /// <summary>"linear", "log", "category", "date".</summary>
    public string? Type { get; set; }

    /// <summary>true, false or "reversed" as plotly expects (a string keeps the three states).</summary>
    public object? AutoRange { get; set; }

    public bool? ShowGrid { get; set; }
    public bool? ZeroLine { get; set; }
    public bool? ShowTickLabels { get; set; }
    public bool? Visible { get; set; }

    /// <summary>d3 format string for tick labels, e.g. ".2f" or ".1e".</summary>
    public string? TickFormat { get; set; }

    /// <summary>Step between ticks in data units, from <see cref="Tick0"/> (1 gives integer ticks on an epoch axis).</summary>
    public double? DTick { get; set; }

    /// <summary>Where the ticks of <see cref="DTick"/> start.</summary>
    public double? Tick0 { get; set; }

    /// <summary>Ticks at exactly these values (data units, also on log axes), instead of plotly's choice.</summary>
    public double[]? TickVals { get; set; }

    /// <summary>"normal", "tozero" (the autorange always includes 0: rates and counts) or "nonnegative".</summary>
    public string? RangeMode { get; set; }
}
