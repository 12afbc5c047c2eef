using Microsoft.Playwright;
using Workbench.Plotting;
using Workbench.Plotting.Rendering;
using Workbench.Rendering;

namespace Workbench.Tests.Plotting;

/// <summary>
/// Runs notebook HTML in headless Chromium with the two CDN URLs served locally (plotly.js from the
/// embedded bundle, require.js from the npm dev dependency), so the loader logic is exercised for
/// real: with no AMD loader on the page, and with one already present as in Jupyter.
/// Returns early (passes) when Chromium, the bundle or require.js is unavailable.
/// </summary>
public class NotebookHtmlBrowserTests
{
    private static string? RequireJsPath()
    {
        var assets = RepositoryPaths.PlottingAssets;
        var path = assets is null ? null : Path.Combine(assets, "node_modules", "requirejs", "require.js");
        return path is not null && File.Exists(path) ? path : null;
    }

    private static async Task<(int Traces, int RequireJsFetches)> DrawInBrowser(Figure figure, bool pageHasRequireJs)
    {
        var requireJs = await File.ReadAllTextAsync(RequireJsPath()!);
        var html = figure.ToHtml();
        var divId = System.Text.RegularExpressions.Regex.Match(html, "<div id=\"([^\"]+)\"").Groups[1].Value;
        var page = "<!DOCTYPE html><html><head>" +
            (pageHasRequireJs ? $"<script src=\"{NotebookHtml.RequireJsUrl}\"></script>" : "") +
            "</head><body>" + html + "</body></html>";

        using var playwright = await Playwright.CreateAsync();
        var options = ChromiumOptions.Default;
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = options.ExecutablePath, Headless = true, Args = options.Arguments, Timeout = options.TimeoutMilliseconds,
        });
        var tab = await browser.NewPageAsync();
        int requireJsFetches = 0;
        await tab.RouteAsync("**/*", async route =>
        {
            var url = route.Request.Url;
            if (url == NotebookHtml.PlotlyUrl)
                await route.FulfillAsync(new RouteFulfillOptions { ContentType = "application/javascript", Body = PlotlyBundle.JavaScript });
            else if (url == NotebookHtml.RequireJsUrl)
            {
                Interlocked.Increment(ref requireJsFetches);
                await route.FulfillAsync(new RouteFulfillOptions { ContentType = "application/javascript", Body = requireJs });
            }
            else if (url.StartsWith("http://workbench.test/", StringComparison.Ordinal))
                await route.FulfillAsync(new RouteFulfillOptions { ContentType = "text/html", Body = page });
            else
                await route.AbortAsync();
        });
        await tab.GotoAsync("http://workbench.test/notebook.html");
        await tab.WaitForFunctionAsync($"() => document.querySelector('#{divId} .main-svg') !== null", null,
            new PageWaitForFunctionOptions { Timeout = 30_000 });
        var traces = await tab.EvaluateAsync<int>($"() => document.getElementById('{divId}').data.length");
        return (traces, requireJsFetches);
    }

    private static bool Unavailable =>
        !File.Exists(ChromiumOptions.Default.ExecutablePath) || !PlotlyBundle.IsAvailable || RequireJsPath() is null;

    private static Figure Sample() => new(
        new Scatter { Mode = ScatterMode.Lines, X = new[] { 1.0, 2, 3 }, Y = new[] { 1.0, 4, 9 } },
        new Bar { X = new[] { 1.0, 2, 3 }, Y = new[] { 2.0, 1, 2 } });

    [Fact]
    public async Task ToHtml_PageWithoutRequireJs_InjectsItAndDraws()
    {
        if (Unavailable) return;

        var (traces, requireJsFetches) = await DrawInBrowser(Sample(), pageHasRequireJs: false);

        Assert.Equal(2, traces);
        Assert.Equal(1, requireJsFetches);
    }

    [Fact]
    public async Task ToHtml_PageWithRequireJs_UsesItAndDraws()
    {
        if (Unavailable) return;

        var (traces, requireJsFetches) = await DrawInBrowser(Sample(), pageHasRequireJs: true);

        Assert.Equal(2, traces);
        Assert.Equal(1, requireJsFetches); // only the page's own <script src>; nothing injected
    }
}
