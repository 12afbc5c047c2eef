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

    private ExecutedNotebook.Table Samples => Assert.Single(notebook.Executed.Tables("Lab.SampleQuality("));

    private double Score(string model, string column) => Samples.Number(model + ": prior", column);

    [Fact]
    public void SampleQuality_AsTheTextStates()
    {
        const string fd = "Fréchet distance";
        Assert.Equal(3, Samples.Rows.Count); // prior samples only
        // "the VAE–GAN's samples have the lowest Fréchet distance, 89.1 against the convolutional VAE's 111.8 … less precise (0.496 against 0.693)"
        Assert.Equal(Samples.Numbers(fd).Min(), Score("VAE–GAN", fd));
        Assert.Equal(89.1, Math.Round(Score("VAE–GAN", fd), 1));
        Assert.Equal(111.8, Math.Round(Score("conv VAE", fd), 1));
        Assert.Equal(0.496, Math.Round(Score("VAE–GAN", "precision"), 3));
        Assert.Equal(0.693, Math.Round(Score("conv VAE", "precision"), 3));
        // "The VQ-VAE's samples have the highest recall, 0.512 against 0.311, but the highest Fréchet distance (133.6) and the lowest precision (0.227)"
        Assert.Equal(0.512, Math.Round(Score("VQ-VAE", "recall"), 3));
        Assert.Equal(0.311, Math.Round(Score("conv VAE", "recall"), 3));
        Assert.Equal(Samples.Numbers("recall").Max(), Score("VQ-VAE", "recall"));
        Assert.Equal(Samples.Numbers(fd).Max(), Score("VQ-VAE", fd));
        Assert.Equal(Samples.Numbers("precision").Min(), Score("VQ-VAE", "precision"));
        Assert.Equal(133.6, Math.Round(Score("VQ-VAE", fd), 1));
        Assert.Equal(0.227, Math.Round(Score("VQ-VAE", "precision"), 3));
    }

    [Fact]
    public void FullTrainingSet_BothRemediesBelowTheConvVae_TheVqVaeLowest()
    {
        // "On the full training set, trained for 3 epochs …, both reach a lower Fréchet distance than the convolutional VAE, the VQ-VAE the lower of the two."
        double Committed(string run) => System.Text.Json.JsonSerializer.Deserialize<Workbench.Experiments.RunFolders.RunSummary>(
            File.ReadAllText(Path.Combine(Support.Repository.Root(), "results", "sample-quality", "model=" + run, "summary.json")),
            Workbench.Experiments.Definitions.ExperimentJson.Options)!.SampleQuality!.Prior.FrechetDistance;
        Assert.True(Committed("vae-gan") < Committed("conv"));
        Assert.True(Committed("vq-vae") < Committed("vae-gan"));
        Assert.Contains("trained for 3 epochs", notebook.Executed.Markdown);
    }

    [Fact]
    public void VaeGanTerms_ThePanelsTheTextNames()
    {
        var figure = Assert.Single(notebook.Executed.Figures("Lab.TrainingTerms("));
        var names = figure.Select(t => (string?)t!["name"]).ToHashSet();
        foreach (var panel in new[] { "encoder loss", "decoder loss", "discriminator loss", "decoder updated", "discriminator updated" })
            Assert.Contains(panel, names);
    }

    [Fact]
    public void VqVae_ShowsItsPicturesAsHtml_NotAnObjectTree()
    {
        var html = notebook.Executed.Html("Lab.TrainVqVae(");
        Assert.Contains("samples, PixelCNN prior", html);
        Assert.DoesNotContain("VqVaeLabRun {", html);
    }
}
