namespace Workbench.Plotting;

/// <summary>Text placed on the figure (subplot titles are annotations in paper coordinates).</summary>
public sealed class Annotation
{
    public string? Text { get; set; }
    public double? X { get; set; }
    public double? Y { get; set; }

    /// <summary>"paper" for figure fractions, or an axis id ("x", "x2") for data coordinates.</summary>
    public string? XRef { get; set; }
    public string? YRef { get; set; }

    /// <summary>"left", "center", "right".</summary>
    public string? XAnchor { get; set; }

    /// <summary>"top", "middle", "bottom".</summary>
    public string? YAnchor { get; set; }

    public bool? ShowArrow { get; set; }
    public Font? Font { get; set; }
}
