using System.Globalization;
using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The colour-sprites section of docs/results.md and the README's colour headline against the committed run summaries of
/// <c>experiments/colour-sprites.json</c>: every number is the mean ± sample standard deviation over the seeds of the
/// summaries under <c>results/colour-sprites/</c>.
/// </summary>
public class ColourSpritesResultsTests
{
    private const string Heading = "Colour sprites: disentanglement with colour as a sixth factor";

    private static string Root => Support.Repository.Root();

    private static string Folder => Path.Combine(Root, "results", "colour-sprites");

    /// <summary>Per method (the model's grid id): the summaries of its seeds, in seed order.</summary>
    private static Dictionary<string, RunSummary[]> Methods() =>
        Directory.GetFiles(Folder, RunFolder.SummaryFile, SearchOption.AllDirectories)
            .Select(f => RunFiles.ReadSummary(f))
            .GroupBy(s => s.Run[(s.Run.IndexOf('=') + 1)..s.Run.IndexOf("_seed=", StringComparison.Ordinal)])
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Seed).ToArray());

    private static RunDisentanglement Disentanglement(RunSummary run) => RunDisentanglement.Read(Path.Combine(Folder, run.Run))!;

    private static double Mean(IEnumerable<double> values) => values.Average();

    [Fact]
    public void CommittedRuns_AreTheExperimentsNineColourRunsWithSixFactors()
    {
        var methods = Methods();
        Assert.Equal(["beta-tcvae-6", "beta-vae-1", "beta-vae-4"], methods.Keys.Order());
        Assert.All(methods.Values, runs => Assert.Equal([1UL, 2UL, 3UL], runs.Select(r => r.Seed)));
        Assert.All(methods.Values.SelectMany(r => r), r =>
        {
            Assert.Equal("sprites-colour", r.Dataset);
            Assert.Equal(["shape", "colour", "scale", "rotation", "x", "y"], Disentanglement(r).Factors);
            Assert.True(File.Exists(Path.Combine(Folder, r.Run, "images", "reconstructions.png")), $"{r.Run}: reconstructions.png missing");
        });
        var (_, specs) = ExperimentLoader.Expand(Path.Combine(Root, "experiments", "colour-sprites.json"));
        Assert.All(specs, s => Assert.Equal(3, s.Definition.Model.ImageChannels));
        Assert.Equal(specs.Select(s => s.Id).Order(), methods.Values.SelectMany(r => r).Select(r => r.Run).Order());
    }

    [Fact]
    public void ResultsPage_StatesEachMethodsMeanAndSdOverSeeds()
    {
        var section = Support.DocsPage.Section("results.md", Heading);
        foreach (var (method, runs) in Methods())
            Assert.Contains(DisentanglementResultsTests.Row(method, runs), section);
    }

    [Fact]
    public void ResultsPageClaims_HoldForTheCommittedRuns()
    {
        var methods = Methods();
        var runs = methods.Values.SelectMany(r => r).ToArray();
        // "In every one of the 9 runs at least two latent dimensions know more about colour than about any other factor,
        // and no dimension's best factor is shape or rotation."
        Assert.Equal(9, runs.Length);
        Assert.All(runs, r =>
        {
            var best = Disentanglement(r).DimensionFactor;
            Assert.True(best.Count(f => f == "colour") >= 2, $"{r.Run}: {string.Join(", ", best)}");
            Assert.DoesNotContain("shape", best);
            Assert.DoesNotContain("rotation", best);
        });

        // "β-TCVAE has the highest MIG here, 0.078 against 0.034 for β = 4: the difference of the means is larger than either sd."
        var tc = DisentanglementResultsTests.MeanSd(methods["beta-tcvae-6"].Select(r => r.Mig!.Value));
        var four = DisentanglementResultsTests.MeanSd(methods["beta-vae-4"].Select(r => r.Mig!.Value));
        var one = DisentanglementResultsTests.MeanSd(methods["beta-vae-1"].Select(r => r.Mig!.Value));
        Assert.True(tc.Mean > four.Mean && tc.Mean > one.Mean);
        Assert.True(tc.Mean - four.Mean > Math.Max(tc.Sd, four.Sd), $"β-TCVAE {tc}, β = 4 {four}");

        // "It pays about 5 nats of reconstruction for it at a slightly lower KL. Every run's MIG is still below 0.11."
        double Reconstruction(string method) => Mean(methods[method].Select(r => r.TestReconstruction));
        double Kl(string method) => Mean(methods[method].Select(r => r.TestKl));
        Assert.InRange(Reconstruction("beta-tcvae-6") - Reconstruction("beta-vae-4"), 4.5, 5.5);
        Assert.InRange(Kl("beta-vae-4") - Kl("beta-tcvae-6"), 0, 1);
        Assert.All(runs, r => Assert.True(r.Mig < 0.11, $"{r.Run}: MIG {r.Mig}"));

        // "In the best run (β-TCVAE, seed 2) one dimension, z5, holds 0.44 of the colour factor's entropy."
        var bestRun = runs.MaxBy(r => r.Mig!.Value)!;
        Assert.Equal("model=beta-tcvae-6_seed=2", bestRun.Run);
        var measured = Disentanglement(bestRun);
        int colour = Array.IndexOf(measured.Factors, "colour");
        var share = Enumerable.Range(0, measured.DimensionFactor.Length).Select(z => measured.MutualInformation[z][colour] / measured.FactorEntropy[colour]).ToArray();
        Assert.Equal(5, Array.IndexOf(share, share.Max()));
        Assert.Equal("0.44", share[5].ToString("0.00", CultureInfo.InvariantCulture));

        // "The 9 runs took 59 minutes of wall-clock time, from the first run's start to the last run's end."
        var times = runs.Select(r => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, r.Run, "environment.json"))).RootElement)
            .Select(e => (Started: e.GetProperty("started").GetDateTimeOffset(), Finished: e.GetProperty("finished").GetDateTimeOffset())).ToArray();
        Assert.Equal(59, (int)Math.Round((times.Max(t => t.Finished) - times.Min(t => t.Started)).TotalMinutes));
    }

    [Fact]
    public void Readme_ColourHeadline_IsTheCommittedMeansAndSds()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var methods = Methods();
        string MigText(string method)
        {
            var (mean, sd) = DisentanglementResultsTests.MeanSd(methods[method].Select(r => r.Mig!.Value));
            return string.Create(CultureInfo.InvariantCulture, $"{mean:0.000} ± {sd:0.000}");
        }
        int section = readme.IndexOf("## Your own data", StringComparison.Ordinal);
        Assert.True(section >= 0, "README has no section 'Your own data'");
        var text = readme[section..readme.IndexOf("\n## ", section + 1, StringComparison.Ordinal)].Replace("\n", " ");
        Assert.Contains($"β-TCVAE reaches a MIG of {MigText("beta-tcvae-6")} against {MigText("beta-vae-4")} for β-VAE at β = 4, over 3 seeds", text);
        Assert.Contains("docs/colour.md", text);
    }
}
