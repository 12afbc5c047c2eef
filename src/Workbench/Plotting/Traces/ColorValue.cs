using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Plotting;

/// <summary>
/// plotly's colour attribute: a single CSS colour (<c>"#1f77b4"</c>, <c>"rgba(0,0,0,0.5)"</c>) or one
/// value per point — numbers mapped through the trace's colour scale, or CSS colours.
/// </summary>
[JsonConverter(typeof(ColorValueConverter))]
public sealed class ColorValue
{
    private ColorValue(string? single, DataArray? perPoint)
    {
        Single = single;
        PerPoint = perPoint;
    }

    /// <summary>The one colour for every point, or null.</summary>
    public string? Single { get; }

    /// <summary>One value per point, or null.</summary>
    public DataArray? PerPoint { get; }

    public static implicit operator ColorValue(string color) => new(color, null);
    public static implicit operator ColorValue(double[] values) => new(null, values);
    public static implicit operator ColorValue(float[] values) => new(null, values);
    public static implicit operator ColorValue(int[] values) => new(null, values);
    public static implicit operator ColorValue(string[] colors) => new(null, colors);

    private sealed class ColorValueConverter : JsonConverter<ColorValue>
    {
        public override ColorValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("ColorValue is write-only.");

        public override void Write(Utf8JsonWriter writer, ColorValue value, JsonSerializerOptions options)
        {
            if (value.Single is not null) writer.WriteStringValue(value.Single);
            else value.PerPoint!.WriteTo(writer);
        }
    }
}
