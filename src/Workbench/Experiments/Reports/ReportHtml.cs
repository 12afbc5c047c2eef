using System.Globalization;
using System.Net;
using System.Text;
using Workbench.Plotting.Imaging;
using Workbench.Plotting.Rendering;

namespace Workbench.Experiments.Reports;

/// <summary>
/// The report page: plotly.js in the head (the results folder's shared copy, or inlined), one div and
/// one <c>Plotly.newPlot</c> per chart, PNG pictures linked by relative path (or inlined as data URIs
/// in a self-contained page), so the page opens offline. When every chart has drawn
/// the page sets <c>window.reportReady = true</c> (or <c>window.reportError</c>).
/// </summary>
internal static class ReportHtml
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
        h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
        .meta { color: #666; }
        table { border-collapse: collapse; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
        th { background: #f4f4f4; } td.text { text-align: left; }
        .seeds { color: #777; font-size: 0.85em; white-space: nowrap; }
        .chart { margin: 1em 0; }
        .pictures { display: flex; flex-wrap: wrap; gap: 1.5em; }
        figure { margin: 0; } figcaption { font-size: 0.9em; color: #444; }
        img { image-rendering: pixelated; }
        """;

    /// <param name="plotlySource">Relative URL of the shared plotly.js; null inlines it.</param>
    /// <param name="imagesRelativeTo">The report's folder, to link pictures by relative path; null embeds them as data URIs.</param>
    public static string Render(string title, string description, IReadOnlyList<ReportRun> runs, IReadOnlyList<ReportSection> sections,
        string? plotlySource = null, string? imagesRelativeTo = null)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(Encode(title)).Append("</title>\n");
        html.Append("<style>\n").Append(Style).Append("</style>\n");
        if (PlotlyBundle.IsAvailable)
            StandaloneHtml.AppendPlotly(html, plotlySource);
        else
            html.Append("<script src=\"").Append(Encode(NotebookHtml.PlotlyUrl)).Append("\"></script>\n");
        html.Append("</head>\n<body>\n");
        html.Append("<h1>").Append(Encode(title)).Append("</h1>\n");
        if (description.Length > 0) html.Append("<p>").Append(Encode(description)).Append("</p>\n");
        html.Append("<p class=\"meta\">").Append(runs.Count).Append(" run(s) · report written ")
            .Append(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Append("</p>\n");
        AppendTable(html, runs);

        var plots = new StringBuilder();
        int chartNumber = 0;
        foreach (var section in sections)
        {
            html.Append("<h2>").Append(Encode(section.Heading)).Append("</h2>\n<p>").Append(Encode(section.Explanation)).Append("</p>\n");
            if (section.TableHtml is { } table) html.Append(table).Append('\n');
            foreach (var chart in section.Charts)
            {
                var id = $"chart-{++chartNumber}-{chart.FileName}";
                html.Append("<div id=\"").Append(id).Append("\" class=\"chart\"").Append(NotebookHtml.DivStyle(chart.Figure)).Append("></div>\n");
                plots.Append("plots.push(Plotly.newPlot('").Append(id).Append("', ").Append(Script(chart.Figure.DataJson())).Append(", ")
                    .Append(Script(chart.Figure.LayoutJson())).Append(", ").Append(Script(chart.Figure.ConfigJson())).Append("));\n");
            }
            if (section.Images.Count > 0)
            {
                html.Append("<div class=\"pictures\">\n");
                foreach (var image in section.Images)
                    html.Append("<figure><img src=\"").Append(Encode(ImageSource(image.Path, imagesRelativeTo))).Append("\" alt=\"")
                        .Append(Encode(image.Caption)).Append("\"><figcaption>").Append(Encode(image.Caption)).Append("</figcaption></figure>\n");
                html.Append("</div>\n");
            }
        }
        html.Append("<script type=\"text/javascript\">\nvar plots = [];\n").Append(plots);
        html.Append("Promise.all(plots).then(function() { window.reportReady = true; }, function(e) { window.reportError = String(e); });\n");
        html.Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendTable(StringBuilder html, IReadOnlyList<ReportRun> runs)
    {
        if (SentenceReport.Applies(runs)) SentenceReport.AppendTable(html, runs);
        else ReportRunsTable.Append(html, runs);
    }

    // Pictures reach here through RunFiles.Picture: PNGs inside their run folder.
    private static string ImageSource(string path, string? relativeTo) => relativeTo is null
        ? PngEncoder.ToDataUri(File.ReadAllBytes(path))
        : string.Join('/', Path.GetRelativePath(relativeTo, path).Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));


    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>JSON placed inside a script element: "&lt;/" could close it, "&lt;\/" reads the same.</summary>
    private static string Script(string json) => json.Replace("</", "<\\/", StringComparison.Ordinal);
}
