using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Plotting;

/// <summary>
/// plotly's <c>colorscale</c>: a built-in scale by name (<c>"Viridis"</c>) or explicit stops
/// <c>[[0,"#000"],[1,"#fff"]]</c> with positions in [0, 1].
/// </summary>
[JsonConverter(typeof(ColorScaleConverter))]
public sealed class ColorScale
{
    private ColorScale(string? name, IReadOnlyList<(double Position, string Color)>? stops)
    {
        Name = name;
        Stops = stops;
    }

    public string? Name { get; }
    public IReadOnlyList<(double Position, string Color)>? Stops { get; }

    public static ColorScale Viridis { get; } = new("Viridis", null);
    public static ColorScale Greys { get; } = new("Greys", null);
    public static ColorScale RdBu { get; } = new("RdBu", null);
    public static ColorScale Blues { get; } = new("Blues", null);

    /// <summary>Black (0) to white (1): raw grayscale images read naturally.</summary>
    public static ColorScale Gray { get; } = FromStops((0, "#000000"), (1, "#ffffff"));

    public static ColorScale Named(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("Colour scale name is empty.", nameof(name)) : new(name, null);

    public static ColorScale FromStops(params (double Position, string Color)[] stops)
    {
        if (stops.Length < 2) throw new ArgumentException("A colour scale needs at least two stops.", nameof(stops));
        if (stops[0].Position != 0 || stops[^1].Position != 1)
            throw new ArgumentException("Colour scale stops must start at 0 and end at 1.", nameof(stops));
        return new(null, stops);
    }

    public static implicit operator ColorScale(string name) => Named(name);

    private sealed class ColorScaleConverter : JsonConverter<ColorScale>
    {
        public override ColorScale Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("ColorScale is write-only.");

        public override void Write(Utf8JsonWriter writer, ColorScale value, JsonSerializerOptions options)
        {
            if (value.Name is not null) { writer.WriteStringValue(value.Name); return; }
            writer.WriteStartArray();
            foreach (var (position, color) in value.Stops!)
            {
                writer.WriteStartArray();
                writer.WriteNumberValue(position);
                writer.WriteStringValue(color);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
    }
}
