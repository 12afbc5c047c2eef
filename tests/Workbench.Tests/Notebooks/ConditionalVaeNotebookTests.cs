using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbench.Tests.Notebooks;

public sealed class ConditionalVaeAtDefaults : NotebookAtDefaults
{
    protected override string Name => "04-conditional-vae";
}

/// <summary>notebooks/04-conditional-vae.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public partial class ConditionalVaeNotebookTests(ConditionalVaeAtDefaults notebook) : IClassFixture<ConditionalVaeAtDefaults>
{
    private static readonly string[] Tops = ["T-shirt/top", "Pullover", "Dress", "Coat", "Shirt"];
    private static readonly string[] Distinctive = ["Sandal", "Bag"];

    private ExecutedNotebook.Table Check => Assert.Single(notebook.Executed.Tables("Lab.ConditionalAccuracy("));

    [Fact]
    public void Notebook_RunsCleanly_WithItsFigureAndPictures() => notebook.AssertRanCleanly(minFigures: 1, minPictures: 2);

    [Fact]
    public void ConditionalAccuracy_FarAboveChance()
    {
        // "A CVAE that uses its condition scores far above the 10 % of chance": at least 60 %.
        var caption = Check.Caption;
        var accuracy = double.Parse(RecognisedPercent().Match(caption).Groups[1].Value, CultureInfo.InvariantCulture);

        Assert.True(accuracy >= 60, caption);
    }

    [Fact]
    public void ConditionalAccuracy_TopsRecognisedLessOftenThanSandalsAndBags()
    {
        // "the tops (T-shirt, pullover, dress, coat, shirt), whose shapes resemble one another, are
        // recognised less often than distinctive shapes such as sandals and bags"
        double Recognised(string label) => double.Parse(Assert.Single(Check.Rows, r => r[1] == label)[2].TrimEnd('%'), CultureInfo.InvariantCulture);

        Assert.True(Tops.Max(Recognised) < Distinctive.Min(Recognised),
            string.Join(", ", Tops.Concat(Distinctive).Select(c => $"{c} {Recognised(c)} %")));
    }

    [Fact]
    public void ClassGrid_EachRowNamedByItsClass()
    {
        // "Each row asks for one class, named on its left (T-shirt/top, Trouser, …, Ankle boot)"
        var html = notebook.Executed.Html("Lab.ClassGrid(");
        var png = Plotting.PngReader.Decode(Convert.FromBase64String(PngDataUri().Match(html).Groups[1].Value));

        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            Plotting.FontReader.RowLabels(png, rows: 10, columns: 10));
    }

    [Fact]
    public void ConditionalAccuracy_RealImageAccuracyIsNoCeiling_BagsAndSandalsAbove_AllSamplesBelow()
    {
        // "The real-image accuracy is not a ceiling for every class: the samples of the most distinctive shapes — bags and
        // sandals — are recognised more often than real test images are overall ... and the samples as a whole less
        // often than real images."
        var caption = Check.Caption;
        double recognised = double.Parse(RecognisedPercent().Match(caption).Groups[1].Value, CultureInfo.InvariantCulture);
        double real = double.Parse(RealAccuracy().Match(caption).Groups[1].Value, CultureInfo.InvariantCulture);
        double Recognised(string label) => double.Parse(Assert.Single(Check.Rows, r => r[1] == label)[2].TrimEnd('%'), CultureInfo.InvariantCulture);

        Assert.All(Distinctive, c => Assert.True(Recognised(c) > real, $"{c} {Recognised(c)} % vs {real} % on real images"));
        Assert.True(recognised < real, caption);
    }

    [Fact]
    public void CyclingSamples_EachColumnHeadedByItsRequestedClass()
    {
        // "each column is headed by the number of the class it asks for"
        const int cell = 56, padding = 2, scale = 2, classes = 10;
        var html = notebook.Executed.Html("Lab.Samples(run");
        var png = Plotting.PngReader.Decode(Convert.FromBase64String(PngDataUri().Match(html).Groups[1].Value));
        int left = png.Width - (classes * (cell + padding) + padding);
        int labelsTop = 3 * scale + Workbench.Plotting.Imaging.BitmapFont.LineHeight * scale + 3 * scale;
        int titleStart = Enumerable.Range(0, png.Width).First(x => Enumerable.Range(3 * scale, 7 * scale).Any(y => png.Pixel(x, y)[0] < 128));

        Assert.Equal("requested class", Plotting.FontReader.Read(png.Pixels, png.Width, png.Height, png.Channels, titleStart, 3 * scale, scale, png.Width));
        var headings = Enumerable.Range(0, classes).Select(c =>
        {
            int centre = left + padding + c * (cell + padding) + cell / 2, from = centre - cell / 2;
            int start = Enumerable.Range(from, cell).First(x => Enumerable.Range(labelsTop, 7 * scale).Any(y => png.Pixel(x, y)[0] < 128));
            // A glyph's box can begin with blank columns (a '1'): read from the first ink or up to two font pixels before it.
            foreach (var x in new[] { start, start - scale, start - 2 * scale })
                try { return Plotting.FontReader.Read(png.Pixels, png.Width, png.Height, png.Channels, x, labelsTop, scale, centre + cell / 2); }
                catch (InvalidDataException) { }
            return $"(unreadable at x = {start})";
        });
        Assert.Equal(Enumerable.Range(0, classes).Select(c => c.ToString(CultureInfo.InvariantCulture)), headings);
    }

    [GeneratedRegex(@"the classifier scores ([0-9.]+) ?% on real test images")]
    private static partial Regex RealAccuracy();

    [GeneratedRegex("data:image/png;base64,([A-Za-z0-9+/=]+)")]
    private static partial Regex PngDataUri();

    [GeneratedRegex(@"^Conditional generation: ([0-9.]+) ?% of samples")]
    private static partial Regex RecognisedPercent();
}
