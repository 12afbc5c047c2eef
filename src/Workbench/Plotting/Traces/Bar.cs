using System.Text.Json.Serialization;

namespace Workbench.Plotting;

/// <summary>plotly's <c>bar</c> trace. Group or stack several with <see cref="Layout.BarMode"/>.</summary>
public sealed class Bar : Trace
{
    public override string Type => "bar";

    public DataArray? X { get; set; }
    public DataArray? Y { get; set; }
    public BarOrientation? Orientation { get; set; }
    public Marker? Marker { get; set; }
    public IReadOnlyList<string>? Text { get; set; }
    public IReadOnlyList<string>? HoverText { get; set; }
    public string? HoverTemplate { get; set; }

    /// <summary>Error bars along the bars' length (plotly's <c>error_y</c> for vertical bars).</summary>
    [JsonPropertyName("error_y")]
    public ErrorBars? ErrorY { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<BarOrientation>))]
public enum BarOrientation
{
    /// <summary>Bars grow along y (categories on x).</summary>
    [JsonStringEnumMemberName("v")] Vertical,

    /// <summary>Bars grow along x (categories on y).</summary>
    [JsonStringEnumMemberName("h")] Horizontal,
}
