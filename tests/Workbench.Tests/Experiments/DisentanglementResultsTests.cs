using System.Globalization;
using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The disentanglement table of docs/results.md against the committed run summaries of <c>experiments/disentanglement.json</c>:
/// every number it states is the mean ± sample standard deviation over the seeds of the summaries under
/// <c>results/disentanglement/</c>.
/// </summary>
public class DisentanglementResultsTests
{
    private static string Root => Support.Repository.Root();

    /// <summary>Per method (the model's grid id): MIG, reconstruction and KL of each seed.</summary>
    internal static Dictionary<string, RunSummary[]> Methods()
    {
        var folder = Path.Combine(Root, "results", "disentanglement");
        return Directory.GetFiles(folder, RunFolder.SummaryFile, SearchOption.AllDirectories)
            .Select(f => RunFiles.ReadSummary(f))
            .GroupBy(s => s.Run[(s.Run.IndexOf('=') + 1)..s.Run.IndexOf("_seed=", StringComparison.Ordinal)])
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Seed).ToArray());
    }

    internal static (double Mean, double Sd) MeanSd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Average();
        return (mean, Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)));
    }

    /// <summary>The table row of a method: "| beta-vae-4 | 0.123 ± 0.045 | 40.12 ± 0.33 | 6.54 ± 0.10 |".</summary>
    internal static string Row(string method, RunSummary[] runs)
    {
        var mig = MeanSd(runs.Select(r => r.Mig!.Value));
        var reconstruction = MeanSd(runs.Select(r => r.TestReconstruction));
        var kl = MeanSd(runs.Select(r => r.TestKl));
        return string.Create(CultureInfo.InvariantCulture,
            $"| {method} | {mig.Mean:0.000} ± {mig.Sd:0.000} | {reconstruction.Mean:0.00} ± {reconstruction.Sd:0.00} | {kl.Mean:0.00} ± {kl.Sd:0.00} |");
    }

    [Fact]
    public void CommittedRuns_AreTheExperimentsEighteenRunsWithTheirMig()
    {
        var methods = Methods();
        Assert.Equal(["beta-tcvae-6", "beta-vae-1", "beta-vae-16", "beta-vae-2", "beta-vae-4", "beta-vae-8"], methods.Keys.Order());
        Assert.All(methods.Values, runs => Assert.Equal([1UL, 2UL, 3UL], runs.Select(r => r.Seed)));
        Assert.All(methods.Values.SelectMany(r => r), r => Assert.InRange(r.Mig!.Value, 0, 1));
        Assert.All(methods.Values.SelectMany(r => r), r => Assert.True(
            File.Exists(Path.Combine(Root, "results", "disentanglement", r.Run, RunDisentanglement.FileName)), $"{r.Run}: disentanglement.json missing"));
    }

    [Fact]
    public void ResultsPageClaims_HoldForTheCommittedRuns()
    {
        var methods = Methods();
        // "Every one of the 18 runs has a MIG below 0.07."
        Assert.Equal(18, methods.Values.Sum(r => r.Length));
        Assert.All(methods.Values.SelectMany(r => r), r => Assert.True(r.Mig < 0.07, $"{r.Run}: MIG {r.Mig}"));

        // "Its mean MIG is within the seed-to-seed spread of β = 4 and β = 16: the differences of the means are smaller than either sd."
        var tc = MeanSd(methods["beta-tcvae-6"].Select(r => r.Mig!.Value));
        foreach (var other in new[] { "beta-vae-4", "beta-vae-16" })
        {
            var beta = MeanSd(methods[other].Select(r => r.Mig!.Value));
            Assert.True(Math.Abs(tc.Mean - beta.Mean) < Math.Min(tc.Sd, beta.Sd), $"{other}: {beta} vs β-TCVAE {tc}");
        }

        // "Its reconstruction is within 2 nats of β = 4's and more than 20 nats better than β = 16's."
        double Reconstruction(string method) => methods[method].Average(r => r.TestReconstruction);
        double Kl(string method) => methods[method].Average(r => r.TestKl);
        Assert.InRange(Reconstruction("beta-tcvae-6") - Reconstruction("beta-vae-4"), -2, 2);
        Assert.True(Reconstruction("beta-vae-16") - Reconstruction("beta-tcvae-6") > 20);

        // "It sits on β-VAE's rate–distortion curve, between β = 4 and β = 8": its rate between theirs, its
        // reconstruction within 1 nat of the straight line through them at its rate.
        Assert.InRange(Kl("beta-tcvae-6"), Kl("beta-vae-8"), Kl("beta-vae-4"));
        double slope = (Reconstruction("beta-vae-8") - Reconstruction("beta-vae-4")) / (Kl("beta-vae-8") - Kl("beta-vae-4"));
        double onCurve = Reconstruction("beta-vae-4") + slope * (Kl("beta-tcvae-6") - Kl("beta-vae-4"));
        Assert.InRange(Reconstruction("beta-tcvae-6") - onCurve, -1, 1);

        // "In the best run (β-TCVAE, seed 2) … five dimensions know most about x, four about y, and none about shape."
        var best = methods.Values.SelectMany(r => r).MaxBy(r => r.Mig!.Value)!;
        Assert.Equal("model=beta-tcvae-6_seed=2", best.Run);
        var labels = RunDisentanglement.Read(Path.Combine(Root, "results", "disentanglement", best.Run))!.DimensionFactor;
        Assert.Equal(5, labels.Count(f => f == "x"));
        Assert.Equal(4, labels.Count(f => f == "y"));
        Assert.DoesNotContain("shape", labels);
    }

    [Fact]
    public void ResultsPage_StatesEachMethodsMeanAndSdOverSeeds()
    {
        var section = Support.DocsPage.Section("results.md", "Disentanglement on the sprites: β-VAE against β-TCVAE");
        foreach (var (method, runs) in Methods())
            Assert.Contains(Row(method, runs), section);
    }
}
