using System.Text.Json;
using System.Text.Json.Serialization;
using Workbench.Plotting.Json;

namespace Workbench.Plotting;

/// <summary>
/// One data column of a trace (plotly's <c>x</c>, <c>y</c>, a row of <c>z</c>, …): either numbers
/// (double or float, kept as given so floats serialize in their short form) or strings (categories).
/// Arrays convert implicitly, so <c>new Scatter { X = epochs, Y = losses }</c> just works.
/// Non-finite numbers are written as <c>null</c>.
/// </summary>
[JsonConverter(typeof(DataArrayConverter))]
public sealed class DataArray
{
    private readonly double[]? doubles;
    private readonly float[]? floats;
    private readonly string[]? strings;

    private DataArray(double[]? doubles, float[]? floats, string[]? strings)
    {
        this.doubles = doubles;
        this.floats = floats;
        this.strings = strings;
    }

    /// <summary>Number of entries.</summary>
    public int Count => doubles?.Length ?? floats?.Length ?? strings!.Length;

    /// <summary>True when the entries are category labels rather than numbers.</summary>
    public bool IsText => strings is not null;

    /// <summary>Entry <paramref name="index"/> as a double (NaN for text entries).</summary>
    public double NumberAt(int index) =>
        doubles is not null ? doubles[index] : floats is not null ? floats[index] : double.NaN;

    public static DataArray Of(IEnumerable<double> values) => new(values.ToArray(), null, null);
    public static DataArray Of(IEnumerable<float> values) => new(null, values.ToArray(), null);
    public static DataArray Of(IEnumerable<int> values) => new(values.Select(v => (double)v).ToArray(), null, null);
    public static DataArray Of(IEnumerable<string> values) => new(null, null, values.ToArray());

    public static implicit operator DataArray(double[] values) => Of(values);
    public static implicit operator DataArray(float[] values) => Of(values);
    public static implicit operator DataArray(int[] values) => Of(values);
    public static implicit operator DataArray(string[] values) => Of(values);
    public static implicit operator DataArray(List<double> values) => Of(values);
    public static implicit operator DataArray(List<float> values) => Of(values);
    public static implicit operator DataArray(List<int> values) => Of(values);
    public static implicit operator DataArray(List<string> values) => Of(values);

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        if (doubles is not null) foreach (var v in doubles) FiniteDoubleConverter.Write(writer, v);
        else if (floats is not null) foreach (var v in floats) FiniteFloatConverter.Write(writer, v);
        else foreach (var s in strings!) writer.WriteStringValue(s);
        writer.WriteEndArray();
    }

    private sealed class DataArrayConverter : JsonConverter<DataArray>
    {
        public override DataArray Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("DataArray is write-only: figures are built in C# and serialized for plotly.js.");

        public override void Write(Utf8JsonWriter writer, DataArray value, JsonSerializerOptions options) => value.WriteTo(writer);
    }
}
