using System.Text.Json;
using Workbench.Plotting;
using Workbench.Plotting.Imaging;

namespace Workbench.Tests.Plotting;

public class ImageGridTests
{
    // Three 2×2 grayscale images with distinct values: image i pixel (x, y) = (i·4 + y·2 + x) / 255·20.
    private static float[][] ThreeImages() =>
        Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 4).Select(p => (i * 4 + p) * 20 / 255f).ToArray()).ToArray();

    private static byte Expected(int image, int x, int y) => (byte)((image * 4 + y * 2 + x) * 20);

    [Fact]
    public void Compose_ScaledWithPadding_PlacesEveryPixel()
    {
        var grid = ImageGrid.Compose(ThreeImages(), height: 2, width: 2, columns: 2, padding: 1, scale: 2, background: 1f);

        // 2 columns of 4 px + 3 gaps of 1 px; 2 rows likewise.
        Assert.Equal(11, grid.Width);
        Assert.Equal(11, grid.Height);
        Assert.Equal((1, 1), grid.CellOrigin(0));
        Assert.Equal((6, 1), grid.CellOrigin(1));
        Assert.Equal((1, 6), grid.CellOrigin(2));
        for (int y = 0; y < grid.Height; y++)
        {
            for (int x = 0; x < grid.Width; x++)
            {
                byte expected = 255; // padding and the empty fourth cell
                for (int i = 0; i < 3; i++)
                {
                    var (x0, y0) = grid.CellOrigin(i);
                    if (x >= x0 && x < x0 + 4 && y >= y0 && y < y0 + 4) expected = Expected(i, (x - x0) / 2, (y - y0) / 2);
                }
                Assert.True(expected == grid.Pixels[y * grid.Width + x], $"pixel ({x}, {y}): expected {expected}, got {grid.Pixels[y * grid.Width + x]}");
            }
        }
    }

    [Fact]
    public void Compose_PlanarRgb_InterleavesChannels()
    {
        // One 1×2 RGB image, planar (C, H, W): R = [1, 0], G = [0, 0.5], B = [0.2, 1].
        var image = new float[] { 1, 0, 0, 0.5f, 0.2f, 1 };

        var grid = ImageGrid.Compose([image], height: 1, width: 2, channels: 3, padding: 0);

        Assert.Equal(2, grid.Width);
        Assert.Equal(1, grid.Height);
        Assert.Equal(new byte[] { 255, 0, 51, 0, 128, 255 }, grid.Pixels);
    }

    [Fact]
    public void Compose_OutOfRangeValues_AreClamped()
    {
        var grid = ImageGrid.Compose([new[] { -0.5f, 1.5f, float.NaN }], height: 1, width: 3, padding: 0);
        Assert.Equal(new byte[] { 0, 255, 0 }, grid.Pixels);
    }

    [Fact]
    public void FromBatch_SameAsComposeOfSlices()
    {
        var images = ThreeImages();
        var batch = images.SelectMany(i => i).ToArray();

        var fromBatch = ImageGrid.FromBatch(batch, 3, channels: 1, height: 2, width: 2, columns: 3);
        var composed = ImageGrid.Compose(images, 2, 2, columns: 3);

        Assert.Equal(composed.Pixels, fromBatch.Pixels);
    }

    [Fact]
    public void Compose_WrongImageLength_ThrowsNamingImage()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageGrid.Compose([new float[4], new float[3]], 2, 2));
        Assert.Contains("Image 1 has 3 values", e.Message);
    }

    [Fact]
    public void ToPng_DecodesToGridPixels()
    {
        var grid = ImageGrid.Compose(ThreeImages(), 2, 2, columns: 2, padding: 1, scale: 3);

        var png = PngReader.Decode(grid.ToPng());

        Assert.Equal(grid.Width, png.Width);
        Assert.Equal(grid.Height, png.Height);
        Assert.Equal(0, png.ColorType);
        Assert.Equal(grid.Pixels, png.Pixels);
    }

    [Fact]
    public void ToHtmlAndImageTrace_EmbedThePngAsDataUri()
    {
        var grid = ImageGrid.Compose(ThreeImages(), 2, 2, columns: 2, padding: 1);
        const string prefix = "data:image/png;base64,";

        var uri = grid.ToDataUri();
        var html = grid.ToHtml("samples");
        var trace = JsonDocument.Parse(new Figure(grid.ToImageTrace()).DataJson()).RootElement[0];

        Assert.StartsWith(prefix, uri);
        Assert.Equal(grid.Pixels, PngReader.Decode(Convert.FromBase64String(uri[prefix.Length..])).Pixels);
        Assert.Equal($"<img src=\"{uri}\" width=\"{grid.Width}\" height=\"{grid.Height}\" style=\"image-rendering: pixelated;\" alt=\"samples\">", html);
        Assert.Equal("image", trace.GetProperty("type").GetString());
        Assert.Equal(uri, trace.GetProperty("source").GetString());
    }
}
