using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Workbench.Tensors;

namespace Workbench.IO;

/// <summary>The contents of a safetensors file: its tensors by name and its string metadata.</summary>
public sealed class SafeTensorsFile
{
    /// <summary>Largest header accepted, as in the reference implementation (100 MB).</summary>
    private const long MaxHeaderLength = 100_000_000;

    private SafeTensorsFile(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The file the tensors were read from.</summary>
    public string Path { get; }

    /// <summary>The tensors by name, in the order they are stored in the file.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> map (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private sealed record Entry(string Name, int[] Shape, long Begin, long End);

    internal static SafeTensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw Invalid(path, $"the file is {fileLength} bytes long, shorter than the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(fileLength - 8))
            throw Invalid(path, $"the header length {headerLength} runs past the end of the file ({fileLength} bytes)");
        if (headerLength > MaxHeaderLength)
            throw Invalid(path, $"the header length {headerLength} exceeds the {MaxHeaderLength}-byte limit");

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long bufferLength = fileLength - 8 - (long)headerLength;
        var (entries, metadata) = ParseHeader(path, header);
        CheckLayout(path, entries, bufferLength);

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            // Owned storage: loaded tensors must not vanish with an enclosing TensorScope.
            var tensor = new Tensor(entry.Shape, new float[(entry.End - entry.Begin) / SafeTensors.ElementSize], null) { Name = entry.Name };
            try { stream.ReadExactly(MemoryMarshal.AsBytes(tensor.Span)); }
            catch (EndOfStreamException) { throw Invalid(path, $"the data of tensor '{entry.Name}' is truncated"); }
            if (!BitConverter.IsLittleEndian)
            {
                var span = tensor.Span;
                for (int i = 0; i < span.Length; i++)
                    span[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(span[i])));
            }
            tensors.Add(entry.Name, tensor);
        }
        return new SafeTensorsFile(path, tensors, metadata);
    }

    /// <summary>Parses and checks the JSON header; entries come back sorted by their data offset.</summary>
    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(string path, byte[] header)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(header); }
        catch (JsonException e) { throw Invalid(path, $"the header is not valid JSON ({e.Message})"); }
        using var _ = document;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw Invalid(path, $"the header is a JSON {root.ValueKind}, not an object");

        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            string name = property.Name;
            if (!names.Add(name)) throw Invalid(path, $"the header names '{name}' more than once");
            var value = property.Value;
            if (name == SafeTensors.MetadataKey)
            {
                if (value.ValueKind != JsonValueKind.Object) throw Invalid(path, "'__metadata__' is not a JSON object");
                foreach (var item in value.EnumerateObject())
                {
                    if (item.Value.ValueKind != JsonValueKind.String)
                        throw Invalid(path, $"metadata value '{item.Name}' is a JSON {item.Value.ValueKind}, not a string");
                    metadata[item.Name] = item.Value.GetString()!;
                }
                continue;
            }
            entries.Add(ParseEntry(path, name, value));
        }
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        return (entries, metadata);
    }

    private static Entry ParseEntry(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Invalid(path, $"the header entry for tensor '{name}' is not a JSON object");
        if (!value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw Invalid(path, $"tensor '{name}' has no string 'dtype'");
        if (dtype.GetString() != "F32")
            throw Invalid(path, $"tensor '{name}' has dtype {dtype.GetString()}; only F32 tensors can be loaded");

        if (!value.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array)
            throw Invalid(path, $"tensor '{name}' has no 'shape' array");
        var shape = new int[shapeJson.GetArrayLength()];
        long elements = 1;
        int axis = 0;
        foreach (var d in shapeJson.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int size) || size < 0)
                throw Invalid(path, $"tensor '{name}' has an invalid shape {shapeJson.GetRawText()}");
            shape[axis++] = size;
            elements *= size;
            if (elements > int.MaxValue) throw Invalid(path, $"tensor '{name}' has shape {shapeJson.GetRawText()}, more than {int.MaxValue} elements");
        }

        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !TryGetOffset(offsets[0], out long begin) || !TryGetOffset(offsets[1], out long end) || begin > end)
        {
            string text = value.TryGetProperty("data_offsets", out var raw) ? raw.GetRawText() : "missing";
            throw Invalid(path, $"tensor '{name}' has data_offsets {text} out of range (expected [begin, end] with 0 <= begin <= end)");
        }
        if (elements * SafeTensors.ElementSize != end - begin)
            throw Invalid(path, $"tensor '{name}' has shape {Tensor.ShapeText(shape)} ({elements} F32 values, {elements * SafeTensors.ElementSize} bytes) but data_offsets [{begin}, {end}] span {end - begin} bytes");
        return new Entry(name, shape, begin, end);
    }

    private static bool TryGetOffset(JsonElement element, out long offset)
    {
        offset = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out offset) && offset >= 0;
    }

    /// <summary>Checks that the tensors tile the data buffer exactly: no gaps, no overlaps, nothing missing.</summary>
    private static void CheckLayout(string path, List<Entry> entries, long bufferLength)
    {
        long expectedBegin = 0;
        Entry? previous = null;
        foreach (var entry in entries)
        {
            if (entry.Begin < expectedBegin)
                throw Invalid(path, $"tensor '{entry.Name}' [{entry.Begin}, {entry.End}) overlaps tensor '{previous!.Name}' [{previous.Begin}, {previous.End})");
            if (entry.Begin > expectedBegin)
                throw Invalid(path, $"data bytes [{expectedBegin}, {entry.Begin}) before tensor '{entry.Name}' are not covered by any tensor");
            expectedBegin = entry.End;
            previous = entry;
        }
        if (expectedBegin > bufferLength)
            throw Invalid(path, $"the data is truncated: the header describes {expectedBegin} bytes of tensor data but only {bufferLength} follow the header");
        if (expectedBegin < bufferLength)
            throw Invalid(path, $"data bytes [{expectedBegin}, {bufferLength}) after the last tensor are not covered by any tensor");
    }

    private static InvalidDataException Invalid(string path, string problem) =>
        new($"'{path}' is not a valid safetensors file: {problem}.");
}
