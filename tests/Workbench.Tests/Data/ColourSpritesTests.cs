using System.Security.Cryptography;
using Workbench.Data;
using Workbench.Experiments.Definitions;

namespace Workbench.Tests.Data;

/// <summary>
/// The colour sprites: RGB images (C, H, W) of a sprite in one of k hues on black, colour a sixth factor after shape;
/// and the greyscale sprites, which colour must leave bit for bit as they were.
/// </summary>
public class ColourSpritesTests
{
    private static readonly SpritesOptions Small = new(ImageSize: 16, Scales: 2, Rotations: 3, PositionsX: 2, PositionsY: 2, Colours: 6);

    private static float[] Render(SpriteFactors factors, SpritesOptions options)
    {
        var image = new float[options.Channels * options.ImageSize * options.ImageSize];
        Sprites.Render(factors, options, image);
        return image;
    }

    private static string Hash(SpritesDataset sprites) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(sprites.Images.Pixels)));

    [Fact]
    public void Sample_Greyscale_IsBitIdenticalToTheSpritesCommittedResultsWereTrainedOn()
    {
        // SHA-256 of the float pixels, computed with the sprites code before colour existed: the test set of the
        // "sprites" dataset, a training-like draw, and a whole small factor grid.
        Assert.Equal("e68eb46eb3af43a871703e2d133bb8ec554775b897636f33368cea529417e389", Hash(Sprites.Sample(2000, seed: 2)));
        Assert.Equal("58588d91d750dcd56e28fe13a0debf22955144d2fc9b33be70ee0ded8532b8db", Hash(Sprites.Sample(500, seed: 1)));
        Assert.Equal("3a602dae1cfac525bcaf4757b0442c3493d345cdde36f4886c18a9a5b106f749",
            Hash(Sprites.GenerateAll(new SpritesOptions(ImageSize: 16, Scales: 2, Rotations: 3, PositionsX: 2, PositionsY: 2))));
        Assert.Equal(1, Sprites.Sample(3, seed: 2).Images.Channels);
    }

    [Fact]
    public void GenerateAll_Colour_HasSixFactorsWithColourAfterShapeAndEveryCombinationOnce()
    {
        var set = Sprites.GenerateAll(Small);
        Assert.Equal(["shape", "colour", "scale", "rotation", "x", "y"], set.FactorNames);
        Assert.Equal([3, 6, 2, 3, 2, 2], set.FactorSizes);
        Assert.Equal(3 * 6 * 2 * 3 * 2 * 2, set.Count);
        Assert.Equal(set.Count, Enumerable.Range(0, set.Count).Select(set.FactorsOf).Distinct().Count());
        Assert.Equal(new SpriteFactors(0, 0, 0, 0, 0) { Colour = 1 }, set.FactorsOf(2 * 3 * 2 * 2));   // colour varies slower than scale
        Assert.Equal((3, 16, 16), (set.Images.Channels, set.Images.Height, set.Images.Width));
        Assert.Equal("3×16×16", set.Images.ShapeText());
    }

    [Fact]
    public void Sample_Colour_SameSeedSameImagesAndFactors_OtherSeedOthers()
    {
        var a = Sprites.Sample(50, seed: 7, Small);
        var b = Sprites.Sample(50, seed: 7, Small);
        var c = Sprites.Sample(50, seed: 8, Small);
        Assert.Equal(a.Images.Pixels.ToArray(), b.Images.Pixels.ToArray());
        Assert.Equal(a.Factors, b.Factors);
        Assert.NotEqual(a.Images.Pixels.ToArray(), c.Images.Pixels.ToArray());
        // Every hue is drawn: 50 draws of 6 values.
        Assert.Equal(6, Enumerable.Range(0, a.Count).Select(i => a.FactorsOf(i).Colour).Distinct().Count());
    }

    [Fact]
    public void Render_EachFactor_ChangesTheImage()
    {
        var options = new SpritesOptions(Colours: 6);
        var start = new SpriteFactors(Shape: 2, Scale: 3, Rotation: 1, X: 3, Y: 4) { Colour = 0 };
        var image = Render(start, options);
        var changed = new Dictionary<string, SpriteFactors>
        {
            ["shape"] = start with { Shape = 0 },
            ["colour"] = start with { Colour = 4 },
            ["scale"] = start with { Scale = 0 },
            ["rotation"] = start with { Rotation = 3 },
            ["x"] = start with { X = 0 },
            ["y"] = start with { Y = 0 },
        };
        Assert.Equal(Sprites.FactorNamesOf(options), changed.Keys);
        foreach (var (factor, factors) in changed)
            Assert.True(!Render(factors, options).SequenceEqual(image), $"changing {factor} left the image as it was");
    }

    [Fact]
    public void Render_EachHue_PaintsTheGreyscaleCoverageIntoItsChannels()
    {
        var grey = new SpritesOptions();
        var colour = new SpritesOptions(Colours: 6);
        var factors = new SpriteFactors(1, 5, 2, 4, 4);
        var coverage = Render(factors, grey);
        int plane = coverage.Length;
        // Red, yellow, green, cyan, blue, magenta: each channel is the coverage times 1 or 0.
        int[][] channels = [[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 1, 1], [0, 0, 1], [1, 0, 1]];
        string[] names = ["red", "yellow", "green", "cyan", "blue", "magenta"];
        for (int hue = 0; hue < 6; hue++)
        {
            var image = Render(factors with { Colour = hue }, colour);
            Assert.Equal(names[hue], colour.ColourName(hue));
            for (int c = 0; c < 3; c++)
                Assert.Equal(coverage.Select(v => v * channels[hue][c]), image.Skip(c * plane).Take(plane));
        }
        Assert.True(coverage.Sum() > 10);
    }

    [Fact]
    public void ColourValue_TwelveHues_StepRoundTheWheelAtFullSaturation()
    {
        var options = new SpritesOptions(Colours: 12);
        Assert.Equal((1f, 0.5f, 0f), options.ColourValue(1));          // 30°: orange
        Assert.Equal((0.5f, 0f, 1f), options.ColourValue(9));          // 270°: violet
        Assert.Equal("hue 30°", options.ColourName(1));
        Assert.Equal("blue", options.ColourName(8));
        foreach (int i in Enumerable.Range(0, 12))
        {
            var (r, g, b) = options.ColourValue(i);
            Assert.Equal(1f, Math.Max(r, Math.Max(g, b)));
            Assert.Equal(0f, Math.Min(r, Math.Min(g, b)));
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(13)]
    public void Sample_ColoursOutOfRange_SaysTheRange(int colours)
    {
        var error = Assert.Throws<ArgumentException>(() => Sprites.Sample(1, seed: 1, new SpritesOptions(Colours: colours)));
        Assert.Contains("between 0 (greyscale) and 12", error.Message);
    }

    [Fact]
    public void LabLoadColourSprites_GivesTheExperimentFilesImagesWithSixFactors()
    {
        var (train, test) = Workbench.Notebooks.Lab.LoadColourSprites();
        Assert.Equal((ExperimentData.SpritesTrainCount, ExperimentData.SpritesTestCount), (train.Count, test.Count));
        Assert.Equal(["shape", "colour", "scale", "rotation", "x", "y"], train.FactorNames);
        Assert.Equal("3×28×28", train.Images.ShapeText());
        Assert.Equal(ExperimentData.SpritesTest(new DataSpec { Dataset = "sprites-colour" })!.Images.Pixels.ToArray(), test.Images.Pixels.ToArray());
    }

    [Fact]
    public void ExperimentData_SpritesColour_LoadsRgbImagesWhoseTestFactorsMatchTheTestImages()
    {
        var spec = new DataSpec { Dataset = "sprites-colour", TrainLimit = 30, TestLimit = 20 };
        var (train, test) = ExperimentData.Load(spec);
        Assert.Equal((3, 28, 28, 30), (train.Channels, train.Height, train.Width, train.Count));
        var sprites = ExperimentData.SpritesTest(spec)!;
        Assert.Equal(6, sprites.FactorNames.Count);
        Assert.Equal(test.Pixels.ToArray(), sprites.Images.Pixels.ToArray());
        Assert.Contains("sprites-colour", DataSpec.Known);
    }
}
