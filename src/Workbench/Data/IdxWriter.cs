using System.Buffers.Binary;
using System.IO.Compression;

namespace Workbench.Data;

/// <summary>Writes unsigned-byte IDX files (the inverse of <see cref="IdxReader"/>), raw or gzip-compressed.</summary>
public static class IdxWriter
{
    /// <summary>Writes the header for <paramref name="dimensions"/> and then <paramref name="data"/> to <paramref name="destination"/>.</summary>
    public static void Write(Stream destination, ReadOnlySpan<int> dimensions, ReadOnlySpan<byte> data)
    {
        if (dimensions.Length is 0 or > 255)
            throw new ArgumentException($"An IDX array has 1 to 255 dimensions, got {dimensions.Length}.", nameof(dimensions));
        long size = 1;
        foreach (int d in dimensions)
        {
            if (d <= 0) throw new ArgumentException($"IDX dimension sizes must be positive, got {d}.", nameof(dimensions));
            size *= d;
        }
        if (size != data.Length)
            throw new ArgumentException($"Dimensions {string.Join("×", dimensions.ToArray())} need {size} bytes, got {data.Length}.", nameof(data));

        Span<byte> header = stackalloc byte[4 + 4 * dimensions.Length];
        header[0] = 0;
        header[1] = 0;
        header[2] = IdxReader.UnsignedByteType;
        header[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header[(4 + 4 * i)..], dimensions[i]);
        destination.Write(header);
        destination.Write(data);
    }

    /// <summary>
    /// Writes an IDX file atomically; with <paramref name="gzip"/> the bytes are gzip-compressed
    /// (at the smallest-size level, so re-running on the same input gives the same file).
    /// </summary>
    public static void WriteFile(string path, ReadOnlySpan<int> dimensions, ReadOnlySpan<byte> data, bool gzip)
    {
        // The delegate below cannot capture spans: copy them once.
        int[] dims = dimensions.ToArray();
        byte[] bytes = data.ToArray();
        Workbench.IO.AtomicFile.Write(path, stream =>
        {
            if (!gzip)
            {
                Write(stream, dims, bytes);
                return;
            }
            using var compressed = new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
            Write(compressed, dims, bytes);
        });
    }
}
