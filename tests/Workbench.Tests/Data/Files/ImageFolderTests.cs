using Workbench.Data;
using Workbench.Data.Files;
using Workbench.Plotting.Imaging;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data.Files;

/// <summary>Folders of PNG images in torchvision's ImageFolder layout, and the message each broken folder gets.</summary>
public class ImageFolderTests
{
    /// <summary>Writes a grey PNG of <paramref name="height"/>×<paramref name="width"/> whose pixel (y, x) is (seed + 3y + x) mod 256.</summary>
    internal static void Grey(string path, int height, int width, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var pixels = new byte[height * width];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)((seed + 3 * (i / width) + i % width) % 256);
        File.WriteAllBytes(path, PngEncoder.Encode(pixels, width, height, PngColorType.Grayscale));
    }

    /// <summary>Writes an RGB(A) PNG whose value (y, x, c) is (seed + 5y + 3x + 50c) mod 256.</summary>
    private static void Colour(string path, int height, int width, int seed, PngColorType type = PngColorType.Rgb)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        int channels = PngEncoder.Channels(type);
        var pixels = new byte[height * width * channels];
        for (int i = 0; i < pixels.Length; i++)
        {
            int pixel = i / channels, c = i % channels;
            pixels[i] = (byte)((seed + 5 * (pixel / width) + 3 * (pixel % width) + 50 * c) % 256);
        }
        File.WriteAllBytes(path, PngEncoder.Encode(pixels, width, height, type));
    }

    [Fact]
    public void Load_TrainAndTestFolders_LabelsBySortedSubfolderNameAndKeepsBytes()
    {
        using var dir = new Support.TempDirectory();
        foreach (var (split, count) in new[] { ("train", 3), ("test", 1) })
            foreach (var (cls, offset) in new[] { ("zebra", 100), ("ant", 0) })
                for (int i = 0; i < count; i++) Grey(Path.Combine(dir.Path, split, cls, $"{i}.png"), 4, 6, offset + i);
        File.WriteAllText(Path.Combine(dir.Path, "train", "ant", "notes.txt"), "not an image"); // skipped

        var (train, test) = ImageFolder.Load(dir.Path);

        Assert.Equal(["ant", "zebra"], train.ClassNames);
        Assert.Equal([0, 0, 0, 1, 1, 1], train.Labels.ToArray());
        Assert.Equal([0, 1], test.Labels.ToArray());
        Assert.Equal((1, 4, 6), (train.Channels, train.Height, train.Width));
        Assert.Equal("uint8 in memory", train.Storage);
        Assert.Equal(6 * 24, train.BytesInMemory);
        Assert.Equal((100 + 1 + 3 * 1 + 2) / 255f, train.Image(4)[1 * 6 + 2]); // zebra/1.png, pixel (1, 2)
        Assert.Equal($"PNG folder {Path.Combine(dir.Path, "train")}", train.Source);
        Assert.Equal($"PNG folder {Path.Combine(dir.Path, "test")}", test.Source);
    }

    [Fact]
    public void Load_NoTrainTestFolders_SplitsATenthOffBySeed()
    {
        using var dir = new Support.TempDirectory();
        for (int i = 0; i < 20; i++) Grey(Path.Combine(dir.Path, i % 2 == 0 ? "even" : "odd", $"{i:D2}.png"), 3, 3, i);

        var (train, test) = ImageFolder.Load(dir.Path);

        var (trainIndices, testIndices) = SeededSplit.Indices(20);
        Assert.Equal((18, 2), (train.Count, test.Count));
        // Images are numbered class by class, files in ordinal order: even/00, even/02, …, odd/01, …
        int[] fileSeed = [.. Enumerable.Range(0, 10).Select(i => 2 * i), .. Enumerable.Range(0, 10).Select(i => 2 * i + 1)];
        for (int i = 0; i < test.Count; i++) Assert.Equal(fileSeed[testIndices[i]] / 255f, test.Image(i)[0]);
        Assert.EndsWith("(test part of a seeded split)", test.Source);
    }

    [Fact]
    public void Load_ColourAndGreyMixed_ReadsEveryImageAsRgb()
    {
        using var dir = new Support.TempDirectory();
        Colour(Path.Combine(dir.Path, "train", "a", "rgb.png"), 2, 3, 10);
        Grey(Path.Combine(dir.Path, "train", "b", "grey.png"), 2, 3, 40);
        Colour(Path.Combine(dir.Path, "test", "a", "rgba.png"), 2, 3, 20, PngColorType.Rgba);

        var (train, test) = ImageFolder.Load(dir.Path);

        Assert.Equal((3, 2, 3), (train.Channels, train.Height, train.Width));
        var rgb = train.Image(0).ToArray();
        Assert.Equal((10 + 5 * 1 + 3 * 2 + 50 * 2) / 255f, rgb[(2 * 2 + 1) * 3 + 2]); // blue plane, pixel (1, 2)
        var grey = train.Image(1).ToArray();
        Assert.Equal(grey[..6], grey[6..12]); // grey copied into all three planes
        Assert.Equal(grey[..6], grey[12..]);
        // RGBA: each colour value times alpha (value 3 of the pixel), over black.
        int r = 20, a = (20 + 150) % 256;
        Assert.Equal((byte)((r * a + 127) / 255) / 255f, test.Image(0)[0]);
    }

    [Fact]
    public void Load_ImagesOfMixedSizes_NamesBothFilesAndSizes()
    {
        using var dir = new Support.TempDirectory();
        Grey(Path.Combine(dir.Path, "a", "1.png"), 28, 28, 0);
        Grey(Path.Combine(dir.Path, "b", "2.png"), 32, 28, 0);

        var e = Assert.Throws<DataFileException>(() => ImageFolder.Load(dir.Path));
        Assert.Equal($"{Path.Combine(dir.Path, "b", "2.png")}: is 32×28 pixels (height × width) but {Path.Combine(dir.Path, "a", "1.png")} is 28×28; " +
                     "every image needs one size (resize them first)", e.Message);
    }

    [Fact]
    public void Load_PngThatIsNotAPng_SaysWhatItIs()
    {
        using var dir = new Support.TempDirectory();
        Grey(Path.Combine(dir.Path, "a", "1.png"), 4, 4, 0);
        File.WriteAllBytes(Path.Combine(dir.Path, "a", "2.png"), [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F']);

        var e = Assert.Throws<DataFileException>(() => ImageFolder.Load(dir.Path));
        Assert.Equal($"{Path.Combine(dir.Path, "a", "2.png")}: not a PNG image: it does not start with the PNG signature (it is a JPEG)", e.Message);
    }

    [Fact]
    public void Load_PngWithBrokenData_SaysItCannotBeDecoded()
    {
        using var dir = new Support.TempDirectory();
        Grey(Path.Combine(dir.Path, "a", "1.png"), 16, 16, 0);
        var png = PngEncoder.Encode(new byte[16 * 16], 16, 16, PngColorType.Grayscale);
        File.WriteAllBytes(Path.Combine(dir.Path, "a", "2.png"), png[..40]); // header intact, image data cut

        var e = Assert.Throws<DataFileException>(() => ImageFolder.Load(dir.Path));
        Assert.StartsWith($"{Path.Combine(dir.Path, "a", "2.png")}: a broken PNG: it cannot be decoded", e.Message);
    }

    [Fact]
    public void Load_EmptyClassFolder_NamesIt()
    {
        using var dir = new Support.TempDirectory();
        Grey(Path.Combine(dir.Path, "a", "1.png"), 4, 4, 0);
        Directory.CreateDirectory(Path.Combine(dir.Path, "b"));

        var e = Assert.Throws<DataFileException>(() => ImageFolder.Load(dir.Path));
        Assert.Equal($"{Path.Combine(dir.Path, "b")}: class folder holds no .png images; remove it or add its images", e.Message);
    }

    [Fact]
    public void Load_ImagesWithoutClassFolders_SaysToPutThemInOne()
    {
        using var dir = new Support.TempDirectory();
        Grey(Path.Combine(dir.Path, "1.png"), 4, 4, 0);

        var e = Assert.Throws<DataFileException>(() => ImageFolder.Load(dir.Path));
        Assert.StartsWith($"{dir.Path}: holds PNG images but no class subfolders", e.Message);
    }

    [Fact]
    public void Load_TestClassUnknownToTraining_NamesTheClass()
    {
        using var dir = new Support.TempDirectory();
        Grey(Path.Combine(dir.Path, "train", "a", "1.png"), 4, 4, 0);
        Grey(Path.Combine(dir.Path, "test", "c", "1.png"), 4, 4, 0);

        var e = Assert.Throws<DataFileException>(() => ImageFolder.Load(dir.Path));
        Assert.StartsWith($"{Path.Combine(dir.Path, "test", "c")}: class 'c' has no folder in {Path.Combine(dir.Path, "train")}", e.Message);
    }

    [Fact]
    public void Load_LinkLeadingOutsideTheContainingFolder_IsRefused()
    {
        using var outside = new Support.TempDirectory();
        using var dir = new Support.TempDirectory();
        Grey(outside.File("secret.png"), 4, 4, 0);
        Grey(Path.Combine(dir.Path, "data", "a", "1.png"), 4, 4, 0);
        File.CreateSymbolicLink(Path.Combine(dir.Path, "data", "a", "2.png"), outside.File("secret.png"));

        var e = Assert.Throws<DataFileException>(() => ImageFolder.Load(Path.Combine(dir.Path, "data"), containedIn: dir.Path));
        Assert.Equal($"{Path.Combine(dir.Path, "data", "a", "2.png")}: is a symbolic link leading outside {dir.Path}; nothing is read outside the experiment file's folder", e.Message);
        var (train, test) = ImageFolder.Load(Path.Combine(dir.Path, "data")); // without a containing folder the link is followed
        Assert.Equal(2, train.Count + test.Count);
    }
}
