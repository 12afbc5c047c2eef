using System.Reflection;

namespace Workbench.Plotting.Rendering;

/// <summary>
/// The plotly.js bundle embedded into Workbench.dll at build time (npm package
/// <c>plotly.js-dist-min</c>, pinned in src/Workbench/Plotting/package.json). The build runs
/// <c>npm ci</c> in that folder when node_modules is missing and npm is installed; without npm the
/// library still builds, and only self-contained HTML (and PNG export) is unavailable.
/// </summary>
public static class PlotlyBundle
{
    /// <summary>plotly.js version pinned in package.json; the notebook CDN URL uses the same one.</summary>
    public const string Version = "2.35.2";

    internal const string ResourceName = "Workbench.Plotting.plotly.min.js";

    private static readonly Lazy<string?> Source = new(Load);

    /// <summary>True when the build embedded plotly.js.</summary>
    public static bool IsAvailable => Source.Value is not null;

    /// <summary>The plotly.js source, or a clear error explaining how to get it embedded.</summary>
    public static string JavaScript => Source.Value ?? throw new InvalidOperationException(
        "plotly.js is not embedded in Workbench.dll, so self-contained HTML cannot be written. " +
        "The build embeds it from the npm package plotly.js-dist-min: install Node.js with npm, then run " +
        "`npm ci --no-audit --no-fund` in src/Workbench/Plotting (the build does this itself when npm is on PATH) " +
        "and rebuild Workbench. Figure.ToHtml() still works without it (it loads plotly.js from the CDN).");

    private static string? Load()
    {
        using var stream = typeof(PlotlyBundle).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
