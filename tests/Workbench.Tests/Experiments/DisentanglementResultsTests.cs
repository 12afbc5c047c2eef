using System.Globalization;
using System.Text.Json;
using Workbench.Experiments;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The README's disentanglement table against the committed run summaries of <c>experiments/disentanglement.json</c>:
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
            .Select(f => JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(f), ExperimentJson.Options)!)
            .GroupBy(s => s.Run[(s.Run.IndexOf('=') + 1)..s.Run.IndexOf("_seed=", StringComparison.Ordinal)])
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Seed).ToArray());
    }

    internal static (double Mean, double Sd) MeanSd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Average();
        return (mean, Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)));
    }

    /// <summary>The README row of a method: "| beta-vae-4 | 0.123 ± 0.045 | 40.12 ± 0.33 | 6.54 ± 0.10 |".</summary>
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
    public void Readme_StatesEachMethodsMeanAndSdOverSeeds()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        foreach (var (method, runs) in Methods())
            Assert.Contains(Row(method, runs), readme);
    }
}
