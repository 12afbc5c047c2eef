namespace Workbench.Plotting;

/// <summary>plotly.js <c>config</c> (the fourth argument of <c>Plotly.newPlot</c>).</summary>
public sealed class Config
{
    /// <summary>Resize with the container (only when the layout has no fixed width/height).</summary>
    public bool? Responsive { get; set; }

    public bool? DisplayLogo { get; set; }

    /// <summary>true, false, or null for plotly's hover-only default.</summary>
    public bool? DisplayModeBar { get; set; }

    /// <summary>No interaction at all (for static exports).</summary>
    public bool? StaticPlot { get; set; }
}
