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

    [GeneratedRegex("data:image/png;base64,([A-Za-z0-9+/=]+)")]
    private static partial Regex PngDataUri();

    [GeneratedRegex(@"^Conditional generation: ([0-9.]+) ?% of samples")]
    private static partial Regex RecognisedPercent();
}
