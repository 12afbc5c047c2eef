using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Workbench.Tensors;

namespace Workbench.IO;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian u64 header length N,
/// N bytes of UTF-8 JSON mapping each tensor name to <c>{"dtype","shape","data_offsets":[begin,end]}</c>
/// (offsets relative to the data buffer) plus an optional <c>"__metadata__"</c> string→string map,
/// padded with spaces to a multiple of 8, then the raw little-endian tensor bytes.
/// </summary>
/// <remarks>Files are written atomically, float32 only, tensors laid out in the buffer sorted by name
/// as the reference implementation does, so the same contents always give the same bytes.</remarks>
public static class SafeTensors
{
    internal const string MetadataKey = "__metadata__";

    /// <summary>Bytes per element of the one dtype stored (F32).</summary>
    internal const int ElementSize = sizeof(float);

    /// <summary>Writes <paramref name="tensors"/> (and optional string metadata) to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = new List<KeyValuePair<string, Tensor>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in tensors)
        {
            if (string.IsNullOrEmpty(entry.Key)) throw new ArgumentException("A tensor name is null or empty.", nameof(tensors));
            if (entry.Key == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(tensors));
            if (entry.Value is null) throw new ArgumentException($"Tensor '{entry.Key}' is null.", nameof(tensors));
            if (!names.Add(entry.Key)) throw new ArgumentException($"Tensor name '{entry.Key}' appears more than once.", nameof(tensors));
            entries.Add(entry);
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        byte[] header = BuildHeader(entries, metadata);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var (_, tensor) in entries) WriteLittleEndian(stream, tensor.Span);
        });
    }

    /// <summary>
    /// Reads a safetensors file of F32 tensors. The tensors own their storage (they outlive any
    /// <see cref="TensorScope"/>). Throws <see cref="InvalidDataException"/> naming the file and the
    /// problem when the file is malformed or holds another dtype.
    /// </summary>
    public static SafeTensorsFile Load(string path) => SafeTensorsFile.Read(path);

    /// <summary>The JSON header, padded with spaces to a multiple of 8 bytes.</summary>
    private static byte[] BuildHeader(List<KeyValuePair<string, Tensor>> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping writes quotes as \" and leaves non-ASCII text readable, as other writers do.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata)
                {
                    if (key is null || value is null) throw new ArgumentException("Metadata keys and values must not be null.", nameof(metadata));
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in entries)
            {
                long end = offset + (long)tensor.Size * ElementSize;
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<byte> bytes = stackalloc byte[ElementSize];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes, v);
            stream.Write(bytes);
        }
    }
}
