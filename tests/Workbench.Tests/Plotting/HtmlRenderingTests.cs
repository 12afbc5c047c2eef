using System.Text.RegularExpressions;
using Workbench.Plotting;
using Workbench.Plotting.Rendering;

namespace Workbench.Tests.Plotting;

public class HtmlRenderingTests
{
    private static Figure Sample() =>
        new Figure(new Scatter { Name = "s", Mode = ScatterMode.Lines, X = new[] { 1.0, 2 }, Y = new[] { 3.0, double.NaN } })
            .WithTitle("</script> & <b>");

    private static string Variable(string html, string name) =>
        Regex.Match(html, $@"var {name} = (.*);\n").Groups[1].Value;

    [Fact]
    public void ToHtml_NotebookHtml_HasDivRequireLoaderAndNewPlotWithFigureJson()
    {
        var figure = Sample();

        var html = NotebookHtml.Render(figure, divId: "plot-test");

        Assert.StartsWith("<div id=\"plot-test\"", html);
        // plotly.js through require.js, module path without ".js", in a private context.
        Assert.Contains($"paths:{{plotly:'https://cdn.plot.ly/plotly-{PlotlyBundle.Version}.min'}}", html);
        Assert.Contains("requirejs.config({context:", html);
        Assert.Contains("plotlyRequire(['plotly'], draw);", html);
        // A page that already has plotly.js (the session's inline bundle) draws without loading anything.
        Assert.Contains("if (window.Plotly && window.Plotly.newPlot) { draw(window.Plotly); return; }", html);
        // require.js injected from its CDN when the page has no AMD loader.
        Assert.Contains("if (typeof requirejs !== 'function' || typeof requirejs.config !== 'function')", html);
        Assert.Contains("document.createElement('script')", html);
        Assert.Contains(NotebookHtml.RequireJsUrl, html);
        Assert.Contains("Plotly.newPlot('plot-test', data, layout, config)", html);
        Assert.Equal(figure.DataJson(), Variable(html, "data"));
        Assert.Equal(figure.LayoutJson(), Variable(html, "layout"));
        Assert.Equal(figure.ConfigJson(), Variable(html, "config"));
        // The title's "</script>" must not end the script element early.
        Assert.Single(Regex.Matches(html, "</script>"));
    }

    [Fact]
    public void ToHtml_TwoCalls_UseDistinctDivIdsEachPlottedIntoItsOwnDiv()
    {
        var figure = Sample();
        string Id(string html) => Regex.Match(html, "<div id=\"(plot-[0-9a-f]+)\"").Groups[1].Value;

        var first = figure.ToHtml();
        var second = figure.ToHtml();

        Assert.NotEqual(Id(first), Id(second));
        Assert.Contains($"Plotly.newPlot('{Id(first)}'", first);
        Assert.Contains($"Plotly.newPlot('{Id(second)}'", second);
    }

    [Fact]
    public void InlineBundle_HidesTheAmdLoaderAndCannotEndItsScriptEarly()
    {
        if (!PlotlyBundle.IsAvailable) return;

        var html = NotebookHtml.InlineBundle();

        Assert.StartsWith("<script type=\"text/javascript\" data-workbench-plotly=\"" + PlotlyBundle.Version + "\">", html);
        Assert.Contains("(function(define, module, exports) {", html);
        Assert.Contains("})(undefined, undefined, undefined);", html);
        Assert.Single(Regex.Matches(html, "</script", RegexOptions.IgnoreCase));
        Assert.True(html.Length > 3_000_000, "the whole plotly.js bundle is inlined");
    }

    [Fact]
    public void ToHtml_CustomPlotlyUrl_IsUsedWithoutJsExtension()
    {
        var html = NotebookHtml.Render(Sample(), plotlyUrl: "https://example.org/plotly-9.9.9.min.js");
        Assert.Contains("paths:{plotly:'https://example.org/plotly-9.9.9.min'}", html);
    }

    [Fact]
    public void ToHtml_FixedSizeFigure_SizesTheDiv()
    {
        var html = Sample().WithSize(640, 320).ToHtml();
        Assert.Contains("style=\"width: 640px; height: 320px;\"", html);
    }

    [Fact]
    public void ToStandaloneHtml_EmbedsPlotlyAndReferencesNoCdn()
    {
        var figure = Sample();
        if (!PlotlyBundle.IsAvailable)
        {
            var e = Assert.Throws<InvalidOperationException>(() => figure.ToStandaloneHtml());
            Assert.Contains("npm ci", e.Message);
            return;
        }

        var html = StandaloneHtml.Render(figure, divId: "plot-offline");

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains($"plotly.js v{PlotlyBundle.Version}", html);
        Assert.Contains(PlotlyBundle.JavaScript[..2000], html);
        // Nothing is fetched: no external script, no CDN loader (plotly.js's own source mentions
        // cdn.plot.ly only for optional topojson/mapbox defaults, so look outside it).
        var page = html.Replace(PlotlyBundle.JavaScript, "");
        Assert.DoesNotContain("cdn.plot.ly", page);
        Assert.DoesNotContain("require", page);
        Assert.DoesNotContain("<script src", page);
        Assert.Contains("<div id=\"plot-offline\"", html);
        Assert.Contains("Plotly.newPlot('plot-offline', data, layout, config)", html);
        Assert.Equal(figure.DataJson(), Variable(html, "data"));
        Assert.Contains("<title>&lt;/script&gt; &amp; &lt;b&gt;</title>", html);
    }

    [Fact]
    public void PlotlyBundle_Version_MatchesPinnedNpmPackage()
    {
        var assets = RepositoryPaths.PlottingAssets;
        Assert.NotNull(assets);
        var package = File.ReadAllText(Path.Combine(assets!, "package.json"));

        Assert.Contains($"\"plotly.js-dist-min\": \"{PlotlyBundle.Version}\"", package);
    }
}
