using Workbench.Data;
using Workbench.Experiments.Figures;
using Workbench.Models;
using Workbench.Notebooks;
using Workbench.Plotting.Imaging;
using Workbench.Tensors;

namespace Workbench.Tests.Plotting;

/// <summary>Colour pictures: planar (C, H, W) images become RGB PNGs with every channel where it belongs.</summary>
public class ColourPictureTests
{
    [Fact]
    public void FromBatch_KnownTwoByTwoRgbImage_DecodesToTheSameColoursInPlace()
    {
        // One 2×2 image, planar (C, H, W): top-left red, top-right green, bottom-left blue, bottom-right white.
        float[] planar =
        [
            1, 0, 0, 1,   // red plane
            0, 1, 0, 1,   // green plane
            0, 0, 1, 1,   // blue plane
        ];
        var grid = ImageGrid.FromBatch(planar, count: 1, channels: 3, height: 2, width: 2, padding: 0);
        var png = PngReader.Decode(grid.ToPng());
        Assert.Equal((2, 2, 3), (png.Width, png.Height, png.Channels));
        Assert.Equal(new byte[] { 255, 0, 0 }, png.Pixel(0, 0).ToArray());
        Assert.Equal(new byte[] { 0, 255, 0 }, png.Pixel(1, 0).ToArray());
        Assert.Equal(new byte[] { 0, 0, 255 }, png.Pixel(0, 1).ToArray());
        Assert.Equal(new byte[] { 255, 255, 255 }, png.Pixel(1, 1).ToArray());
    }

    [Fact]
    public void Samples_ColourModel_AreAnRgbGridOfColourTiles()
    {
        var model = new VaeConfig { ImageChannels = 3, ImageHeight = 8, ImageWidth = 8, HiddenSizes = [8], LatentSize = 2 }.Build(new Rng(1));
        var grid = PictureGrids.Samples(model, count: 4, seed: 1, columns: 4, scale: 1);
        Assert.Equal(3, grid.Channels);
        var png = PngReader.Decode(grid.ToPng());
        Assert.Equal(3, png.Channels);
        // An untrained decoder's channels differ: some tile pixel is not grey.
        var (x0, y0) = grid.CellOrigin(0);
        Assert.Contains(Enumerable.Range(0, 8), x => png.Pixel(x0 + x, y0).ToArray().Distinct().Count() > 1);
    }

    [Fact]
    public void Reconstructions_ColourSprites_ShowTheOriginalsHuesInTheirChannels()
    {
        var sprites = Sprites.Sample(8, seed: 3, SpritesOptions.ColourDefaults);
        var model = new VaeConfig { ImageChannels = 3, HiddenSizes = [8], LatentSize = 2 }.Build(new Rng(1));
        var grid = PictureGrids.Reconstructions(model, sprites.Images, count: 8, columns: 8, scale: 1);
        var png = PngReader.Decode(grid.ToPng());
        // The first original tile, pixel by pixel, against the sprite's planes.
        var (x0, y0) = grid.CellOrigin(0);
        var image = sprites.Images.Pixels[..(3 * 28 * 28)].ToArray();
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal((byte)MathF.Round(image[c * 784 + y * 28 + x] * 255f), png.Pixel(x0 + x, y0 + y)[c]);
        Assert.Contains(image, v => v > 0.5f);
    }

    [Fact]
    public void LabImages_ColourDataset_IsAnRgbGrid()
    {
        var grid = Lab.Images(Sprites.Sample(4, seed: 1, SpritesOptions.ColourDefaults).Images, count: 4);
        Assert.Equal(3, grid.Channels);
        Assert.Equal(3, PngReader.Decode(grid.ToPng()).Channels);
    }
}
