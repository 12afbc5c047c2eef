namespace Workbench.Plotting;

/// <summary>Space around the plot area in pixels.</summary>
public sealed class Margin
{
    public int? L { get; set; }
    public int? R { get; set; }
    public int? T { get; set; }
    public int? B { get; set; }
    public int? Pad { get; set; }

    public static Margin All(int pixels) => new() { L = pixels, R = pixels, T = pixels, B = pixels };
}
