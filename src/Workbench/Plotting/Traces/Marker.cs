namespace Workbench.Plotting;

/// <summary>Marker style of a scatter or bar trace.</summary>
public sealed class Marker
{
    /// <summary>One CSS colour, or one number per point (mapped through <see cref="ColorScale"/>),
    /// or one CSS colour per point.</summary>
    public ColorValue? Color { get; set; }

    /// <summary>Marker diameter in pixels.</summary>
    public double? Size { get; set; }

    public ColorScale? ColorScale { get; set; }

    /// <summary>Show a colour bar for numeric <see cref="Color"/> arrays.</summary>
    public bool? ShowScale { get; set; }

    /// <summary>Colour-scale range; plotly uses the data range when these are null.</summary>
    public double? CMin { get; set; }
    public double? CMax { get; set; }

    /// <summary>"circle", "square", "x", "diamond", ….</summary>
    public string? Symbol { get; set; }

    public double? Opacity { get; set; }

    /// <summary>Marker outline.</summary>
    public Line? Line { get; set; }
}
