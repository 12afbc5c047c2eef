using Workbench.Plotting.Imaging;

namespace Workbench.Tests.Plotting;

public class PngEncoderTests
{
    private static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Compute_CheckString_MatchesCrc32CheckValue()
    {
        // The standard CRC-32 check value (CRC catalogue, "CRC-32/ISO-HDLC").
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Theory]
    [InlineData(PngColorType.Grayscale, 1, 1)]
    [InlineData(PngColorType.Grayscale, 7, 5)]
    [InlineData(PngColorType.Rgb, 13, 4)]
    [InlineData(PngColorType.Rgba, 3, 9)]
    [InlineData(PngColorType.Rgb, 300, 2)]
    public void Encode_RandomPixels_DecodeToSamePixels(PngColorType colorType, int width, int height)
    {
        int channels = PngEncoder.Channels(colorType);
        var pixels = RandomBytes(seed: 17 + width, width * height * channels);

        var png = PngReader.Decode(PngEncoder.Encode(pixels, width, height, colorType));

        Assert.Equal(width, png.Width);
        Assert.Equal(height, png.Height);
        Assert.Equal((int)colorType, png.ColorType);
        Assert.Equal(pixels, png.Pixels);
        Assert.Equal(["IHDR", "IDAT", "IEND"], png.ChunkTypes);
    }

    [Fact]
    public void Encode_CorruptedByte_FailsCrcCheck()
    {
        var file = PngEncoder.Encode(RandomBytes(3, 4 * 4), 4, 4, PngColorType.Grayscale);
        file[8 + 8 + 2] ^= 1; // inside IHDR's width field

        var e = Assert.Throws<InvalidDataException>(() => PngReader.Decode(file));
        Assert.Contains("CRC mismatch in IHDR", e.Message);
    }

    [Fact]
    public void Encode_WrongPixelCount_ThrowsNamingSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => PngEncoder.Encode(new byte[10], 2, 2, PngColorType.Rgb));
        Assert.Contains("needs 12 bytes, got 10", e.Message);
    }

    [Fact]
    public void Save_WritesDecodablePng()
    {
        var path = Path.Combine(Path.GetTempPath(), $"workbench-png-{Guid.NewGuid():N}", "gray.png");
        try
        {
            PngEncoder.Save(path, new byte[] { 0, 64, 128, 255 }, 2, 2, PngColorType.Grayscale);
            Assert.Equal(new byte[] { 0, 64, 128, 255 }, PngReader.Decode(File.ReadAllBytes(path)).Pixels);
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
