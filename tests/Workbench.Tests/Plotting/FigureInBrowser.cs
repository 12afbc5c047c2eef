using Microsoft.Playwright;
using Workbench.Plotting;
using Workbench.Plotting.Rendering;
using Workbench.Rendering;

namespace Workbench.Tests.Plotting;

/// <summary>What a figure looks like once plotly.js has drawn it in headless Chromium.</summary>
/// <param name="Texts">Every text element of the drawn SVG: titles, axis titles, tick labels, legend entries, annotations.</param>
/// <param name="Legend">The legend entries, in order.</param>
/// <param name="TickLabels">Tick labels per axis name ("xaxis", "yaxis2", …).</param>
/// <param name="Ranges">The drawn range [min, max] per axis name.</param>
internal sealed record DrawnFigure(string[] Texts, string[] Legend, Dictionary<string, string[]> TickLabels, Dictionary<string, double[]> Ranges)
{
    public string AllText => string.Join("\n", Texts);
}

/// <summary>Draws a figure as its standalone HTML page in headless Chromium and reads back what was drawn.</summary>
internal static class FigureInBrowser
{
    public static async Task<DrawnFigure> Draw(Figure figure)
    {
        using var directory = new Support.TempDirectory();
        var path = directory.File("figure.html");
        await File.WriteAllTextAsync(path, StandaloneHtml.Render(figure, divId: "figure"));
        var options = ChromiumOptions.Default;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = options.ExecutablePath, Headless = true, Args = options.Arguments, Timeout = options.TimeoutMilliseconds,
        });
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        await page.GotoAsync(new Uri(path).AbsoluteUri);
        await page.WaitForFunctionAsync("() => document.querySelector('#figure .main-svg') !== null && document.getElementById('figure')._fullLayout !== undefined",
            null, new PageWaitForFunctionOptions { Timeout = options.TimeoutMilliseconds });
        Assert.True(errors.Count == 0, "console errors:\n" + string.Join("\n", errors));
        var texts = await page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('#figure text')).map(t => t.textContent)");
        var legend = await page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('#figure .legendtext')).map(t => t.textContent)");
        var axes = await page.EvaluateAsync<string[]>("() => Object.keys(document.getElementById('figure')._fullLayout).filter(k => /^[xy]axis\\d*$/.test(k))");
        var ticks = new Dictionary<string, string[]>();
        var ranges = new Dictionary<string, double[]>();
        foreach (var axis in axes)
        {
            string id = axis[0] + axis[5..]; // xaxis → x, yaxis2 → y2: plotly draws its ticks in g.<id>tick
            ticks[axis] = await page.EvaluateAsync<string[]>($"() => Array.from(document.querySelectorAll('#figure g.{id}tick text')).map(t => t.textContent)");
            ranges[axis] = await page.EvaluateAsync<double[]>($"() => document.getElementById('figure')._fullLayout.{axis}.range.map(Number)");
        }
        return new DrawnFigure(texts, legend, ticks, ranges);
    }
}
