using Microsoft.Playwright;
using Workbench.Plotting;
using Workbench.Plotting.Rendering;
using Workbench.Rendering;

namespace Workbench.Tests.Plotting;

/// <summary>
/// Runs notebook HTML in headless Chromium with the two CDN URLs served locally (plotly.js from the
/// embedded bundle, require.js from the npm dev dependency), so the loader logic is exercised for
/// real: with no AMD loader on the page, and with one already present as in Jupyter; and the
/// offline path, where the first figure carries the bundle inline and the network is cut.
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

    private static Task<(int Traces, int RequireJsFetches)> DrawInBrowser(Figure figure, bool pageHasRequireJs) =>
        DrawInBrowser(NotebookHtml.Render(figure), pageHasRequireJs, cdnReachable: true);

    private static async Task<(int Traces, int RequireJsFetches)> DrawInBrowser(string html, bool pageHasRequireJs, bool cdnReachable)
    {
        var requireJs = await File.ReadAllTextAsync(RequireJsPath()!);
        var divIds = System.Text.RegularExpressions.Regex.Matches(html, "<div id=\"(plot-[0-9a-f]+)\"").Select(m => m.Groups[1].Value).ToList();
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
            if (url == NotebookHtml.PlotlyUrl && cdnReachable)
                await route.FulfillAsync(new RouteFulfillOptions { ContentType = "application/javascript", Body = PlotlyBundle.JavaScript });
            else if (url == NotebookHtml.RequireJsUrl && (cdnReachable || pageHasRequireJs))
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
        var traces = 0;
        foreach (var divId in divIds)
        {
            await tab.WaitForFunctionAsync($"() => document.querySelector('#{divId} .main-svg') !== null", null,
                new PageWaitForFunctionOptions { Timeout = 30_000 });
            traces += await tab.EvaluateAsync<int>($"() => document.getElementById('{divId}').data.length");
        }
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RenderForNotebook_Offline_FirstFigureCarriesPlotlyAndLaterFiguresReuseIt(bool pageHasRequireJs)
    {
        if (Unavailable) return;
        // As a kernel session shows them: the first figure with the bundle inline, the second without.
        var html = NotebookHtml.InlineBundle() + NotebookHtml.Render(Sample()) + NotebookHtml.Render(Sample());

        var (traces, _) = await DrawInBrowser(html, pageHasRequireJs, cdnReachable: false);

        Assert.Equal(4, traces);
    }
}
