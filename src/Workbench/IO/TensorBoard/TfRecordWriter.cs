using System.Buffers.Binary;

namespace Workbench.IO.TensorBoard;

/// <summary>
/// Writes TFRecord framing, the container of TensorBoard event files. Each record is, little-endian:
/// <c>uint64 length · uint32 masked CRC-32C of those 8 bytes · data · uint32 masked CRC-32C of data</c>.
/// </summary>
public sealed class TfRecordWriter(Stream stream) : IDisposable
{
    /// <summary>Bytes of framing around each record's data.</summary>
    public const int Overhead = 8 + 4 + 4;

    public void Write(ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    public void Flush() => stream.Flush();

    public void Dispose() => stream.Dispose();
}
