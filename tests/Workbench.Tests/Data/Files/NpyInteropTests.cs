using Workbench.Data;
using Workbench.Data.Files;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data.Files;

/// <summary>The .npy/.npz reader against files NumPy wrote (tests/fixtures-gen/npy_files.py): values follow a formula recomputed here.</summary>
public class NpyInteropTests
{
    private static string Fixture(string name) => FixtureFiles.PathOf(Path.Combine("npy", name));

    /// <summary>The generator's pattern: pixel (n, y, x, c) = (37n + 11y + 5x + 3c) mod 256.</summary>
    private static byte Pattern(int n, int y, int x, int c) => (byte)((n * 37 + y * 11 + x * 5 + c * 3) % 256);

    /// <summary>Every image of <paramref name="data"/> in (C, H, W) order against <paramref name="expected"/>(n, y, x, c), as b / 255f.</summary>
    private static void AssertImages(ImageDataset data, int[] fileIndices, Func<int, int, int, int, float> expected)
    {
        for (int i = 0; i < data.Count; i++)
        {
            var image = data.Image(i).ToArray();
            for (int c = 0; c < data.Channels; c++)
                for (int y = 0; y < data.Height; y++)
                    for (int x = 0; x < data.Width; x++)
                        Assert.Equal(expected(fileIndices[i], y, x, c), image[(c * data.Height + y) * data.Width + x]);
        }
    }

    [Fact]
    public void Load_GreyUint8WithInt64Labels_KeepsBytesAndSplitsATenthOff()
    {
        var (train, test) = NpyDataset.Load(Fixture("grey-u8.npy"), Fixture("labels-i64.npy"));

        var (trainIndices, testIndices) = SeededSplit.Indices(12);
        Assert.Equal((11, 1), (train.Count, test.Count)); // 12 / 10 = 1 test image (at least one)
        Assert.Equal((1, 5, 7), (train.Channels, train.Height, train.Width));
        Assert.Equal("uint8 in memory", train.Storage);
        Assert.Equal(["0", "1", "2"], train.ClassNames);
        Assert.Equal(trainIndices.Select(i => i % 3), train.Labels.ToArray());
        AssertImages(train, trainIndices, (n, y, x, c) => Pattern(n, y, x, 0) / 255f);
        AssertImages(test, testIndices, (n, y, x, c) => Pattern(n, y, x, 0) / 255f);
        Assert.StartsWith("NumPy array " + Fixture("grey-u8.npy"), train.Source);
    }

    [Fact]
    public void Load_ChannelsLastAndChannelsFirst_GiveTheSameChwImages()
    {
        var hwc = NpyDataset.Load(Fixture("rgb-hwc-u8.npy"));
        var chw = NpyDataset.Load(Fixture("rgb-chw-f4.npy"));

        Assert.Equal((3, 5, 6), (hwc.Train.Channels, hwc.Train.Height, hwc.Train.Width));
        Assert.Equal((3, 5, 6), (chw.Train.Channels, chw.Train.Height, chw.Train.Width));
        Assert.Equal("float32 in memory", chw.Train.Storage);
        var (trainIndices, _) = SeededSplit.Indices(4);
        AssertImages(hwc.Train, trainIndices, (n, y, x, c) => Pattern(n, y, x, c) / 255f);
        Assert.Equal(hwc.Train.Pixels.ToArray(), chw.Train.Pixels.ToArray());
    }

    [Fact]
    public void Load_Rgba_AppliesAlphaOverBlackAndKeepsThreeChannels()
    {
        var (train, _) = NpyDataset.Load(Fixture("rgba-hwc-u8.npy"));

        Assert.Equal(3, train.Channels);
        var (trainIndices, _) = SeededSplit.Indices(3);
        AssertImages(train, trainIndices, (n, y, x, c) => (byte)((Pattern(n, y, x, c) * Pattern(n, y, x, 3) + 127) / 255) / 255f);
    }

    [Fact]
    public void Load_CompressedNpzWithSplits_ReadsBothSplitsAndTheirLabels()
    {
        var (train, test) = NpyDataset.Load(Fixture("split.npz"));

        Assert.Equal((10, 4), (train.Count, test.Count));
        Assert.Equal(["0", "1"], train.ClassNames);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i % 2), train.Labels.ToArray());
        Assert.Equal([1, 0, 1, 1], test.Labels.ToArray());
        AssertImages(train, Enumerable.Range(0, 10).ToArray(), (n, y, x, c) => Pattern(n, y, x, 0) / 255f);
        AssertImages(test, Enumerable.Range(0, 4).ToArray(), (n, y, x, c) => (Pattern(n, y, x, 0) ^ 255) / 255f);
        Assert.EndsWith("(x_test)", test.Source);
    }

    [Theory]
    [InlineData("images-i64.npy", "images have dtype int64; the allowed dtypes are uint8 (0–255) or float32 (0–1)")]
    [InlineData("fortran-u8.npy", "the array is in Fortran (column-major) order; save it in C order")]
    [InlineData("big-endian-f4.npy", "the array is big-endian ('>f4')")]
    public void Load_HostileNumPyFile_NamesTheFileAndTheProblem(string name, string problem)
    {
        var e = Assert.Throws<DataFileException>(() => NpyDataset.Load(Fixture(name)));
        Assert.StartsWith(Fixture(name) + ": " + problem, e.Message);
    }

    [Fact]
    public void Load_LabelsOfAnotherLength_NamesBothFilesAndCounts()
    {
        var e = Assert.Throws<DataFileException>(() => NpyDataset.Load(Fixture("rgb-hwc-u8.npy"), Fixture("labels-i64.npy")));
        Assert.Equal($"{Fixture("labels-i64.npy")}: holds 12 labels but {Fixture("rgb-hwc-u8.npy")} holds 4 images; give one label per image", e.Message);
    }
}
