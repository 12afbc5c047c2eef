using System.Buffers.Binary;
using System.Text;
using Workbench.IO.TensorBoard;

namespace Workbench.Tests.IO.TensorBoard;

/// <summary>
/// Reads TFRecord files back independently of the writer: each record's length, the masked CRC-32C of
/// the length and of the data are checked, and the data is decoded as raw protocol-buffer fields.
/// </summary>
internal static class EventFileReader
{
    public static List<WireMessage> ReadAll(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var records = new List<WireMessage>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < 12) throw new InvalidDataException($"record at {offset}: truncated header");
            var header = bytes.AsSpan(offset, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8, 4));
            if (lengthCrc != Crc32C.Masked(header)) throw new InvalidDataException($"record at {offset}: length CRC mismatch");
            if ((ulong)(bytes.Length - offset - 16) < length) throw new InvalidDataException($"record at {offset}: truncated data");
            var data = bytes.AsSpan(offset + 12, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 12 + (int)length, 4));
            if (dataCrc != Crc32C.Masked(data)) throw new InvalidDataException($"record at {offset}: data CRC mismatch");
            records.Add(WireMessage.Parse(data.ToArray()));
            offset += 16 + (int)length;
        }
        return records;
    }
}

/// <summary>One field as it appears on the wire: its number, wire type and raw value.</summary>
internal readonly record struct WireField(int Number, int WireType, ulong Scalar, byte[] Bytes)
{
    public double Double => BitConverter.Int64BitsToDouble((long)Scalar);
    public float Float => BitConverter.Int32BitsToSingle((int)(uint)Scalar);
    public string String => Encoding.UTF8.GetString(Bytes);
    public WireMessage Message => WireMessage.Parse(Bytes);
}

/// <summary>A protocol-buffer message decoded without a schema: its fields in order.</summary>
internal sealed class WireMessage(List<WireField> fields)
{
    public IReadOnlyList<WireField> Fields => fields;

    public IEnumerable<WireField> All(int number) => fields.Where(f => f.Number == number);

    /// <summary>The single field <paramref name="number"/> with wire type <paramref name="wireType"/>.</summary>
    public WireField One(int number, int wireType)
    {
        var matches = All(number).ToList();
        Assert.True(matches.Count == 1, $"expected one field {number}, found {matches.Count}");
        Assert.Equal(wireType, matches[0].WireType);
        return matches[0];
    }

    public bool Has(int number) => fields.Any(f => f.Number == number);

    public static WireMessage Parse(byte[] data)
    {
        var fields = new List<WireField>();
        int position = 0;
        while (position < data.Length)
        {
            ulong key = ReadVarint(data, ref position);
            int number = (int)(key >> 3), wireType = (int)(key & 7);
            if (number == 0) throw new InvalidDataException("field number 0");
            switch (wireType)
            {
                case 0: fields.Add(new WireField(number, 0, ReadVarint(data, ref position), [])); break;
                case 1: fields.Add(new WireField(number, 1, BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(position, 8)), [])); position += 8; break;
                case 5: fields.Add(new WireField(number, 5, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(position, 4)), [])); position += 4; break;
                case 2:
                    int length = checked((int)ReadVarint(data, ref position));
                    if (position + length > data.Length) throw new InvalidDataException("length-delimited field runs past the end");
                    fields.Add(new WireField(number, 2, 0, data.AsSpan(position, length).ToArray()));
                    position += length;
                    break;
                default: throw new InvalidDataException($"wire type {wireType} of field {number}");
            }
        }
        return new WireMessage(fields);
    }

    private static ulong ReadVarint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("varint longer than ten bytes");
    }
}
