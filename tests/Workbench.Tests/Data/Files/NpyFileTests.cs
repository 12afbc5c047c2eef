using Workbench.Data;
using Workbench.Data.Files;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data.Files;

/// <summary>The .npy writer and the reader's checks on broken files built byte by byte.</summary>
public class NpyFileTests
{
    private static byte[] Bytes(int count, int seed) => Enumerable.Range(0, count).Select(i => (byte)((i * 7 + seed) % 256)).ToArray();

    [Fact]
    public void Write_ThenLoad_RoundTripsBytesFloatsAndLabels()
    {
        using var dir = new Support.TempDirectory();
        var values = Bytes(20 * 3 * 4, 1);
        NpyFile.Write(dir.File("x.npy"), values, 20, 3, 4);
        NpyFile.Write(dir.File("y.npy"), Enumerable.Range(0, 20).Select(i => (long)(i % 4)).ToArray(), 20);
        NpyFile.Write(dir.File("f.npy"), values.Select(b => b / 255f).ToArray(), 20, 3, 4);

        var bytes = NpyDataset.Load(dir.File("x.npy"), dir.File("y.npy"));
        var floats = NpyDataset.Load(dir.File("f.npy"), dir.File("y.npy"));

        Assert.Equal(floats.Train.Pixels.ToArray(), bytes.Train.Pixels.ToArray());
        Assert.Equal(floats.Test.Labels.ToArray(), bytes.Test.Labels.ToArray());
        Assert.Equal(NpyFile.ReadIntegers(dir.File("y.npy")), Enumerable.Range(0, 20).Select(i => (long)(i % 4)));
        Assert.Equal(0, new FileInfo(dir.File("x.npy")).Length % 16); // header padded as NumPy does (64-byte aligned data)
    }

    [Fact]
    public void Load_TruncatedNpy_SaysHowManyBytesAreMissing()
    {
        using var dir = new Support.TempDirectory();
        NpyFile.Write(dir.File("x.npy"), Bytes(10 * 5 * 5, 2), 10, 5, 5);
        var whole = File.ReadAllBytes(dir.File("x.npy"));
        File.WriteAllBytes(dir.File("x.npy"), whole[..^30]);

        var e = Assert.Throws<DataFileException>(() => NpyDataset.Load(dir.File("x.npy")));
        Assert.Equal($"{dir.File("x.npy")}: truncated: shape (10, 5, 5) of uint8 needs 250 bytes after the header, the file holds 220", e.Message);
    }

    [Fact]
    public void Load_FileCutInsideTheHeader_SaysSo()
    {
        using var dir = new Support.TempDirectory();
        NpyFile.Write(dir.File("x.npy"), Bytes(4, 0), 4, 1, 1);
        File.WriteAllBytes(dir.File("x.npy"), File.ReadAllBytes(dir.File("x.npy"))[..20]);

        var e = Assert.Throws<DataFileException>(() => NpyDataset.Load(dir.File("x.npy")));
        Assert.Equal($"{dir.File("x.npy")}: truncated: the file ends inside the .npy header", e.Message);
    }

    [Fact]
    public void Load_NotANpyFile_SaysWhatItLacks()
    {
        using var dir = new Support.TempDirectory();
        File.WriteAllText(dir.File("x.npy"), "a,b,c\n1,2,3\n");

        var e = Assert.Throws<DataFileException>(() => NpyDataset.Load(dir.File("x.npy")));
        Assert.Equal($"{dir.File("x.npy")}: not a NumPy .npy file (it does not start with \\x93NUMPY)", e.Message);
    }

    [Fact]
    public void Load_FloatImagesOutsideZeroToOne_NamesTheImageAndValue()
    {
        using var dir = new Support.TempDirectory();
        var values = new float[6 * 2 * 2];
        values[3 * 4 + 1] = 17f;
        NpyFile.Write(dir.File("x.npy"), values, 6, 2, 2);

        var e = Assert.Throws<DataFileException>(() => NpyDataset.Load(dir.File("x.npy")));
        Assert.StartsWith($"{dir.File("x.npy")}: image 3 holds the value 17 (value 1 of the image); float32 images must hold values in [0, 1]", e.Message);
    }

    [Theory]
    [InlineData(new long[] { 5, 3 }, "images have shape (N, H, W), (N, H, W, C) or (N, C, H, W); this array has shape (5, 3)")]
    [InlineData(new long[] { 2, 6, 7, 8 }, "shape (2, 6, 7, 8) has no channel axis")]
    public void Load_ShapeThatIsNoImages_SaysWhichShapesAre(long[] shape, string problem)
    {
        using var dir = new Support.TempDirectory();
        NpyFile.Write(dir.File("x.npy"), new byte[shape.Aggregate(1L, (a, b) => a * b)], shape);

        var e = Assert.Throws<DataFileException>(() => NpyDataset.Load(dir.File("x.npy")));
        Assert.StartsWith($"{dir.File("x.npy")}: {problem}", e.Message);
    }

    [Fact]
    public void Load_NegativeLabel_NamesTheImage()
    {
        using var dir = new Support.TempDirectory();
        NpyFile.Write(dir.File("x.npy"), Bytes(5 * 4, 0), 5, 2, 2);
        NpyFile.Write(dir.File("y.npy"), new long[] { 0, 1, -1, 0, 1 }, 5);

        var e = Assert.Throws<DataFileException>(() => NpyDataset.Load(dir.File("x.npy"), dir.File("y.npy")));
        Assert.Equal($"{dir.File("y.npy")}: label -1 of image 2 is not a class index 0 to 65535", e.Message);
    }

    [Fact]
    public void Load_NpzWithoutKnownArrays_ListsWhatItHoldsAndWhatIsExpected()
    {
        using var dir = new Support.TempDirectory();
        using (var zip = System.IO.Compression.ZipFile.Open(dir.File("d.npz"), System.IO.Compression.ZipArchiveMode.Create))
        using (var entry = zip.CreateEntry("arr_0.npy").Open())
            NpyFile.Write(entry, NpyDType.UInt8, Bytes(8, 0), 2, 2, 2);

        var e = Assert.Throws<DataFileException>(() => NpyDataset.Load(dir.File("d.npz")));
        Assert.Equal($"{dir.File("d.npz")}: holds the arrays arr_0; expected x_train and x_test (with y_train and y_test for labels), or images (with labels)", e.Message);
    }

    [Fact]
    public void Load_NpzThatIsNoZip_SaysSo()
    {
        using var dir = new Support.TempDirectory();
        File.WriteAllBytes(dir.File("d.npz"), Bytes(100, 3));

        var e = Assert.Throws<DataFileException>(() => NpyDataset.Load(dir.File("d.npz")));
        Assert.StartsWith($"{dir.File("d.npz")}: not a .npz archive (a zip of .npy files)", e.Message);
    }
}
