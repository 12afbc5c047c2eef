using System.Text.Json.Serialization;

namespace Workbench.Plotting;

/// <summary>Line style of a scatter trace (or a marker outline).</summary>
public sealed class Line
{
    public string? Color { get; set; }

    /// <summary>Width in pixels.</summary>
    public double? Width { get; set; }

    public LineDash? Dash { get; set; }

    /// <summary>"linear", "spline", "hv", ….</summary>
    public string? Shape { get; set; }
}

/// <summary>plotly's line dash styles.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LineDash>))]
public enum LineDash
{
    [JsonStringEnumMemberName("solid")] Solid,
    [JsonStringEnumMemberName("dot")] Dot,
    [JsonStringEnumMemberName("dash")] Dash,
    [JsonStringEnumMemberName("longdash")] LongDash,
    [JsonStringEnumMemberName("dashdot")] DashDot,
    [JsonStringEnumMemberName("longdashdot")] LongDashDot,
}
