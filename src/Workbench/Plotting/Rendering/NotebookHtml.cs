using System.Text;

namespace Workbench.Plotting.Rendering;

/// <summary>
/// Figure HTML for notebooks (.NET Interactive, Jupyter), in the manner of Plotly.NET: a div with a
/// unique id, then a script that draws it with <c>Plotly.newPlot(div, data, layout, config)</c>.
/// Where plotly.js comes from is <see cref="Source"/>: by default the first figure a process (a
/// kernel session) displays carries the plotly.js bundled in Workbench.dll inline, and every later
/// figure uses the <c>window.Plotly</c> it defined, so notebooks draw offline; with
/// <see cref="PlotlyJsSource.Cdn"/>, or when no bundle was embedded, plotly.js is loaded from
/// <see cref="PlotlyUrl"/> with require.js (the loader notebook front ends provide; injected from
/// its CDN when the page has none), in a private require context that keeps our plotly version
/// apart from any the page already loaded.
/// </summary>
public static class NotebookHtml
{
    private static int _inlined;

    /// <summary>URL of plotly.js loaded by notebook HTML.</summary>
    public static string PlotlyUrl { get; set; } = $"https://cdn.plot.ly/plotly-{PlotlyBundle.Version}.min.js";

    /// <summary>URL of require.js, injected when the page has no AMD loader.</summary>
    public static string RequireJsUrl { get; set; } = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js";

    /// <summary>Where notebook figures get plotly.js: inline with the session's first figure (default) or from the CDN.</summary>
    public static PlotlyJsSource Source { get; set; } = PlotlyJsSource.InlineOnce;

    /// <summary>
    /// The HTML a notebook displays for <paramref name="figure"/> (what <see cref="Figure.ToHtml"/>
    /// returns): with <see cref="PlotlyJsSource.InlineOnce"/>, the first call of the process prepends
    /// the plotly.js bundle; every figure draws with <c>window.Plotly</c> when the page has it.
    /// </summary>
    public static string RenderForNotebook(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var figureHtml = Render(figure);
        return ClaimInlineBundle() ? InlineBundle() + figureHtml : figureHtml;
    }

    /// <summary>
    /// True once per session, for the display that is to carry plotly.js inline (with
    /// <see cref="PlotlyJsSource.InlineOnce"/> and a bundle embedded); false for everyone after it. A
    /// display that replaces its own output (a live training view) claims it and keeps it in every state
    /// a reader may reopen the notebook at.
    /// </summary>
    public static bool ClaimInlineBundle() =>
        Source == PlotlyJsSource.InlineOnce && PlotlyBundle.IsAvailable && Interlocked.Exchange(ref _inlined, 1) == 0;

    /// <summary>Makes the next <see cref="RenderForNotebook"/> carry plotly.js again (e.g. after the page was cleared).</summary>
    public static void ResetInlineBundle() => Interlocked.Exchange(ref _inlined, 0);

