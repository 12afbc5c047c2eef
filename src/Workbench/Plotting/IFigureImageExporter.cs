namespace Workbench.Plotting;

/// <summary>Turns figures into PNG files (headless Chromium lives in Workbench.Rendering, outside the core library).</summary>
public interface IFigureImageExporter
{
    /// <summary>Writes <paramref name="figure"/> as a PNG at <paramref name="path"/>; returns null when written,
    /// or a note saying why it was skipped (e.g. no browser on this machine).</summary>
    string? TrySavePng(Figure figure, string path, int width, int height);
}
