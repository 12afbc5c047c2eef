using System.Text.Json.Serialization;

namespace Workbench.Plotting;

/// <summary>plotly's <c>scatter</c> trace: lines and/or markers through (x, y).</summary>
public sealed class Scatter : Trace
{
    public override string Type => "scatter";

    public ScatterMode? Mode { get; set; }
    public DataArray? X { get; set; }
    public DataArray? Y { get; set; }
    public Marker? Marker { get; set; }
    public Line? Line { get; set; }

    /// <summary>Vertical error bars (plotly's <c>error_y</c>).</summary>
    [JsonPropertyName("error_y")]
    public ErrorBars? ErrorY { get; set; }

    /// <summary>Horizontal error bars (plotly's <c>error_x</c>).</summary>
    [JsonPropertyName("error_x")]
    public ErrorBars? ErrorX { get; set; }

    /// <summary>Per-point text shown on hover (or on the plot with mode "text").</summary>
    public IReadOnlyList<string>? Text { get; set; }

    /// <summary>Per-point hover text, overriding <see cref="Text"/> in the hover label.</summary>
    public IReadOnlyList<string>? HoverText { get; set; }

    /// <summary>plotly hover template, e.g. "β=%{text}&lt;br&gt;KL=%{x:.2f}".</summary>
    public string? HoverTemplate { get; set; }

    /// <summary>Where <see cref="Text"/> is drawn for text modes: "top center", "middle right", ….</summary>
    public string? TextPosition { get; set; }

    /// <summary>"none", "tozeroy", "tonexty", ….</summary>
    public string? Fill { get; set; }
}

/// <summary>plotly's scatter <c>mode</c> flag list.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScatterMode>))]
public enum ScatterMode
{
    [JsonStringEnumMemberName("lines")] Lines,
    [JsonStringEnumMemberName("markers")] Markers,
    [JsonStringEnumMemberName("lines+markers")] LinesAndMarkers,
    [JsonStringEnumMemberName("text")] Text,
    [JsonStringEnumMemberName("markers+text")] MarkersAndText,
    [JsonStringEnumMemberName("lines+markers+text")] LinesMarkersAndText,
    [JsonStringEnumMemberName("none")] None,
}
