using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Plotting.Json;

/// <summary>Writes a double as a JSON number, or <c>null</c> when it is NaN or ±∞ (a gap in plotly).</summary>
public sealed class FiniteDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => Write(writer, value);

    /// <summary>Shared by every writer of plot numbers.</summary>
    internal static void Write(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }
}

/// <summary>Single-precision twin of <see cref="FiniteDoubleConverter"/>; floats are written with their
/// shortest round-trip form (0.1f → 0.1, not 0.10000000149011612).</summary>
public sealed class FiniteFloatConverter : JsonConverter<float>
{
    public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? float.NaN : reader.GetSingle();

    public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options) => Write(writer, value);

    internal static void Write(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }
}
