using System.Buffers.Binary;
using System.Text;

namespace Workbench.Interchange.Onnx;

/// <summary>
/// The protocol-buffers wire format, as much of it as an ONNX file needs: varint, 32-bit and length-delimited
/// fields written by field number (protobuf.dev, "Encoding"). A nested message is written into its own writer
/// first, so its length is known when its tag is written.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int VarintWire = 0, LengthDelimitedWire = 2, Fixed32Wire = 5;

    private readonly MemoryStream _bytes = new();

    /// <summary>The message written so far.</summary>
    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>An int64, int32 or enum field (two's complement varint: negative values take ten bytes, as protobuf writes them).</summary>
    public ProtobufWriter Int64(int field, long value)
    {
        Tag(field, VarintWire);
        Varint(unchecked((ulong)value));
        return this;
    }

    /// <summary>Each value as its own field of the same number (a repeated int64 that is not declared packed).</summary>
    public ProtobufWriter Int64s(int field, IEnumerable<long> values)
    {
        foreach (long value in values) Int64(field, value);
        return this;
    }

    /// <summary>A float field (fixed 32 bits, little-endian).</summary>
    public ProtobufWriter Float(int field, float value)
    {
        Tag(field, Fixed32Wire);
        Span<byte> bits = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bits, value);
        _bytes.Write(bits);
        return this;
    }

    /// <summary>A string field, UTF-8.</summary>
    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimitedWire);
        Varint((ulong)value.Length);
        _bytes.Write(value);
        return this;
    }

    /// <summary>A nested message field: whatever <paramref name="write"/> writes, length-prefixed.</summary>
    public ProtobufWriter Message(int field, Action<ProtobufWriter> write)
    {
        var nested = new ProtobufWriter();
        write(nested);
        return Bytes(field, nested._bytes.GetBuffer().AsSpan(0, (int)nested._bytes.Length));
    }

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.WriteByte((byte)value);
    }
}
