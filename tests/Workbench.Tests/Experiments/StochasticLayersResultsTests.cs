using System.Globalization;
using System.Text.Json;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The stochastic-layers table of docs/results.md (the IWAE paper's Table 1 layout), the sentences beside it and the README
/// lines, against the committed summaries of results/stochastic-layers/ (experiments/stochastic-layers.json).
/// </summary>
public class StochasticLayersResultsTests
{
    private const string Section = "Two stochastic layers: the IWAE paper's Table 1";
    private static readonly string Root = Support.Repository.Root();
    private static readonly string[] Runs = ["one-layer-vae", "one-layer-iwae-k5", "two-layer-vae", "two-layer-iwae-k5"];

    private static RunSummary Summary(string run) =>
        RunFiles.ReadSummary(Path.Combine(Root, "results", "stochastic-layers", "model=" + run, "summary.json"));

    private static double Nll(string run) => Summary(run).ImportanceWeightedBound!.Value;

    /// <summary>Active units per stochastic layer: [z1] for one layer, [z1, z2] for two.</summary>
    private static int[] PerLayer(string run)
    {
        var s = Summary(run);
        int[] sizes = s.LatentSize == 50 ? [50] : [100, 50];
        return new ActiveUnitsEvaluation(s.Activity, 0.01).CountPerBlock(sizes);
    }

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Units(string run) => string.Join("+", PerLayer(run));

    /// <summary>The table rows (lines starting "| " below the header and its rule) of the section, as trimmed cells.</summary>
    private static List<string[]> Rows(string section) =>
        section.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(2)
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim().Replace("**", "")).ToArray()).ToList();

    [Fact]
    public void ResultsPageTable_MatchesTheCommittedSummaries()
    {
        var rows = Rows(Support.DocsPage.Section("results.md", Section));
        Assert.Equal(2, rows.Count);
        Assert.Equal(["VAE (the ELBO)", "1", F(Nll("one-layer-vae")), Units("one-layer-vae"), F(Nll("two-layer-vae")), Units("two-layer-vae")], rows[0]);
        Assert.Equal(["IWAE", "5", F(Nll("one-layer-iwae-k5")), Units("one-layer-iwae-k5"), F(Nll("two-layer-iwae-k5")), Units("two-layer-iwae-k5")], rows[1]);
    }

    [Fact]
    public void CommittedRuns_AreTheExperimentFilesRunsOnTheSameDataAndBudget()
    {
        var (_, specs) = ExperimentLoader.Expand(Path.Combine(Root, "experiments", "stochastic-layers.json"));
        Assert.Equal(Runs.Select(r => "model=" + r), specs.Select(s => s.Id));
        Assert.All(Runs, run =>
        {
            var s = Summary(run);
            Assert.Equal(("hierarchical-vae", "fashion-mnist", 60000, 10, 1UL), (s.Variant, s.Dataset, s.TrainImages, s.Epochs, s.Seed));
            Assert.Equal((5000, 1000), (s.ImportanceSamples, s.ImportanceImages));
        });
        Assert.Equal([50, 50, 150, 150], Runs.Select(r => Summary(r).LatentSize));
        Assert.Equal(["elbo", "importance-weighted", "elbo", "importance-weighted"], Runs.Select(r => Summary(r).Objective));
    }

    private static double Round(double value) => Math.Round(value, 2);

    private static string Page() => Support.DocsPage.Section("results.md", Section).Replace("\r\n", "\n");

    [Fact]
    public void IwaeAgainstVae_TightensTheBoundWithEitherDepth_AndUsesMoreUnitsWithOneLayer()
    {
        Assert.Equal(1.92, Round(Nll("one-layer-vae") - Nll("one-layer-iwae-k5")));
        Assert.Equal(3.64, Round(Nll("two-layer-vae") - Nll("two-layer-iwae-k5")));
        Assert.Equal([6], PerLayer("one-layer-vae"));
        Assert.Equal([20], PerLayer("one-layer-iwae-k5"));
        Assert.True(PerLayer("one-layer-iwae-k5")[0] > 3 * PerLayer("one-layer-vae")[0]);
        Assert.Equal((2, 2), (PerLayer("two-layer-vae")[1], PerLayer("two-layer-iwae-k5")[1]));
        var page = Page();
        Assert.Contains("by 1.92 nats (243.63 → 241.71)", page);
        Assert.Contains("(20 against 6 of 50)", page);
        Assert.Contains("3.64 nats (247.97 → 244.33)", page);
        Assert.Contains("keeps 2 of its\n  50 units either way", page);
    }

    [Fact]
    public void TwoLayersAgainstOne_AtThisBudget_TheBoundIsWorse()
    {
        Assert.Equal(4.34, Round(Nll("two-layer-vae") - Nll("one-layer-vae")));
        Assert.Equal(2.62, Round(Nll("two-layer-iwae-k5") - Nll("one-layer-iwae-k5")));
        var page = Page();
        Assert.Contains("4.34 nats worse\n  for the VAE and 2.62 nats worse for the IWAE", page);
        Assert.True(10.0 / 6561 < 0.002, "10 epochs are under 0.2 % of 3^8 passes");
    }

    [Fact]
    public void FirstLayerActivities_AllPassTheThreshold_OverAWideRange()
    {
        foreach (var run in new[] { "two-layer-vae", "two-layer-iwae-k5" })
        {
            var z1 = Summary(run).Activity[..100];
            Assert.Equal(100, PerLayer(run)[0]);
            Assert.InRange(z1.Min(), 0.01f, 0.1f);
            Assert.InRange(z1.Max(), 30f, 36f);
        }
        Assert.Contains("activities range from 0.01\n  to 35", Page());
    }

    [Fact]
    public void TrainingTimes_AreTheSummariesSeconds()
    {
        Assert.Equal([284, 552, 96, 285], Runs.Select(r => (int)Math.Round(Summary(r).TrainSeconds)));
        Assert.Contains("Training took 284, 552, 96 and 285 s", Page());
    }

    [Fact]
    public void Readme_StatesTheTableNumbers()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md")).Replace("\r\n", "\n");
        Assert.Contains($"test NLL bound {F(Nll("two-layer-vae"))} against {F(Nll("one-layer-vae"))} nats for the VAE, " +
                        $"{F(Nll("two-layer-iwae-k5"))} against {F(Nll("one-layer-iwae-k5"))} for the IWAE k = 5", readme.Replace("\n", " "));
        Assert.True(Nll("one-layer-iwae-k5") < Nll("one-layer-vae") && Nll("two-layer-iwae-k5") < Nll("two-layer-vae"), "IWAE training helps with either depth");
    }
}
