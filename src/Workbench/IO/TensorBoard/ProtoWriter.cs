using System.Buffers.Binary;
using System.Text;

namespace Workbench.IO.TensorBoard;

/// <summary>
/// The few pieces of the protocol-buffer wire format that TensorBoard's messages need: varints,
/// 64-bit and 32-bit fixed fields and length-delimited fields (strings, bytes, nested messages).
/// Fields are written in the order called; proto3 defaults (0, "", empty) are skipped, as proto3 does.
/// </summary>
public sealed class ProtoWriter
{
    private const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;
    private readonly MemoryStream _buffer = new();

    public byte[] ToArray() => _buffer.ToArray();

    public ProtoWriter Int64(int field, long value)
    {
        if (value == 0) return this;
        Tag(field, Varint);
        WriteVarint((ulong)value); // negative values take ten bytes, as in proto3
        return this;
    }

    public ProtoWriter Enum(int field, int value) => Int64(field, value);

    /// <param name="always">Write false too: a member of a oneof is present even at its default.</param>
    public ProtoWriter Bool(int field, bool value, bool always = false)
    {
        if (!always && !value) return this;
        Tag(field, Varint);
        WriteVarint(value ? 1UL : 0UL);
        return this;
    }

    /// <param name="always">Write a zero too: a member of a oneof is present even at its default.</param>
    public ProtoWriter Double(int field, double value, bool always = false)
    {
        if (!always && value == 0 && !double.IsNegative(value)) return this;
        Tag(field, Fixed64);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    /// <param name="always">Write a zero too: a member of a oneof is present even at its default.</param>
    public ProtoWriter Float(int field, float value, bool always = false)
    {
        if (!always && value == 0 && !float.IsNegative(value)) return this;
        Tag(field, Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    /// <param name="always">Write "" too: a member of a oneof is present even at its default.</param>
    public ProtoWriter String(int field, string value, bool always = false) =>
        !always && value.Length == 0 ? this : Embedded(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        if (value.Length == 0) return this;
        return Embedded(field, value);
    }

    /// <summary>A nested message, written even when empty (its presence can matter, e.g. a oneof case).</summary>
    public ProtoWriter Message(int field, ProtoWriter message) => Embedded(field, message.ToArray());

    private ProtoWriter Embedded(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }
}
