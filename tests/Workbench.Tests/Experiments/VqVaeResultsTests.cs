using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.SampleQuality;
using Workbench.Training;

namespace Workbench.Tests.Experiments;

/// <summary>The VQ-VAE section of docs/results.md and the README's line, every number against the committed results/sample-quality/ files.</summary>
public partial class VqVaeResultsTests
{
    private static readonly string Root = Support.Repository.Root();
    private static string Run(string id) => Path.Combine(Root, "results", "sample-quality", "model=" + id);

    private static RunSummary Summary(string id) =>
        RunFiles.ReadSummary(Path.Combine(Run(id), "summary.json"));

    private static SampleQualityResult Quality(string id) => Summary(id).SampleQuality!;

    private static CodePriorFit PriorFit() =>
        JsonSerializer.Deserialize<CodePriorFit>(File.ReadAllText(Path.Combine(Run("vq-vae"), CodePriorFit.FileName)), ExperimentJson.Options)!;

    private static string Section => Support.DocsPage.Section("results.md", "VQ-VAE with a learned prior");

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static int Percent(double ratio) => (int)Math.Round(100 * ratio);

    [GeneratedRegex(@"^\| `(\S+)` \| (prior|PixelCNN prior|ex-post mixture) \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+|–) \|", RegexOptions.Multiline)]
    private static partial Regex RowPattern();

    [Fact]
    public void Table_MatchesTheCommittedSummaries()
    {
        var rows = RowPattern().Matches(Section).Select(m => m.Groups.Values.Skip(1).Select(g => g.Value).ToArray()).ToList();
        Assert.Equal(5, rows.Count);
        foreach (var row in rows)
        {
            var summary = Summary(row[0]);
            var scores = row[1] == "ex-post mixture" ? summary.SampleQuality!.ExPostMixture! : summary.SampleQuality!.Prior;
            Assert.Equal((row[0] == "vq-vae"), row[1] != "prior");
            Assert.Equal([F(scores.FrechetDistance, "F1"), F(scores.Precision, "F3"), F(scores.Recall, "F3")], row[2..5]);
            Assert.Equal(row[1] == "ex-post mixture" ? "–" : F(summary.ImportanceWeightedBound!.Value, "F2"), row[5]);
            Assert.Equal((3, 10000, 100), (summary.Epochs, summary.SampleQuality.Samples, summary.ImportanceSamples!.Value));
        }
    }

    [Fact]
    public void Sentences_StateTheCommittedNumbers()
    {
        var vq = Quality("vq-vae").Prior;
        var vae = Quality("vae").Prior;
        var conv = Quality("conv").Prior;
        string[] rows = ["vae", "vamp-prior", "conv", "gaussian", "beta-0.5"];
        var text = Section;

        Assert.Equal(61, Percent(1 - vq.FrechetDistance / vae.FrechetDistance));
        Assert.Equal(57, Percent(1 - vq.FrechetDistance / conv.FrechetDistance));
        Assert.Contains("61 % below the VAE's prior\n  samples (85.7) and 57 % below the convolutional VAE's (78.5)", text);
        Assert.All(rows, r => Assert.True(vq.Recall > Quality(r).Prior.Recall && vq.Recall > Quality(r).ExPostMixture!.Recall, r));
        Assert.Equal(conv.Recall, rows.Max(r => Math.Max(Quality(r).Prior.Recall, Quality(r).ExPostMixture!.Recall)));
        Assert.True(vq.Precision < vae.Precision);
        Assert.Equal(["vamp-prior"], rows.Where(r => Quality(r).Prior.FrechetDistance < vq.FrechetDistance).ToArray());
        Assert.Equal(["conv", "gaussian"], rows.Where(r => Quality(r).ExPostMixture!.FrechetDistance < vq.FrechetDistance).Order(StringComparer.Ordinal).ToArray());
        Assert.Contains($"(the convolutional VAE's {F(conv.Recall, "F3")} is next)", text);
        Assert.Contains($"`gaussian` ({F(Quality("gaussian").ExPostMixture!.FrechetDistance, "F1")}) and `conv` ({F(Quality("conv").ExPostMixture!.FrechetDistance, "F1")})", text);

        var summary = Summary("vq-vae");
        Assert.Contains($"is {F(summary.ImportanceWeightedBound!.Value - Summary("vae").ImportanceWeightedBound!.Value, "F1")} nats worse than the VAE's", text);
        Assert.Contains($"the test codes\n  cost {F(summary.TestKl, "F2")} nats per image under the PixelCNN and the reconstruction {F(summary.TestReconstruction, "F2")} (the VAE's reconstruction: {F(Summary("vae").TestReconstruction, "F2")})", text);
        var fit = PriorFit();
        Assert.Equal(5, fit.Epochs);
        Assert.Equal(49 * Math.Log(128), fit.UniformNll, 4);
        Assert.Contains($"49 · log 128 = {F(fit.UniformNll, "F2")} nats", text);
        Assert.Equal(summary.TestKl, fit.History[^1].TestNll!.Value, 3);        // the fitted prior is the one measured
        Assert.Contains($"brought that to {F(fit.History[^1].TestNll!.Value, "F2")} on the test images after {fit.Epochs} epochs", text);

        var epochs = RunFolder.ReadMetrics(Path.Combine(Run("vq-vae"), "metrics.jsonl"));
        Assert.Equal(3, epochs.Count);
        Assert.Contains($"used {string.Join(", ", epochs.Take(2).Select(e => e.ModelMeasures!["codes_used"]))} and {epochs[2].ModelMeasures!["codes_used"]} of the 128 codes", text);
        Assert.Contains($"perplexity {string.Join(", ", epochs.Take(2).Select(e => F(e.ModelMeasures!["perplexity"], "F1")))} and {F(epochs[2].ModelMeasures!["perplexity"], "F1")}", text);

        var expost = Quality("vq-vae").ExPostMixture!;
        Assert.Contains($"precise ({F(expost.Precision, "F3")}) but nearly\n  identical samples (recall {F(expost.Recall, "F3")}, Fréchet distance {F(expost.FrechetDistance, "F1")})", text);
        Assert.Contains($"trained for {F(summary.TrainSeconds, "F0")} s and its PixelCNN for {F(fit.History.Sum(e => e.Seconds), "F0")} s", text);
    }

    [Fact]
    public void Readme_HeadlineMatchesTheCommittedSummaries()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var vq = Quality("vq-vae").Prior;
        var vae = Quality("vae").Prior;
        double gap = Summary("vq-vae").ImportanceWeightedBound!.Value - Summary("vae").ImportanceWeightedBound!.Value;
        Assert.Contains($"Fréchet distance of {F(vq.FrechetDistance, "F1")} against the VAE's {F(vae.FrechetDistance, "F1")} and recall {F(vq.Recall, "F3")} against {F(vae.Recall, "F3")}, at the same 3 epochs, but a test NLL bound {F(gap, "F1")} nats worse", readme);
    }

    [Fact]
    public void Run_UsedTheConfigurationThePageDescribes()
    {
        var config = File.ReadAllText(Path.Combine(Run("vq-vae"), "config.json"));
        foreach (var field in new[] { "\"codes\": 128", "\"codeSize\": 16", "\"commitment\": 0.25", "\"ema\": true", "\"restartDeadCodes\": true", "\"priorChannels\": 32", "\"priorLayers\": 4", "\"priorEpochs\": 5" })
            Assert.Contains(field, config);
    }
}
