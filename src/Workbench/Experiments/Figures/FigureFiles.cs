using Workbench.IO;
using Workbench.Plotting;
using Workbench.Plotting.Imaging;
using Workbench.Plotting.Rendering;

namespace Workbench.Experiments.Figures;

/// <summary>Writes figures and image grids into a results folder: HTML that works offline, and PNG when an exporter is available.</summary>
/// <param name="sharedPlotlyRoot">The results folder whose one copy of plotly.js (<see cref="SharedPlotly"/>) the pages load
/// by relative path; null inlines plotly.js into every page.</param>
public sealed class FigureFiles(IFigureImageExporter? exporter, string? sharedPlotlyRoot = null)
{
    private readonly List<string> _notes = [];

    /// <summary>Why some PNGs were not written (each reason once).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Writes <c>name.html</c> (and <c>name.png</c>) in <paramref name="directory"/>.</summary>
    public void Save(Figure figure, string directory, string name, int width = 900, int height = 500)
    {
        Directory.CreateDirectory(directory);
        string html = !PlotlyBundle.IsAvailable ? NotebookPage(figure)
            : sharedPlotlyRoot is null ? StandaloneHtml.Render(figure)
            : StandaloneHtml.Render(figure, plotlySource: SharedPlotlyUrl(directory, sharedPlotlyRoot));
        AtomicFile.WriteAllText(Path.Combine(directory, name + ".html"), html);
        if (exporter?.TrySavePng(figure, Path.Combine(directory, name + ".png"), width, height) is { } note && !_notes.Contains(note))
            _notes.Add(note);
    }

    /// <summary>Writes an image grid as <c>name.png</c>.</summary>
    public static void Save(ImageGrid grid, string directory, string name)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllBytes(Path.Combine(directory, name + ".png"), grid.ToPng());
    }

    private static string SharedPlotlyUrl(string directory, string root)
    {
        SharedPlotly.Ensure(root);
        return SharedPlotly.RelativeUrl(directory, root);
    }

    /// <summary>Without the embedded plotly.js, a page that loads it from the CDN (needs a network to view).</summary>
    private static string NotebookPage(Figure figure) =>
        $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n{NotebookHtml.Render(figure)}\n</body></html>\n";
}
