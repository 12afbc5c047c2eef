using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbench.Tests.Notebooks;

public sealed class YourOwnVariantAtDefaults : NotebookAtDefaults
{
    protected override string Name => "06-your-own-variant";
}

/// <summary>notebooks/06-your-own-variant.ipynb at its defaults: it runs, its own check cell passes, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public partial class YourOwnVariantNotebookTests(YourOwnVariantAtDefaults notebook) : IClassFixture<YourOwnVariantAtDefaults>
{
    [Fact]
    public void Notebook_RunsCleanly_WithItsFiguresAndPictures() => notebook.AssertRanCleanly(minFigures: 2, minPictures: 2);

    [Fact]
    public void MixturePrior_IsTrained_AndItsKlIsMonteCarlo()
    {
        // "the mixture's parameters were trained, its KL is a Monte-Carlo estimate, and both models' bounds decrease as k grows"
        var check = Assert.Single(notebook.Executed.Stdout("var initial = (GaussianMixturePrior)").Split('\n'), l => l.StartsWith("mixture means moved by", StringComparison.Ordinal));
        var match = CheckLine().Match(check);
        Assert.True(match.Success, check);
        Assert.True(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) >= 0.01, check);
        Assert.Equal("False", match.Groups[2].Value);
        Assert.Equal("True", match.Groups[3].Value);
    }

    [Fact]
    public void Bounds_DecreaseWithK_ForBothModels()
    {
        // "it decreases toward −log p(x) as k grows"
        foreach (var model in new[] { "N(0, I) prior", "mixture prior" })
        {
            var line = Assert.Single(notebook.Executed.Stdout("Lab.CompareBounds(").Split('\n'), l => l.StartsWith(model + ": −L_1 =", StringComparison.Ordinal));
            var bounds = BoundValue().Matches(line).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(4, bounds.Length);
            Assert.True(bounds.Zip(bounds.Skip(1)).All(p => p.Second <= p.First), line);
        }
    }

    [Fact]
    public void RunFolders_AreNamedReadablyAfterTheRuns()
    {
        // "named after the run (`N-0-I-prior`, `mixture-prior`)"
        var folders = Directory.GetDirectories(Path.Combine(Support.NotebookResults.Root, "06-your-own-variant")).Select(Path.GetFileName).Order();
        Assert.Equal(["mixture-prior", "N-0-I-prior"], folders);
    }

    [Fact]
    public void SamplesSideBySide_TakesTheTwoPicturesWithoutACast()
    {
        var cell = notebook.Executed.Cell("Lab.SideBySide(");
        Assert.DoesNotContain("(Workbench.Display.IHtmlDisplayable)", cell.Source);
        var html = notebook.Executed.Html("Lab.SideBySide(");
        Assert.Equal(2, html.Split("<img src=\"data:image/png;base64,").Length - 1);
        Assert.True(html.IndexOf("N(0, I) prior", StringComparison.Ordinal) < html.IndexOf("mixture prior", StringComparison.Ordinal), html);
    }

    [GeneratedRegex(@"moved by ([0-9.]+) on average; KL analytic: (\w+); bounds decrease with k: (\w+)")]
    private static partial Regex CheckLine();

    [GeneratedRegex(@"−L_\d+ = ([0-9.]+)")]
    private static partial Regex BoundValue();
}
