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
    public void Objective_NamedElboOnlyForBetaOne_BetaElboOtherwise()
    {
        // "With β ≠ 1 the loss is not the ELBO but the β-weighted bound ..., which the table's "objective" column names "β-ELBO""
        foreach (var beta in Betas)
        {
            var objective = Comparison.Row(beta)[1];
            if (beta == "β=1") Assert.StartsWith("ELBO,", objective);
            else Assert.StartsWith("β-ELBO,", objective);
        }
    }

    [Fact]
    public void RateDistortion_DrawsAnEqualElboLineThroughEachModel_BetaOneOnTheLowest()
    {
        // "lines of slope −1 are lines of equal ELBO: the chart draws one, dashed grey, through each model, and a lower
        // line is a better ELBO. β = 1 ... sits on the lowest."
        var figure = Assert.Single(notebook.Executed.Figures("Lab.RateDistortion(runs)"));
        var models = NotebookAtDefaults.Trace(figure, "models");
        var rate = ExecutedNotebook.Values(models, "x");
        var distortion = ExecutedNotebook.Values(models, "y");
        var labels = models["text"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray();
        var lines = figure.Where(t => t!["legendgroup"]?.GetValue<string>() == "equal-elbo").ToList();
        Assert.Equal(Betas.Length, lines.Count);
        var intercepts = lines.Select(line =>
        {
            var x = ExecutedNotebook.Values(line!, "x");
            var y = ExecutedNotebook.Values(line!, "y");
            Assert.Equal(-1, (y[1] - y[0]) / (x[1] - x[0]), 6);
            Assert.Equal("dash", line!["line"]!["dash"]!.GetValue<string>());
            return y[0] + x[0];
        }).ToArray();
        for (int i = 0; i < rate.Length; i++)
            Assert.Contains(intercepts, c => Math.Abs(c - (rate[i] + distortion[i])) < 1e-6);

        var lowest = Enumerable.Range(0, rate.Length).MinBy(i => rate[i] + distortion[i]);
        Assert.Equal("β=1", labels[lowest]);
    }

    [Fact]
    public void LargerBeta_MoreDimensionsInactive_InactiveOnesAtNearZeroNats_BetaFourHasActiveOnesUnderATenth()
    {
        // "As β grows, more dimensions become inactive; at β = 8 half of them are, and their bars sit at ≈ 0 (under
        // 0.01 nats each) ... at β = 4, some dimensions shrink below 0.1 nats yet still vary across images, so they
        // still count as active"
        var figure = Assert.Single(notebook.Executed.Figures("Lab.PerDimensionKl(runs)"));
        double[] Kl(string beta) => ExecutedNotebook.Values(NotebookAtDefaults.Trace(figure, beta), "y");
        var inactive = Betas.Select(b => (int)(Comparison.Number(b, "latent") - Comparison.Number(b, "active units"))).ToArray();

        for (int i = 1; i < Betas.Length; i++)
            Assert.True(inactive[i] >= inactive[i - 1], $"inactive dimensions per β: {string.Join(", ", inactive)}");
        Assert.Equal(Kl("β=8").Length / 2, inactive[^1]);
        Assert.Equal(inactive[^1], Kl("β=8").Count(kl => kl < 0.01));
        Assert.Equal(0, inactive[Array.IndexOf(Betas, "β=4")]);
        Assert.True(Kl("β=4").Count(kl => kl < 0.1) > 0, $"β=4 per-dimension KL: {string.Join(", ", Kl("β=4"))}");
    }
}
