namespace Workbench.Plotting;

/// <summary>
/// plotly's <c>error_y</c> (or <c>error_x</c>) of a scatter trace, or <c>error_y</c> of a bar trace: a bar of ± <see cref="Array"/>[i]
/// around point i (<c>type: "data"</c>); a NaN entry draws no bar at that point. The figures of an experiment with a seed axis
/// use it for ± one sample standard deviation over the seeds.
/// </summary>
public sealed class ErrorBars
{
    /// <summary>"data": the bar lengths are <see cref="Array"/> (plotly's other types, "percent", "sqrt", are not used here).</summary>
    public string Type { get; set; } = "data";

    /// <summary>The half-length of each point's bar, in the axis's units; symmetric unless <see cref="ArrayMinus"/> is set.</summary>
    public DataArray? Array { get; set; }

    /// <summary>The downward half-lengths when they differ from <see cref="Array"/>.</summary>
    public DataArray? ArrayMinus { get; set; }

    public bool? Visible { get; set; }

    public string? Color { get; set; }

    /// <summary>Line width of the bar, pixels.</summary>
    public double? Thickness { get; set; }

    /// <summary>Width of the cross-bar at each end, pixels.</summary>
    public double? Width { get; set; }
}
