using System.Buffers.Binary;
using System.IO.Compression;

namespace Workbench.Tests.Plotting;

/// <summary>
/// A small PNG decoder written independently of the encoder under test: parses chunks, checks each
/// CRC with a bit-by-bit CRC-32 (no table), inflates the IDAT stream and undoes all five scanline
/// filters, for 8-bit grayscale, RGB and RGBA, non-interlaced.
/// </summary>
internal sealed record DecodedPng(int Width, int Height, int ColorType, byte[] Pixels, IReadOnlyList<string> ChunkTypes)
{
    public int Channels => ColorType switch { 0 => 1, 2 => 3, 6 => 4, _ => throw new InvalidDataException($"colour type {ColorType}") };

    public ReadOnlySpan<byte> Pixel(int x, int y) => Pixels.AsSpan((y * Width + x) * Channels, Channels);
}

internal static class PngReader
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static DecodedPng Decode(byte[] file)
    {
        if (!file.AsSpan(0, 8).SequenceEqual(Signature)) throw new InvalidDataException("bad PNG signature");
        int position = 8, width = 0, height = 0, colorType = -1;
        var types = new List<string>();
        using var idat = new MemoryStream();
        while (position < file.Length)
        {
            int length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(position)));
            var type = System.Text.Encoding.ASCII.GetString(file, position + 4, 4);
            var data = file.AsSpan(position + 8, length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(position + 8 + length));
            uint actual = BitwiseCrc(file.AsSpan(position + 4, 4 + length));
            if (stored != actual) throw new InvalidDataException($"CRC mismatch in {type}: stored {stored:X8}, computed {actual:X8}");
            types.Add(type);
            if (type == "IHDR")
            {
                width = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
                height = (int)BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                if (data[8] != 8) throw new InvalidDataException($"bit depth {data[8]}");
                colorType = data[9];
                if (data[12] != 0) throw new InvalidDataException("interlaced");
            }
            else if (type == "IDAT") idat.Write(data);
            position += 12 + length;
            if (type == "IEND") break;
        }
        if (position != file.Length) throw new InvalidDataException("bytes after IEND");

        int channels = colorType switch { 0 => 1, 2 => 3, 6 => 4, _ => throw new InvalidDataException($"colour type {colorType}") };
        int stride = width * channels;
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress)) zlib.CopyTo(inflated);
        var raw = inflated.ToArray();
        if (raw.Length != height * (stride + 1)) throw new InvalidDataException($"inflated {raw.Length} bytes, expected {height * (stride + 1)}");

        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            for (int i = 0; i < stride; i++)
            {
                int x = raw[y * (stride + 1) + 1 + i];
                int a = i >= channels ? pixels[y * stride + i - channels] : 0;
                int b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
                int c = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels] : 0;
                int predicted = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"filter {filter}"),
                };
                pixels[y * stride + i] = (byte)(x + predicted);
            }
        }
        return new DecodedPng(width, height, colorType, pixels, types);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static uint BitwiseCrc(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var value in bytes)
        {
            crc ^= value;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
