using System.Net;
using System.Text;

namespace Workbench.Plotting.Rendering;

/// <summary>
/// A complete HTML page with plotly.js inlined (<see cref="PlotlyBundle"/>): opens offline, from a
/// file or an e-mail attachment, and is what the PNG renderer loads into headless Chromium. Pages in a
/// results folder load one shared copy instead (<see cref="SharedPlotly"/>). When
/// plotting has finished the page sets <c>window.plotReady = true</c> (or <c>window.plotError</c>).
/// </summary>
public static class StandaloneHtml
{
    /// <summary>Renders <paramref name="figure"/> as a self-contained page (about 4.5 MB, mostly plotly.js).</summary>
    /// <exception cref="InvalidOperationException">plotly.js was not embedded at build time (message says how to fix).</exception>
    /// <param name="plotlySource">A relative URL of plotly.js (<see cref="SharedPlotly"/>) to load instead of inlining it.</param>
    public static string Render(Figure figure, string? pageTitle = null, string? divId = null, string? plotlySource = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var id = divId ?? NotebookHtml.NewDivId();
        var title = pageTitle ?? figure.Layout.Title?.Text ?? "Figure";

        var html = new StringBuilder(4096);
        html.Append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n");
        AppendPlotly(html, plotlySource);
        html.Append("</head>\n<body style=\"margin: 0;\">\n");
        html.Append("<div id=\"").Append(id).Append('"').Append(NotebookHtml.DivStyle(figure)).Append("></div>\n");
        html.Append("<script type=\"text/javascript\">\n");
        NotebookHtml.AppendNewPlot(html, figure, id, "",
            ".then(function() { window.plotReady = true; }, function(e) { window.plotError = String(e); })");
        html.Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>plotly.js for a page's head: a script element loading <paramref name="source"/>, or the bundle inlined when it is null.</summary>
    public static void AppendPlotly(StringBuilder html, string? source)
    {
        if (source is not null)
        {
            html.Append("<script type=\"text/javascript\" src=\"").Append(WebUtility.HtmlEncode(source)).Append("\"></script>\n");
            return;
        }
        html.Append("<script type=\"text/javascript\">\n");
        // A literal "</script" would end the element early; it can only occur inside JS strings,
        // where "<\/script" means the same.
        html.Append(PlotlyBundle.JavaScript.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase));
        html.Append("\n</script>\n");
    }
}
