using Workbench.Experiments.Figures;
using Workbench.Experiments.Reports;
using Workbench.Plotting.Charts;
using Workbench.Tensors;
using Workbench.Tests.Experiments;
using Workbench.Tests.Support;

namespace Workbench.Tests.Plotting;

/// <summary>Figures that name what they show: checked by drawing each in headless Chromium.</summary>
public class StoryFigureTests
{
    [Fact]
    public void MostActive_KlPerDimension_RanksByKlThenIndex()
    {
        Assert.Equal([2, 4], LatentDimensions.MostActive([0.01f, 0f, 3f, 0.01f, 1f], 5, 2));
        Assert.Equal([0, 3], LatentDimensions.MostActive([1f, 0f, 0f, 1f], 4, 2));
        Assert.Equal([0, 1, 2], LatentDimensions.MostActive([], 5, 3)); // no per-dimension KL: the first ones
    }

    [ChromiumFact]
    public async Task LatentScatter_CollapsedLeadingDimensions_ShowsTheMostActiveAndNamesThem()
    {
        var model = TestData.SmallMlp(latent: 5).Build(new Rng(1));
        var data = TestData.Fashion(60);
        var figure = RunArtifacts.LatentScatter(model, data, count: 60, klPerDimension: [0.01f, 0f, 3f, 0.02f, 1.5f]);

        var drawn = await FigureInBrowser.Draw(figure);
        Assert.Contains("μ(x) on z2 and z4, the two dimensions with the most KL (3.00, 1.50 nats)", drawn.AllText);
        Assert.Contains("z2", drawn.Texts);
        Assert.Contains("z4", drawn.Texts);
        Assert.Contains("T-shirt/top", drawn.Legend);
    }

    [ChromiumFact]
    public async Task LatentScatterPerRun_Panels_ShareAxesAndNameDimensionsAndRuns()
    {
        var rng = new Rng(3);
        float[] Means(float scale) => Enumerable.Range(0, 40 * 3).Select(_ => scale * (float)rng.NextNormal()).ToArray();
        var labels = Enumerable.Range(0, 40).Select(i => i % 4).ToArray();
        var figure = ComparisonFigures.LatentScatterPerRun(
        [
            new LatentPanel("elbo", Means(1), 3, labels, [0.1f, 2f, 1f]),
            new LatentPanel("kl-only", Means(0.005f), 3, labels, [0f, 0f, 0f]),
        ], ["T-shirt/top", "Trouser", "Pullover", "Dress"], "Latent space per objective");

        var drawn = await FigureInBrowser.Draw(figure);
        Assert.Contains("elbo", drawn.Texts);
        Assert.Contains("kl-only", drawn.Texts);
        Assert.Contains("z1", drawn.Texts);
        Assert.Contains("z2", drawn.Texts);
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress"], drawn.Legend);
        // One scale for all panels: the collapsed run's ±0.005 does not fill its panel.
        Assert.Equal(drawn.Ranges["xaxis"], drawn.Ranges["xaxis2"]);
        Assert.Equal(drawn.Ranges["yaxis"], drawn.Ranges["yaxis2"]);
        Assert.True(drawn.Ranges["xaxis2"][1] - drawn.Ranges["xaxis2"][0] > 1);
    }

    [ChromiumFact]
    public async Task PerDimensionKl_TwentyDimensionsFiveRuns_FitsWithLegendInViewFromZero()
    {
        var runs = Enumerable.Range(0, 5).Select(r => new KlPerDimension($"β={r + 1}", Enumerable.Range(0, 20).Select(d => (float)(d % 3)).ToArray())).ToArray();
        var figure = VaeCharts.PerDimensionKl(runs);
        Assert.True(figure.Layout.Width <= 900);

        var drawn = await FigureInBrowser.Draw(figure);
        Assert.Equal(runs.Select(r => r.Run), drawn.Legend);
        Assert.Equal(Enumerable.Range(0, 20).Select(d => $"z{d}"), drawn.TickLabels["xaxis"]);
        Assert.Equal(0, drawn.Ranges["yaxis"][0]);
    }

    [ChromiumFact]
    public async Task RateDistortion_LabelledPoints_ShowTheirLabelsAndRateFromZero()
    {
        var figure = VaeCharts.RateDistortion(
        [
            new RateDistortionPoint(1, 25, 230, Label: "elbo"),
            new RateDistortionPoint(1, 0.01, 400, Label: "kl-only"),
            new RateDistortionPoint(0, 60, 210, Label: "reconstruction-only"),
        ], "Rate–distortion per objective (test set)");

        var drawn = await FigureInBrowser.Draw(figure);
        foreach (var label in new[] { "elbo", "kl-only", "reconstruction-only", "Rate–distortion per objective (test set)" })
            Assert.Contains(label, drawn.Texts);
        Assert.DoesNotContain(drawn.Texts, t => t.StartsWith("β=", StringComparison.Ordinal));
        Assert.True(drawn.Ranges["xaxis"][0] <= 0);
    }
}
