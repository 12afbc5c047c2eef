using Microsoft.Playwright;
using Workbench.Rendering;

namespace Workbench.Tests.Experiments;

/// <summary>Opens a report page in headless Chromium and checks that it drew every chart cleanly.</summary>
internal static class ReportInBrowser
{
    /// <summary>
    /// Loads <paramref name="htmlPath"/>, waits until its plots settle, and asserts that there are
    /// <paramref name="expectedCharts"/> chart divs, each holding a plotly SVG, and that the page
    /// logged no console error and threw no uncaught exception.
    /// </summary>
    /// <param name="expectedImages">When given, the page must hold this many pictures, every one loaded.</param>
    public static async Task AssertDrawsEveryChart(string htmlPath, int expectedCharts, int? expectedImages = null)
    {
        var chromium = ChromiumOptions.Default;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium.ExecutablePath, Headless = true, Args = chromium.Arguments, Timeout = chromium.TimeoutMilliseconds,
        });
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync(new Uri(htmlPath).AbsoluteUri);
        await page.WaitForFunctionAsync("() => window.reportReady === true || window.reportError !== undefined",
            null, new PageWaitForFunctionOptions { Timeout = chromium.TimeoutMilliseconds });

        Assert.Null(await page.EvaluateAsync<string?>("() => window.reportError ?? null"));
        var svgsPerChart = await page.EvaluateAsync<int[]>("() => Array.from(document.querySelectorAll('div.chart')).map(d => d.querySelectorAll('.main-svg').length)");
        Assert.Equal(expectedCharts, svgsPerChart.Length);
        Assert.All(svgsPerChart, count => Assert.True(count > 0, "a chart div holds no SVG"));
        if (expectedImages is { } images)
        {
            await page.WaitForFunctionAsync("() => Array.from(document.images).every(i => i.complete)", null,
                new PageWaitForFunctionOptions { Timeout = chromium.TimeoutMilliseconds });
            var widths = await page.EvaluateAsync<int[]>("() => Array.from(document.images).map(i => i.naturalWidth)");
            Assert.Equal(images, widths.Length);
            Assert.All(widths, width => Assert.True(width > 0, "a picture did not load"));
        }
        Assert.True(errors.Count == 0, "console errors:\n" + string.Join("\n", errors));
    }
}
