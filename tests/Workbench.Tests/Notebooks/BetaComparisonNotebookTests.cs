namespace Workbench.Tests.Notebooks;

public sealed class BetaComparisonAtDefaults : NotebookAtDefaults
{
    protected override string Name => "02-beta-comparison";
}

/// <summary>notebooks/02-beta-comparison.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public class BetaComparisonNotebookTests(BetaComparisonAtDefaults notebook) : IClassFixture<BetaComparisonAtDefaults>
{
    private static readonly string[] Betas = ["β=0.5", "β=1", "β=2", "β=4", "β=8"];

    private ExecutedNotebook.Table Comparison => Assert.Single(notebook.Executed.Tables("Lab.Compare(runs, test)"));

    [Fact]
    public void Notebook_RunsCleanly_WithItsFiguresAndPictures() => notebook.AssertRanCleanly(minFigures: 2, minPictures: 10);

    [Fact]
    public void LargerBeta_FewerNatsThroughTheCode_WorseReconstructions()
    {
        var kl = Betas.Select(b => Comparison.Number(b, "KL")).ToArray();
        var reconstruction = Betas.Select(b => Comparison.Number(b, "reconstruction")).ToArray();

        for (int i = 1; i < Betas.Length; i++)
        {
            Assert.True(kl[i] < kl[i - 1], $"KL {Betas[i - 1]} {kl[i - 1]} → {Betas[i]} {kl[i]}");
            Assert.True(reconstruction[i] > reconstruction[i - 1], $"reconstruction {Betas[i - 1]} {reconstruction[i - 1]} → {Betas[i]} {reconstruction[i]}");
        }
    }

    [Fact]
    public void BetaOne_SitsLowestOnTheLinesOfEqualElbo()
    {
        var elbo = Betas.ToDictionary(b => b, b => Comparison.Number(b, "−ELBO"));

        Assert.Equal("β=1", elbo.MinBy(p => p.Value).Key);
    }

    [Fact]
    public void LargerBeta_MoreDimensionsDropToNearZeroNats()
    {
        // Per-dimension test KL from the bar chart: "As β grows, more dimensions drop to ≈ 0 nats".
        var figure = Assert.Single(notebook.Executed.Figures("Lab.PerDimensionKl(runs)"));
        var nearZero = Betas.Select(b => ExecutedNotebook.Values(NotebookAtDefaults.Trace(figure, b), "y").Count(kl => kl < 0.1)).ToArray();

        for (int i = 1; i < Betas.Length; i++)
            Assert.True(nearZero[i] >= nearZero[i - 1], $"dimensions under 0.1 nats per β: {string.Join(", ", nearZero)}");
        Assert.True(nearZero[^1] > nearZero[0], $"dimensions under 0.1 nats per β: {string.Join(", ", nearZero)}");
    }
}
