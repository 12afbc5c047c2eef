using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Plotting.Json;

/// <summary>
/// The one place that decides how figures become plotly.js JSON: lower-case property names
/// (plotly's attribute names are single lower-case words such as <c>showlegend</c>, <c>hovertext</c>,
/// <c>colorscale</c>), nulls omitted so plotly applies its own defaults, and non-finite numbers
/// written as <c>null</c> (plotly draws a gap there; JSON has no NaN).
/// </summary>
public static class PlotlyJson
{
    /// <summary>Options used for every figure; compact output, HTML-sensitive characters escaped
    /// (so the JSON can be pasted inside a &lt;script&gt; element as is).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serializes any part of a figure (trace, layout, config) with <see cref="Options"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = new LowerCaseNamingPolicy(),
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
        };
        options.Converters.Add(new FiniteDoubleConverter());
        options.Converters.Add(new FiniteFloatConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>plotly.js attribute names are the C# names lower-cased (ShowLegend → showlegend).</summary>
    private sealed class LowerCaseNamingPolicy : JsonNamingPolicy
    {
        public override string ConvertName(string name) => name.ToLowerInvariant();
    }
}
