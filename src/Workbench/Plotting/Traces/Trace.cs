using System.Text.Json.Serialization;

namespace Workbench.Plotting;

/// <summary>
/// One plotly.js trace (an entry of <c>figure.data</c>). Subclasses add their type's attributes;
/// serialization writes the runtime type's properties (no type discriminator beyond plotly's own
/// <c>type</c> field).
/// </summary>
[JsonDerivedType(typeof(Scatter))]
[JsonDerivedType(typeof(Bar))]
[JsonDerivedType(typeof(Heatmap))]
[JsonDerivedType(typeof(Image))]
public abstract class Trace
{
    /// <summary>plotly's trace type: "scatter", "bar", "heatmap", "image".</summary>
    [JsonPropertyOrder(-10)]
    public abstract string Type { get; }

    /// <summary>Legend entry and hover label.</summary>
    public string? Name { get; set; }

    public bool? ShowLegend { get; set; }

    /// <summary>Traces sharing a legend group toggle together.</summary>
    public string? LegendGroup { get; set; }

    /// <summary>x axis this trace is drawn against: "x" (default), "x2", … (see <see cref="Subplots"/>).</summary>
    public string? XAxis { get; set; }

    /// <summary>y axis this trace is drawn against: "y" (default), "y2", ….</summary>
    public string? YAxis { get; set; }

    /// <summary>Opacity of the whole trace in [0, 1].</summary>
    public double? Opacity { get; set; }
}
