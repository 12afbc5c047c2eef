using System.Text.Json;
using System.Text.Json.Serialization;
using Workbench.Display;
using Workbench.Plotting.Json;
using Workbench.Plotting.Rendering;

namespace Workbench.Plotting;

/// <summary>
/// A plotly.js figure: traces (<see cref="Data"/>), <see cref="Layout"/> and <see cref="Config"/>,
/// serialized to exactly the JSON <c>Plotly.newPlot(div, data, layout, config)</c> takes.
/// Displayed in a notebook as <see cref="ToHtml"/> (found by .NET Interactive through the attribute).
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<Figure>), PreferredMimeTypes = ["text/html"])]
public sealed class Figure : IHtmlDisplayable
{
    public List<Trace> Data { get; } = [];
    public Layout Layout { get; set; } = new();
    public Config Config { get; set; } = new() { DisplayLogo = false };

    public Figure() { }

    public Figure(params Trace[] traces) => Data.AddRange(traces);

    /// <summary>Adds a trace and returns the figure (for chaining).</summary>
    public Figure Add(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        Data.Add(trace);
        return this;
    }

    /// <summary>Sets the figure title and returns the figure.</summary>
    public Figure WithTitle(string title)
    {
        Layout.Title = title;
        return this;
    }

    /// <summary>Sets the figure size in pixels and returns the figure.</summary>
    public Figure WithSize(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Figure size must be positive, got {width}×{height}.");
        Layout.Width = width;
        Layout.Height = height;
        return this;
    }

    /// <summary>The traces as a JSON array (plotly's <c>data</c>).</summary>
    public string DataJson() => JsonSerializer.Serialize<IReadOnlyList<Trace>>(Data, PlotlyJson.Options);

    public string LayoutJson() => PlotlyJson.Serialize(Layout);

    public string ConfigJson() => PlotlyJson.Serialize(Config);

    /// <summary>The whole figure as <c>{"data":[…],"layout":{…},"config":{…}}</c> (plotly's figure JSON).</summary>
    public string ToJson() => $"{{\"data\":{DataJson()},\"layout\":{LayoutJson()},\"config\":{ConfigJson()}}}";

    /// <summary>Notebook HTML: a div plus a script drawing it; the session's first figure carries plotly.js (see <see cref="NotebookHtml"/>).</summary>
    public string ToHtml() => NotebookHtml.RenderForNotebook(this);

    /// <summary>A complete HTML page with plotly.js embedded: opens offline.</summary>
    public string ToStandaloneHtml() => StandaloneHtml.Render(this);

    /// <summary>Writes <see cref="ToStandaloneHtml"/> to <paramref name="path"/> atomically.</summary>
    public void SaveStandaloneHtml(string path) => Workbench.IO.AtomicFile.WriteAllText(path, ToStandaloneHtml());

    public override string ToString() => ToJson();
}
