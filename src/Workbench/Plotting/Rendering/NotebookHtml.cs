using System.Text;

namespace Workbench.Plotting.Rendering;

/// <summary>
/// Figure HTML for notebooks (.NET Interactive, Jupyter), in the manner of Plotly.NET: a div with a
/// unique id, then a script that loads plotly.js with require.js from the CDN (require.js is the
/// loader notebook front-ends provide; it is injected from its CDN when the page has none) and calls
/// <c>Plotly.newPlot(div, data, layout, config)</c>. A private require context keeps our plotly
/// version apart from any the page already loaded.
/// </summary>
public static class NotebookHtml
{
    /// <summary>URL of plotly.js loaded by notebook HTML.</summary>
    public static string PlotlyUrl { get; set; } = $"https://cdn.plot.ly/plotly-{PlotlyBundle.Version}.min.js";

    /// <summary>URL of require.js, injected when the page has no AMD loader.</summary>
    public static string RequireJsUrl { get; set; } = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js";

    /// <summary>Renders <paramref name="figure"/> as a div plus loader script.</summary>
    /// <param name="plotlyUrl">plotly.js URL for this figure only (default <see cref="PlotlyUrl"/>).</param>
    /// <param name="divId">Element id (default: a fresh "plot-" + GUID).</param>
    public static string Render(Figure figure, string? plotlyUrl = null, string? divId = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var id = divId ?? NewDivId();
        var url = plotlyUrl ?? PlotlyUrl;
        // require.js module paths are given without the ".js" extension (it appends it).
        var requirePath = url.EndsWith(".js", StringComparison.OrdinalIgnoreCase) ? url[..^3] : url;
        var renderFunction = "renderPlotly_" + id.Replace("-", "_");

        var html = new StringBuilder();
        html.Append("<div id=\"").Append(id).Append('"').Append(DivStyle(figure)).Append("></div>\n");
        html.Append("<script type=\"text/javascript\">\n");
        html.Append("var ").Append(renderFunction).Append(" = function() {\n");
        html.Append("    var plotlyRequire = requirejs.config({context:'workbench-plotly',paths:{plotly:'")
            .Append(JsString(requirePath)).Append("'}}) || require;\n");
        html.Append("    plotlyRequire(['plotly'], function(Plotly) {\n");
        AppendNewPlot(html, figure, id, "        ");
        html.Append("    });\n};\n");
        html.Append("if (typeof requirejs !== 'function' || typeof requirejs.config !== 'function') {\n");
        html.Append("    var loader = document.createElement('script');\n");
        html.Append("    loader.setAttribute('charset', 'utf-8');\n");
        html.Append("    loader.setAttribute('src', '").Append(JsString(RequireJsUrl)).Append("');\n");
        html.Append("    loader.onload = function() { ").Append(renderFunction).Append("(); };\n");
        html.Append("    document.getElementsByTagName('head')[0].appendChild(loader);\n");
        html.Append("} else {\n    ").Append(renderFunction).Append("();\n}\n");
        html.Append("</script>\n");
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
