using System.Buffers.Binary;
using System.IO.Compression;

namespace Workbench.Plotting.Imaging;

/// <summary>8-bit PNG colour types this encoder writes (PNG spec §11.2.2 IHDR colour type).</summary>
public enum PngColorType : byte
{
    Grayscale = 0,
    Rgb = 2,
    Rgba = 6,
}

/// <summary>
/// Minimal PNG writer: signature, IHDR, one IDAT holding the zlib stream of all scanlines (each
/// prefixed by filter type 0, "None"), IEND; every chunk carries its CRC-32 over type and data.
/// Non-interlaced, 8 bits per channel. Unfiltered rows compress a little worse than adaptive
/// filtering, which does not matter for figures and sample grids.
/// </summary>
public static class PngEncoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Channels per pixel of a colour type: 1, 3 or 4.</summary>
    public static int Channels(PngColorType colorType) => colorType switch
    {
        PngColorType.Grayscale => 1,
        PngColorType.Rgb => 3,
        PngColorType.Rgba => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(colorType), colorType, "Unsupported PNG colour type."),
    };

    /// <summary>Encodes row-major interleaved pixels (height, width, channels) as a PNG file.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, PngColorType colorType)
    {
        int channels = Channels(colorType);
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"PNG size must be at least 1×1, got {width}×{height}.");
        long expected = (long)width * height * channels;
        if (pixels.Length != expected)
            throw new ArgumentException($"A {width}×{height} {colorType} image needs {expected} bytes, got {pixels.Length}.", nameof(pixels));

        using var file = new MemoryStream();
        file.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)height);
        header[8] = 8;                 // bit depth
        header[9] = (byte)colorType;
        header[10] = 0;                // compression: deflate
        header[11] = 0;                // filter method 0
        header[12] = 0;                // no interlace
        WriteChunk(file, "IHDR"u8, header);

        WriteChunk(file, "IDAT"u8, Deflate(pixels, width * channels, height));
        WriteChunk(file, "IEND"u8, []);
        return file.ToArray();
    }

    /// <summary>Encodes and writes the PNG atomically.</summary>
    public static void Save(string path, ReadOnlySpan<byte> pixels, int width, int height, PngColorType colorType) =>
        Workbench.IO.AtomicFile.WriteAllBytes(path, Encode(pixels, width, height, colorType));

    /// <summary>"data:image/png;base64,…" for a PNG file's bytes.</summary>
    public static string ToDataUri(ReadOnlySpan<byte> png) => "data:image/png;base64," + Convert.ToBase64String(png);

    private static byte[] Deflate(ReadOnlySpan<byte> pixels, int rowBytes, int height)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            ReadOnlySpan<byte> filterNone = [0];
            for (int y = 0; y < height; y++)
            {
                zlib.Write(filterNone);
                zlib.Write(pixels.Slice(y * rowBytes, rowBytes));
            }
        }
        return compressed.ToArray();
    }

    private static void WriteChunk(Stream file, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        file.Write(word);
        file.Write(type);
        file.Write(data);
        uint crc = Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, type), data));
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        file.Write(word);
    }
}
