using Workbench.IO;

namespace Workbench.Plotting.Rendering;

/// <summary>
/// plotly.js written once into a results folder (<c>plotly-&lt;version&gt;.min.js</c>) for the pages
/// below it to load by relative path: the pages stay offline, and a folder of many figures holds the
/// 4.5 MB library once instead of once per page.
/// </summary>
public static class SharedPlotly
{
    /// <summary>The file name, versioned so that an older copy is never taken for the current one.</summary>
    public static string FileName => $"plotly-{PlotlyBundle.Version}.min.js";

    /// <summary>
    /// Writes <see cref="FileName"/> into <paramref name="root"/> unless it is already there with the
    /// same length; returns its full path.
    /// </summary>
    /// <exception cref="InvalidOperationException">plotly.js was not embedded at build time.</exception>
    public static string Ensure(string root)
    {
        var path = Path.GetFullPath(Path.Combine(root, FileName));
        var source = PlotlyBundle.JavaScript;
        long length = System.Text.Encoding.UTF8.GetByteCount(source);
        if (File.Exists(path) && new FileInfo(path).Length == length) return path;
        // One writer at a time, which alone may remove a copy a killed writer left half-written.
        using var _ = FileLock.Wait(Path.Combine(root, ".plotly.lock"));
        StaleTempFiles.RemoveOf(root, FileName);
        if (File.Exists(path) && new FileInfo(path).Length == length) return path;
        AtomicFile.WriteAllText(path, source);
        return path;
    }

    /// <summary>The relative URL from a page in <paramref name="pageDirectory"/> to the shared file in <paramref name="root"/>.</summary>
    public static string RelativeUrl(string pageDirectory, string root) =>
        Path.GetRelativePath(Path.GetFullPath(pageDirectory), Path.Combine(Path.GetFullPath(root), FileName)).Replace('\\', '/');
}
