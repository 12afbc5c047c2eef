namespace Workbench.Plotting;

/// <summary>Legend placement. Positions are paper fractions; values outside [0, 1] put it outside the plot.</summary>
public sealed class Legend
{
    public Title? Title { get; set; }
    public double? X { get; set; }
    public double? Y { get; set; }
    public string? XAnchor { get; set; }
    public string? YAnchor { get; set; }

    /// <summary>"v" (stacked, default) or "h" (in a row).</summary>
    public string? Orientation { get; set; }

    /// <summary>"constant" keeps legend symbols the same size whatever the marker size.</summary>
    public string? ItemSizing { get; set; }
}
