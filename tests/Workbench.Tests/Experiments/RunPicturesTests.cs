using Workbench.Experiments.Figures;
using Workbench.Plotting.Imaging;
using Workbench.Tensors;
using Workbench.Tests.Plotting;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>A run kept without its model: its saved, unlabelled grids get labels and keep every image pixel.</summary>
public sealed class RunPicturesTests : IDisposable
{
    private readonly string _run = Path.Combine(Path.GetTempPath(), "workbench-run-pictures-" + Guid.NewGuid().ToString("N"));

    public RunPicturesTests()
    {
        Directory.CreateDirectory(Path.Combine(_run, "images"));
        // A committed Fashion-MNIST CVAE run's config and summary; the grids are made up here.
        var committed = Path.Combine(Repository.Root(), "results", "cvae", "default");
        File.Copy(Path.Combine(committed, "config.json"), Path.Combine(_run, "config.json"));
        File.Copy(Path.Combine(committed, "summary.json"), Path.Combine(_run, "summary.json"));
    }

    public void Dispose() => Directory.Delete(_run, recursive: true);

    /// <summary>An unlabelled grid of random 28×28 images enlarged 2×, 2 px apart, as a run writes them.</summary>
    private ImageGrid SaveGrid(string name, int count, int columns, ulong seed)
    {
        var rng = new Rng(seed);
        var images = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 28 * 28).Select(_ => (float)rng.NextDouble()).ToArray()).ToArray();
        var grid = ImageGrid.Compose(images, 28, 28, columns: columns, padding: 2, scale: 2);
        FigureFiles.Save(grid, Path.Combine(_run, "images"), name);
        return grid;
    }

    private string Png(string name) => Path.Combine(_run, "images", name + ".png");

    [Fact]
    public void Redraw_RunWithoutModel_LabelsEachGridAndKeepsItsImages()
    {
        var reconstructions = SaveGrid("reconstructions", 32, 8, 1);
        var classes = SaveGrid("class-conditional", 20, 2, 2);
        var traversals = SaveGrid("traversals", 18, 9, 3);
        File.WriteAllText(Path.Combine(_run, "images", "traversals.json"),
            """{ "dimensions": ["z7", "z2"], "kl": [3.5, 1.25], "values": [-3, -2.25, -1.5, -0.75, 0, 0.75, 1.5, 2.25, 3] }""");
        var samples = File.ReadAllBytes(Png("reconstructions"));
        File.WriteAllBytes(Png("samples"), samples);

        var lines = RunPictures.Redraw(_run, new FigureFiles(null));

        Assert.Equal(3, lines.Count(l => l.EndsWith(": labelled")));
        Assert.Equal(["original", "reconstruction", "original", "reconstruction"], RowLabels(Png("reconstructions"), reconstructions));
        Assert.Equal(["z7", "z2"], RowLabels(Png("traversals"), traversals));
        Assert.Equal(samples, File.ReadAllBytes(Png("samples"))); // samples carry no labels

        // Class names come from the run's dataset; 20 images in 2 columns are 10 rows, one per class.
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            RowLabels(Png("class-conditional"), classes));
    }

    [Fact]
    public void Redraw_Twice_LeavesLabelledGridsAsTheyAre()
    {
        SaveGrid("reconstructions", 16, 8, 1);
        RunPictures.Redraw(_run, new FigureFiles(null));
        var once = File.ReadAllBytes(Png("reconstructions"));

        var lines = RunPictures.Redraw(_run, new FigureFiles(null));

        Assert.Equal(once, File.ReadAllBytes(Png("reconstructions")));
        Assert.Contains(lines, l => l.Contains("left as it is"));
    }

    [Fact]
    public void Redraw_TraversalsWithoutRowNames_LeftUnlabelled()
    {
        SaveGrid("traversals", 18, 9, 3);
        var before = File.ReadAllBytes(Png("traversals"));

        var lines = RunPictures.Redraw(_run, new FigureFiles(null));

        Assert.Equal(before, File.ReadAllBytes(Png("traversals")));
        Assert.Contains(lines, l => l.Contains("traversals.json") && l.Contains("missing"));
    }

    [Fact]
    public void Redraw_NotARun_NamesTheFolder()
    {
        var error = Assert.Throws<FileNotFoundException>(() => RunPictures.Redraw(Path.Combine(_run, "images"), new FigureFiles(null)));
        Assert.Contains("images", error.Message);
    }

    /// <summary>The labels left of the tiles, read by template matching, after checking that every tile pixel equals the unlabelled grid's.</summary>
    private static string[] RowLabels(string file, ImageGrid plain)
    {
        var png = PngReader.Decode(File.ReadAllBytes(file));
        int left = png.Width - plain.Width, top = png.Height - plain.Height;
        Assert.True(left > 0, $"{file} has no label margin");
        for (int y = 0; y < plain.Height; y++)
            Assert.True(plain.Pixels.AsSpan(y * plain.Width, plain.Width).SequenceEqual(png.Pixels.AsSpan(((top + y) * png.Width) + left, plain.Width)),
                $"{file}: tile row {y} changed");
        return FontReader.RowLabels(png, plain.Rows, plain.Columns);
    }
}
