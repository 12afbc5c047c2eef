using Workbench.Plotting.Imaging;
using Workbench.Tests.Support;

namespace Workbench.Tests.Plotting;

/// <summary>The library's PNG reader against the tests' own independent one.</summary>
public class PngDecoderTests
{
    [Fact]
    public void Decode_ChromiumPngWithFilteredRows_EqualsIndependentReader()
    {
        // Chromium writes RGBA with adaptive filters (Sub, Up, Average, Paeth), unlike our encoder.
        var bytes = File.ReadAllBytes(Path.Combine(Repository.Root(), "results", "cvae", "default", "figures", "elbo-components.png"));
        var expected = PngReader.Decode(bytes);

        var actual = PngDecoder.Decode(bytes);

        Assert.Equal((expected.Width, expected.Height, expected.Channels), (actual.Width, actual.Height, actual.Channels));
        Assert.Equal(expected.Pixels, actual.Pixels);
    }

    [Fact]
    public void Decode_EncodedGray_RoundTrips()
    {
        var pixels = Enumerable.Range(0, 7 * 5).Select(i => (byte)(i * 7)).ToArray();
        var decoded = PngDecoder.Decode(PngEncoder.Encode(pixels, 7, 5, PngColorType.Grayscale));
        Assert.Equal((7, 5, 1), (decoded.Width, decoded.Height, decoded.Channels));
        Assert.Equal(pixels, decoded.Pixels);
    }

    [Fact]
    public void Decode_CorruptChunk_NamesTheChunk()
    {
        var png = PngEncoder.Encode(new byte[16], 4, 4, PngColorType.Grayscale);
        png[44] ^= 0xFF; // inside IDAT's data (signature 8, IHDR 25, IDAT header 8 bytes)
        Assert.Contains("IDAT", Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(png)).Message);
        Assert.Throws<InvalidDataException>(() => PngDecoder.Decode("not a png"u8));
    }
}
