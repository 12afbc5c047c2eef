using System.Buffers.Binary;
using System.IO.Compression;

namespace Workbench.Plotting.Imaging;

/// <summary>A decoded PNG: interleaved 8-bit pixels (Height, Width, Channels).</summary>
public sealed record PngImage(byte[] Pixels, int Width, int Height, int Channels);

/// <summary>
/// Minimal PNG reader for the pictures this project writes and other 8-bit, non-interlaced grayscale,
/// RGB or RGBA files: checks every chunk's CRC-32, inflates the IDAT stream and undoes the five
/// scanline filters (PNG spec §9.2: None, Sub, Up, Average, Paeth). Used to relabel saved image grids
/// and, in tests, to read back what was drawn.
/// </summary>
public static class PngDecoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True when <paramref name="bytes"/> start with the 8-byte PNG signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> bytes) => bytes.Length >= 8 && bytes[..8].SequenceEqual(Signature);

    /// <exception cref="InvalidDataException">Not a PNG, a corrupt chunk, or a format outside 8-bit non-interlaced gray/RGB/RGBA.</exception>
    public static PngImage Decode(ReadOnlySpan<byte> png)
    {
        if (png.Length < 8 || !png[..8].SequenceEqual(Signature)) throw new InvalidDataException("Not a PNG file: the 8-byte signature is missing.");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        int offset = 8;
        while (true)
        {
            if (offset + 12 > png.Length) throw new InvalidDataException("PNG file ends before its IEND chunk.");
            int length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(png[offset..]));
            if (offset + 12 + length > png.Length) throw new InvalidDataException($"PNG chunk at byte {offset} runs past the end of the file.");
            var type = png.Slice(offset + 4, 4);
            var data = png.Slice(offset + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + length)..]);
            if (Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, type), data)) != crc)
                throw new InvalidDataException($"PNG chunk '{System.Text.Encoding.ASCII.GetString(type)}' at byte {offset} fails its CRC.");
            offset += 12 + length;
            if (type.SequenceEqual("IHDR"u8))
            {
                width = checked((int)BinaryPrimitives.ReadUInt32BigEndian(data));
                height = checked((int)BinaryPrimitives.ReadUInt32BigEndian(data[4..]));
                if (data[8] != 8 || data[12] != 0)
                    throw new InvalidDataException($"PNG with bit depth {data[8]} and interlace {data[12]}: only 8-bit, non-interlaced files are read.");
                channels = data[9] switch
                {
                    0 => 1,
                    2 => 3,
                    6 => 4,
                    var t => throw new InvalidDataException($"PNG colour type {t}: only grayscale (0), RGB (2) and RGBA (6) are read."),
                };
            }
            else if (type.SequenceEqual("IDAT"u8)) idat.Write(data);
            else if (type.SequenceEqual("IEND"u8)) break;
        }
        if (channels == 0) throw new InvalidDataException("PNG file has no IHDR chunk.");

        // The size IHDR claims is checked before it is allocated: deflate shrinks data at most about 1032-fold,
        // so a claim beyond that of the IDAT bytes the file holds cannot be true.
        long claimed = ((long)width * channels + 1) * height;
        if (width <= 0 || height <= 0 || claimed > Array.MaxLength || claimed > 1032 * idat.Length + 1024)
            throw new InvalidDataException(
                $"PNG header claims a {width}×{height} image ({claimed} bytes of scanlines) that {idat.Length} bytes of compressed data cannot hold.");
        int rowBytes = width * channels;
        var filtered = new byte[(rowBytes + 1) * height];
        idat.Position = 0;
        try
        {
            using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
            zlib.ReadExactly(filtered);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"PNG image data ends before the {width}×{height} image its header claims.");
        }
        var pixels = new byte[rowBytes * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = filtered[y * (rowBytes + 1)];
            var source = filtered.AsSpan(y * (rowBytes + 1) + 1, rowBytes);
            var row = pixels.AsSpan(y * rowBytes, rowBytes);
            Span<byte> above = y == 0 ? new byte[rowBytes] : pixels.AsSpan((y - 1) * rowBytes, rowBytes);
            for (int i = 0; i < rowBytes; i++)
            {
                int left = i >= channels ? row[i - channels] : 0, up = above[i], upLeft = i >= channels ? above[i - channels] : 0;
                int predicted = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"PNG row {y} has unknown filter type {filter}."),
                };
                row[i] = (byte)(source[i] + predicted);
            }
        }
        return new PngImage(pixels, width, height, channels);
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        int p = left + up - upLeft, pa = Math.Abs(p - left), pb = Math.Abs(p - up), pc = Math.Abs(p - upLeft);
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
    }
}