    /// <summary>
    /// A script element defining <c>window.Plotly</c> from the embedded bundle. The bundle is UMD: run
    /// as is on a page with require.js it would register an anonymous AMD module (and fail), so it
    /// runs inside a function whose <c>define</c>, <c>module</c> and <c>exports</c> are undefined.
    /// </summary>
    public static string InlineBundle()
    {
        var plotly = PlotlyBundle.JavaScript;
        var html = new StringBuilder(plotly.Length + 512);
        html.Append("<script type=\"text/javascript\" data-workbench-plotly=\"").Append(PlotlyBundle.Version).Append("\">\n");
        html.Append("if (!(window.Plotly && window.Plotly.newPlot)) (function(define, module, exports) {\n");
        // A literal "</script" would end the element early; it can only occur inside JS strings, where "<\/script" means the same.
        html.Append(plotly.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase));
        html.Append("\n})(undefined, undefined, undefined);\n</script>\n");
        return html.ToString();
    }

    /// <summary>Renders <paramref name="figure"/> as a div plus a script drawing it with the page's plotly.js, else loading it from the CDN.</summary>
    /// <param name="plotlyUrl">plotly.js URL for this figure only (default <see cref="PlotlyUrl"/>).</param>
    /// <param name="divId">Element id (default: a fresh "plot-" + GUID).</param>
    public static string Render(Figure figure, string? plotlyUrl = null, string? divId = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var id = divId ?? NewDivId();
        var url = plotlyUrl ?? PlotlyUrl;
        // require.js module paths are given without the ".js" extension (it appends it).
        var requirePath = url.EndsWith(".js", StringComparison.OrdinalIgnoreCase) ? url[..^3] : url;

        var html = new StringBuilder();
        html.Append("<div id=\"").Append(id).Append('"').Append(DivStyle(figure)).Append("></div>\n");
        html.Append("<script type=\"text/javascript\">\n(function() {\n");
        html.Append("    var draw = function(Plotly) {\n");
        AppendNewPlot(html, figure, id, "        ");
        html.Append("    };\n");
        html.Append("    if (window.Plotly && window.Plotly.newPlot) { draw(window.Plotly); return; }\n");
        html.Append("    var load = function() {\n");
        html.Append("        var plotlyRequire = requirejs.config({context:'workbench-plotly',paths:{plotly:'")
            .Append(JsString(requirePath)).Append("'}}) || require;\n");
        html.Append("        plotlyRequire(['plotly'], draw);\n");
        html.Append("    };\n");
        html.Append("    if (typeof requirejs !== 'function' || typeof requirejs.config !== 'function') {\n");
        html.Append("        var loader = document.createElement('script');\n");
        html.Append("        loader.setAttribute('charset', 'utf-8');\n");
        html.Append("        loader.setAttribute('src', '").Append(JsString(RequireJsUrl)).Append("');\n");
        html.Append("        loader.onload = load;\n");
        html.Append("        document.getElementsByTagName('head')[0].appendChild(loader);\n");
        html.Append("    } else {\n        load();\n    }\n");
        html.Append("})();\n</script>\n");
        return html.ToString();
    }

    /// <summary>A fresh element id.</summary>
    public static string NewDivId() => "plot-" + Guid.NewGuid().ToString("N");

    /// <summary>Writes the data/layout/config variables and the newPlot call (shared with standalone HTML).</summary>
    internal static void AppendNewPlot(StringBuilder html, Figure figure, string divId, string indent, string? then = null)
    {
        html.Append(indent).Append("var data = ").Append(figure.DataJson()).Append(";\n");
        html.Append(indent).Append("var layout = ").Append(figure.LayoutJson()).Append(";\n");
        html.Append(indent).Append("var config = ").Append(figure.ConfigJson()).Append(";\n");
        html.Append(indent).Append("Plotly.newPlot('").Append(divId).Append("', data, layout, config)")
            .Append(then ?? "").Append(";\n");
    }

    /// <summary>Fixed-size figures get a fixed-size div; others fill the width at plotly's default height.</summary>
    internal static string DivStyle(Figure figure)
    {
        var width = figure.Layout.Width is int w ? $"width: {w}px; " : "width: 100%; ";
        var height = figure.Layout.Height is int h ? $"height: {h}px;" : "height: 450px;";
        return $" style=\"{width}{height}\"";
    }

    private static string JsString(string s) => s.Replace("\\", "\\\\").Replace("'", "\\'").Replace("</", "<\\/");
}

/// <summary>Where notebook figures load plotly.js from.</summary>
public enum PlotlyJsSource
{
    /// <summary>The first figure of the session carries the bundled plotly.js inline; later figures reuse it (works offline).</summary>
    InlineOnce,

    /// <summary>Every figure loads plotly.js from <see cref="NotebookHtml.PlotlyUrl"/> (needs a network; keeps notebooks small).</summary>
    Cdn,
}
