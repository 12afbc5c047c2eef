using Workbench.Plotting;
using Workbench.Plotting.Charts;
using Workbench.Plotting.Imaging;
using Workbench.Rendering;

namespace Workbench.Tests.Plotting;

/// <summary>Real rendering through headless Chromium. Each test returns early (and passes) on machines
/// without /usr/bin/chromium; the rendered PNGs are left in the test output folder for inspection.</summary>
public class ChromiumPngTests
{
    private static bool ChromiumMissing => !File.Exists(ChromiumOptions.Default.ExecutablePath);

    private static string OutputPath(string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "rendered-figures");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    private static int DistinctColors(DecodedPng png)
    {
        var colors = new HashSet<int>();
        for (int y = 0; y < png.Height; y++)
            for (int x = 0; x < png.Width; x++)
            {
                var p = png.Pixel(x, y);
                int key = 0;
                foreach (var b in p) key = key * 256 + b;
                colors.Add(key);
            }
        return colors.Count;
    }

    [Fact]
    public async Task RenderAsync_SimpleFigure_PngOfRequestedSizeWithContent()
    {
        if (ChromiumMissing) return;
        var figure = new Figure(new Scatter { Mode = ScatterMode.LinesAndMarkers, X = new[] { 1.0, 2, 3 }, Y = new[] { 2.0, 1, 3 }, Name = "line" })
            .WithTitle("Simple figure");

        var result = await FigurePng.RenderAsync(figure, width: 420, height: 300);

        Assert.True(result.Rendered, result.Note);
        var png = PngReader.Decode(result.Png!);
        Assert.Equal(420, png.Width);
        Assert.Equal(300, png.Height);
        Assert.True(DistinctColors(png) > 10, "the rendered PNG is (almost) one colour");
        File.WriteAllBytes(OutputPath("simple.png"), result.Png!);
    }

    [Fact]
    public async Task RenderAsync_MissingChromium_ReturnsSkippedWithNote()
    {
        var options = new ChromiumOptions { ExecutablePath = "/nonexistent/chromium" };

        var result = await FigurePng.RenderAsync(new Figure(), options: options);

        Assert.False(result.Rendered);
        Assert.Contains("/nonexistent/chromium", result.Note);
        Assert.Contains("skipped", result.Note);
    }

    [Fact]
    public async Task SaveAsync_ChartsAndImageGrid_WritePngsAtLayoutSize()
    {
        if (ChromiumMissing) return;
        var rng = new Random(7);
        var labels = Enumerable.Range(0, 300).Select(i => i % 3).ToArray();
        var z1 = labels.Select(l => l * 2.0 - 2 + Normal(rng)).ToArray();
        var z2 = labels.Select(l => (l == 1 ? 1.5 : -0.5) + Normal(rng)).ToArray();
        var grid = ImageGrid.Compose(
            Enumerable.Range(0, 6).Select(i => Enumerable.Range(0, 64).Select(p => (p % 8 + p / 8 + i) / 20f).ToArray()).ToArray(),
            8, 8, columns: 3, padding: 2, scale: 4);
        var figures = new (string Name, Figure Figure)[]
        {
            ("elbo.png", VaeChartsTests.SampleElbo()),
            ("latent.png", VaeCharts.LatentScatter(z1, z2, labels, ["T-shirt", "Trouser", "Pullover"])),
            ("grid.png", grid.ToFigure("Samples")),
            ("rate-distortion.png", VaeCharts.RateDistortion(
                [new(0.5, 31, 78, "MLP"), new(1, 22, 86, "MLP"), new(4, 9, 118, "MLP"), new(1, 25, 80, "conv"), new(4, 11, 105, "conv")])),
            ("kl-per-dimension.png", VaeCharts.PerDimensionKl(
                [new("β=1", new[] { 3.1, 2.4, 0.02, 1.7, 0.01, 2.2 }), new("β=4", new[] { 1.9, 0.03, 0.01, 1.1, 0.0, 0.02 })])),
            ("kl-schedules.png", VaeCharts.KlScheduleComparison(Enumerable.Range(1, 20).ToArray(),
                [
                    new("constant", Enumerable.Repeat(1.0, 20).ToArray(), Enumerable.Range(1, 20).Select(e => 8 + 4.0 / e).ToArray()),
                    new("cyclical", Enumerable.Range(0, 20).Select(e => Math.Min(1, e % 5 / 2.5)).ToArray(), Enumerable.Range(0, 20).Select(e => 14 - e * 0.2 - e % 5).ToArray()),
                ])),
        };

        foreach (var (name, figure) in figures)
        {
            var result = await FigurePng.SaveAsync(figure, OutputPath(name));

            Assert.True(result.Rendered, result.Note);
            var png = PngReader.Decode(File.ReadAllBytes(OutputPath(name)));
            Assert.Equal(figure.Layout.Width, png.Width);
            Assert.Equal(figure.Layout.Height, png.Height);
            Assert.True(DistinctColors(png) > 10, $"{name} is (almost) one colour");
        }
    }

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()) * 0.5;
}
