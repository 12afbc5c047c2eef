using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbench.Tests.Notebooks;

public sealed class SequenceVaeAtDefaults : NotebookAtDefaults
{
    protected override string Name => "10-sequence-vae";
}

/// <summary>notebooks/10-sequence-vae.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public partial class SequenceVaeNotebookTests(SequenceVaeAtDefaults notebook) : IClassFixture<SequenceVaeAtDefaults>
{
    private const string Vae = "VAE, word dropout 0.25";

    private ExecutedNotebook.Table Bounds => Assert.Single(notebook.Executed.Tables("Lab.SequenceBounds("));

    private ExecutedNotebook.Table Reconstructions => Assert.Single(notebook.Executed.Tables("Lab.Reconstructions("));

    [Fact]
    public void Notebook_RunsCleanly_WithItsFigure() => notebook.AssertRanCleanly(minFigures: 1, minPictures: 0);

    [Fact]
    public void Data_TheSliceAndTestSentencesAsTheParametersSay()
    {
        var printed = notebook.Executed.Stdout("Lab.LoadWordNetDefinitions(");
        Assert.Contains("8,000 training sentences", printed);
        // "<unk> stands for about 18 % of the training slice's tokens"
        var share = double.Parse(Regex.Match(printed, @"([0-9.]+) % of them <unk>").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(share, 17.5, 18.5);
        Assert.Contains("1,000 test sentences; vocabulary of 3,160 ids", printed);
        Assert.Contains("1,000 test sentences", Bounds.Caption);
    }

    [Fact]
    public void Bounds_VaeSlightlyWorseThanTheLanguageModel_UnderTwoNatsAndFivePercent()
    {
        double lm = Bounds.Number("language model", "NLL bound (nats/sentence)");
        double vae = Bounds.Number(Vae, "NLL bound (nats/sentence)");

        Assert.True(vae > lm, $"VAE {vae} vs language model {lm}");
        Assert.True(vae - lm < 2, $"VAE {vae} vs language model {lm}");
        Assert.True(vae - lm < 0.05 * lm, $"VAE {vae} vs language model {lm}");
    }

    [Fact]
    public void Kl_SmallButNotCollapsed()
    {
        Assert.InRange(Bounds.Number(Vae, "KL"), 0.5, 3);
    }

    [Fact]
    public void Diagnostics_AllDimensionsActive_YetTheInformationIsUnderTwoNatsAndCloseToTheKl()
    {
        double information = Bounds.Number(Vae, "MI (nats)");
        var logN = double.Parse(Regex.Match(Bounds.Caption, @"log N = ([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);

        Assert.Equal(32, Bounds.Number(Vae, "active units"));
        Assert.Contains("active units of 32 (threshold 0.01)", Bounds.Caption);
        Assert.True(information < 2, $"MI {information}");
        Assert.True(information < logN / 3, $"MI {information}, log N {logN}");
        Assert.True(Math.Abs(information - Bounds.Number(Vae, "KL")) < 0.3, $"MI {information}, KL {Bounds.Number(Vae, "KL")}");
        Assert.True(information > Math.Log(2) && information < 2, $"'about 1.3 nats': {information}");
    }

    [Fact]
    public void Training_KlGrowsPastTwentyWhileTheWeightIsNearZero_ThenEndsUnderThree()
    {
        var figure = Assert.Single(notebook.Executed.Figures("Lab.SequenceTraining("));
        var kl = ExecutedNotebook.Values(NotebookAtDefaults.Trace(figure, Vae + " KL"), "y");
        var weight = ExecutedNotebook.Values(NotebookAtDefaults.Trace(figure, Vae + " β"), "y");
        Assert.Equal(kl.Length, weight.Length);

        Assert.True(weight[0] < 0.01 && weight[^1] > 0.99, $"β from {weight[0]} to {weight[^1]}");
        Assert.Contains(Enumerable.Range(0, kl.Length), i => weight[i] < 0.1 && kl[i] > 20);
        Assert.True(kl[^1] < 3, $"last KL {kl[^1]}");
        NotebookAtDefaults.Trace(figure, "language model"); // the language model's NLL is drawn on the top panel
    }

    [Fact]
    public void PriorSamples_GreedyAlwaysHasUnk_AndUsesItMoreThanSampling()
    {
        var table = Assert.Single(notebook.Executed.Tables("Lab.PriorSamples("));
        Assert.Equal(8, table.Rows.Count);
        Assert.All(table.Rows, r => Assert.Contains("<unk>", r[1]));

        Assert.True(UnknownShare(table.Rows.Select(r => r[1])) > UnknownShare(table.Rows.Select(r => r[2])));
    }

    [Fact]
    public void Reconstructions_NoneReproducesOrIsLonger_MostWordsUnk()
    {
        var rows = Reconstructions.Rows;
        Assert.Equal(8, rows.Count);
        Assert.All(rows, r => Assert.NotEqual(r[0], r[1]));
        Assert.All(rows, r => Assert.True(Words(r[1]).Length <= Words(r[0]).Length, $"'{r[1]}' is longer than '{r[0]}'"));
        Assert.True(UnknownShare(rows.Select(r => r[1])) > 0.5);
    }

    [Fact]
    public void Homotopy_EndsMarkedAndReconstructed_GrowingOneTokenAtMostPerPoint()
    {
        var table = Assert.Single(notebook.Executed.Tables("Lab.Homotopy("));
        var rows = table.Rows;
        Assert.Equal(9, rows.Count);
        Assert.Equal(["A", "", Reconstructions.Rows[0][0]], rows[0]);
        Assert.Equal(["B", "", Reconstructions.Rows[1][0]], rows[^1]);
        Assert.Contains("font-weight: bold", notebook.Executed.Html("Lab.Homotopy("));
        Assert.Equal(Reconstructions.Rows[0][1], rows[1][2]);
        Assert.Equal(Reconstructions.Rows[1][1], rows[^2][2]);

        var path = rows.Skip(1).Take(7).Select(r => r[2]).ToList();
        Assert.All(path, s => Assert.NotEqual("(empty)", s));
        for (int i = 1; i < path.Count; i++)
            Assert.InRange(Words(path[i]).Length - Words(path[i - 1]).Length, 0, 1);
    }

    private static string[] Words(string sentence) => sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static double UnknownShare(IEnumerable<string> sentences)
    {
        var words = sentences.SelectMany(Words).ToList();
        return words.Count(w => w == "<unk>") / (double)words.Count;
    }
}
