using System.Buffers.Binary;
using StbImageSharp;

namespace Workbench.Data.Files;

/// <summary>
/// One PNG image: its size and colour from the header (IHDR), and its pixels decoded by StbImageSharp (a pure C# port of
/// stb_image). 16-bit images are reduced to 8 bits; palette images become RGB; alpha is applied over black and dropped.
/// </summary>
internal static class PngFile
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Width, height and whether the image has colour (PNG colour types 2, 3 and 6), from the first 26 bytes.</summary>
    /// <exception cref="DataFileException">The file is not a PNG.</exception>
    public static (int Width, int Height, bool Colour) ReadHeader(string path)
    {
        Span<byte> head = stackalloc byte[26];
        int read;
        try
        {
            using var stream = File.OpenRead(path);
            read = NpyHeader.ReadUpTo(stream, head);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"cannot be read ({e.Message})", e);
        }
        if (read < 8 || !head[..8].SequenceEqual(Signature))
            throw new DataFileException(path, $"not a PNG image: it does not start with the PNG signature{Guess(head[..read])}");
        if (read < 26 || !head[12..16].SequenceEqual("IHDR"u8))
            throw new DataFileException(path, "a broken PNG: the header chunk (IHDR) is missing or cut short");
        int width = BinaryPrimitives.ReadInt32BigEndian(head[16..20]), height = BinaryPrimitives.ReadInt32BigEndian(head[20..24]);
        if (width is <= 0 or > 65535 || height is <= 0 or > 65535)
            throw new DataFileException(path, $"a broken PNG: its header says {width}×{height} pixels");
        return (width, height, head[25] is 2 or 3 or 6);
    }

    /// <summary>What the bytes look like instead, when it is a common format.</summary>
    private static string Guess(ReadOnlySpan<byte> head) =>
        head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF ? " (it is a JPEG)"
        : head.Length >= 4 && head[..4].SequenceEqual("GIF8"u8) ? " (it is a GIF)"
        : head.Length >= 2 && head[..2].SequenceEqual("BM"u8) ? " (it is a BMP)"
        : head.Length == 0 ? " (it is empty)" : "";

    /// <summary>
    /// Decodes the PNG at <paramref name="path"/> into <paramref name="output"/> as <paramref name="channels"/> (1 or 3) planes of
    /// <paramref name="height"/>×<paramref name="width"/> bytes, (C, H, W) order, alpha applied over black.
    /// </summary>
    public static void Decode(string path, int channels, int height, int width, Span<byte> output)
    {
        ImageResult image;
        try
        {
            var bytes = File.ReadAllBytes(path);
            image = ImageResult.FromMemory(bytes, channels == 1 ? ColorComponents.GreyAlpha : ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"cannot be read ({e.Message})", e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DataFileException(path, $"a broken PNG: it cannot be decoded ({e.Message})", e);
        }
        if (image.Width != width || image.Height != height)
            throw new DataFileException(path, $"decodes to {image.Width}×{image.Height} pixels though its header says {width}×{height}");
        var layout = new ImageLayout(1, channels + 1, height, width, ChannelsLast: true);
        layout.ToChw(image.Data, output);
    }
}
