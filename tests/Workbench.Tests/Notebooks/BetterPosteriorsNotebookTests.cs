namespace Workbench.Tests.Notebooks;

public sealed class BetterPosteriorsAtDefaults : NotebookAtDefaults
{
    protected override string Name => "11-better-posteriors-and-samples";
}

/// <summary>notebooks/11-better-posteriors-and-samples.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public class BetterPosteriorsNotebookTests(BetterPosteriorsAtDefaults notebook) : IClassFixture<BetterPosteriorsAtDefaults>
{
    private const string Gap = "gap (nats)";
    private static readonly string[] Runs = ["diagonal", "planar K=8", "IAF K=4"];

    private ExecutedNotebook.Table Gaps => Assert.Single(notebook.Executed.Tables("Lab.ComparePosteriors("));

    private double[] PerImage(string run) => Enumerable.Range(0, 4).Select(i => Gaps.Number(run, $"gap, image {i}")).ToArray();

    [Fact]
    public void Notebook_RunsCleanly_WithItsFigure() => notebook.AssertRanCleanly(minFigures: 1, minPictures: 0);

    [Fact]
    public void Gaps_NeverNegative_AndTheMeanIsThePerImageAverage()
    {
        Assert.All(Runs, run =>
        {
            Assert.All(PerImage(run), g => Assert.True(g >= 0, $"{run}: gap {g}"));
            Assert.Equal(PerImage(run).Average(), Gaps.Number(run, Gap), 3);
        });
    }

    [Fact]
    public void Gaps_AsTheTextStates()
    {
        // "The diagonal Gaussian leaves 0.95 nats per image on average (from 0.22 to 2.65)."
        Assert.Equal(0.95, Math.Round(Gaps.Number("diagonal", Gap), 2));
        Assert.Equal(0.22, Math.Round(PerImage("diagonal").Min(), 2));
        Assert.Equal(2.65, Math.Round(PerImage("diagonal").Max(), 2));
        // "Planar flows with K = 8 leave 0.55 nats, a smaller gap than the diagonal's on three of the four images."
        Assert.Equal(0.55, Math.Round(Gaps.Number("planar K=8", Gap), 2));
        Assert.Equal(3, PerImage("planar K=8").Zip(PerImage("diagonal")).Count(p => p.First < p.Second));
        // "The IAF with K = 4 … leaves 1.31 nats on average, more than the diagonal, most of it on image 2 (2.40 nats)."
        Assert.Equal(1.31, Math.Round(Gaps.Number("IAF K=4", Gap), 2));
        Assert.True(Gaps.Number("IAF K=4", Gap) > Gaps.Number("diagonal", Gap));
        Assert.Equal(2.40, Math.Round(PerImage("IAF K=4")[2], 2));
        Assert.Equal(2, Array.IndexOf(PerImage("IAF K=4"), PerImage("IAF K=4").Max()));
    }

    [Fact]
    public void Pictures_ATruePosteriorAndAnApproximationPerRunAndImage_EachWindowHoldingItsPosterior()
    {
        var figure = Assert.Single(notebook.Executed.Figures("Lab.PosteriorPictures("));
        Assert.Equal(4 * 2 * Runs.Length, figure.Count);
        for (int k = 0; k < figure.Count; k++)
        {
            var x = ExecutedNotebook.Values(figure[k]!, "x");
            var y = ExecutedNotebook.Values(figure[k]!, "y");
            var z = figure[k]!["z"]!.AsArray().Select(row => row!.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToArray();
            double area = (x[1] - x[0]) * (y[1] - y[0]);
            if (k % 2 == 0)
            {
                // p(z|x) (normalised over the window): the window reaches far enough that the density at its edge is under 1 % of the peak.
                double peak = z.SelectMany(r => r).Max();
                double edge = z[0].Concat(z[^1]).Concat(z.Select(r => r[0])).Concat(z.Select(r => r[^1])).Max();
                Assert.True(edge < 0.01 * peak, $"panel {k}: edge {edge}, peak {peak}");
            }
            else Assert.InRange(z.SelectMany(r => r).Sum() * area, 0.99, 1.0001);   // q's draws fall in the window
        }
    }
}
