namespace Workbench.Plotting;

/// <summary>Text style.</summary>
public sealed class Font
{
    public string? Family { get; set; }

    /// <summary>Size in points.</summary>
    public double? Size { get; set; }

    public string? Color { get; set; }
}
