using Microsoft.Playwright;
using Workbench.Plotting;
using Workbench.Plotting.Rendering;

namespace Workbench.Rendering;

/// <summary>
/// Exports a figure as PNG: its self-contained HTML (plotly.js inlined, no network) is loaded into
/// headless Chromium and <c>Plotly.toImage</c> draws it at the requested size. When Chromium or the
/// embedded plotly.js is missing the result says so (<see cref="PngRenderResult.Note"/>) instead of
/// throwing, so experiment scripts keep running on machines without a browser.
/// </summary>
public static class FigurePng
{
    /// <summary>
    /// Renders <paramref name="figure"/> at the layout's width/height, or <paramref name="width"/> ×
    /// <paramref name="height"/> pixels when the layout leaves them unset, times <paramref name="scale"/>.
    /// </summary>
    public static async Task<PngRenderResult> RenderAsync(Figure figure, int width = 800, int height = 500, double scale = 1, ChromiumOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        if (scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), scale, "Scale must be positive.");
        options ??= ChromiumOptions.Default;
        if (Unavailable(options) is { } note) return PngRenderResult.Skipped(note);

        IPlaywright playwright;
        IBrowser browser;
        try
        {
            (playwright, browser) = await LaunchAsync(options);
        }
        catch (PlaywrightException e)
        {
            return PngRenderResult.Skipped(CannotStart(options, e));
        }

        try
        {
            return new PngRenderResult(await RenderOnAsync(browser, figure, width, height, scale, options), null);
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    /// <summary>Why PNG export cannot work on this machine (no Chromium, no embedded plotly.js), or null.</summary>
    internal static string? Unavailable(ChromiumOptions options)
    {
        if (!File.Exists(options.ExecutablePath))
            return $"Chromium not found at {options.ExecutablePath}; PNG export skipped (install chromium or set ChromiumOptions.ExecutablePath).";
        if (!PlotlyBundle.IsAvailable)
            return "plotly.js is not embedded in Workbench.dll (npm was unavailable at build time); PNG export skipped.";
        return null;
    }

    internal static string CannotStart(ChromiumOptions options, PlaywrightException e) =>
        $"Chromium at {options.ExecutablePath} could not be started ({e.Message.Split('\n')[0]}); PNG export skipped.";

    /// <summary>Starts Playwright and the headless browser <paramref name="options"/> name.</summary>
    internal static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync(ChromiumOptions options)
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = options.ExecutablePath,
                Headless = true,
                Args = options.Arguments,
                Timeout = options.TimeoutMilliseconds,
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Draws <paramref name="figure"/> in a fresh page of <paramref name="browser"/> and returns the PNG bytes.</summary>
    internal static async Task<byte[]> RenderOnAsync(IBrowser browser, Figure figure, int width, int height, double scale, ChromiumOptions options)
    {
        int w = figure.Layout.Width ?? width, h = figure.Layout.Height ?? height;
        var divId = NotebookHtml.NewDivId();
        var html = StandaloneHtml.Render(figure, divId: divId);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = w + 20, Height = h + 20 } });
        try
        {
            page.SetDefaultTimeout(options.TimeoutMilliseconds);
            await page.SetContentAsync(html);
            await page.WaitForFunctionAsync("() => window.plotReady === true || window.plotError !== undefined");
            var error = await page.EvaluateAsync<string?>("() => window.plotError ?? null");
            if (error is not null) throw new InvalidOperationException($"plotly.js could not draw the figure: {error}");
            var dataUrl = await page.EvaluateAsync<string>(
                "([id, w, h, s]) => Plotly.toImage(document.getElementById(id), { format: 'png', width: w, height: h, scale: s })",
                new object[] { divId, w, h, scale });
            const string prefix = "data:image/png;base64,";
            if (!dataUrl.StartsWith(prefix, StringComparison.Ordinal))
                throw new InvalidOperationException("Plotly.toImage did not return a PNG data URL.");
            return Convert.FromBase64String(dataUrl[prefix.Length..]);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    /// <summary>Renders and, when rendered, writes the PNG atomically to <paramref name="path"/>.</summary>
    public static async Task<PngRenderResult> SaveAsync(Figure figure, string path, int width = 800, int height = 500, double scale = 1, ChromiumOptions? options = null)
    {
        var result = await RenderAsync(figure, width, height, scale, options);
        if (result.Png is not null) Workbench.IO.AtomicFile.WriteAllBytes(path, result.Png);
        return result;
    }

    /// <summary>Synchronous <see cref="RenderAsync"/> for scripts and notebooks.</summary>
    public static PngRenderResult Render(Figure figure, int width = 800, int height = 500, double scale = 1, ChromiumOptions? options = null) =>
        Task.Run(() => RenderAsync(figure, width, height, scale, options)).GetAwaiter().GetResult();
}
