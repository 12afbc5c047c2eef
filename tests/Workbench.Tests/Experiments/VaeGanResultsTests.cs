using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.SampleQuality;
using Workbench.Models.Adversarial;
using Workbench.Tensors;

namespace Workbench.Tests.Experiments;

/// <summary>The VAE–GAN section of docs/results.md, its README lines and docs/vae-gan.md against the committed runs of results/sample-quality/.</summary>
public partial class VaeGanResultsTests
{
    private const string Section = "VAE–GAN samples";
    private const string ReadmeSection = "Richer posteriors, likelihoods and decoders";
    private static readonly string Root = Support.Repository.Root();

    private static RunSummary Summary(string run) =>
        RunFiles.ReadSummary(Path.Combine(Root, "results", "sample-quality", "model=" + run, "summary.json"));

    private static IReadOnlyList<Dictionary<string, double>> Terms() =>
        RunFolder.ReadMetrics(Path.Combine(Root, "results", "sample-quality", "model=vae-gan", "metrics.jsonl")).Select(m => m.Terms!).ToList();

    private static SampleQualityScores Prior(string run) => Summary(run).SampleQuality!.Prior;
    private static SampleQualityScores ExPost(string run) => Summary(run).SampleQuality!.ExPostMixture!;
    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
    private static int Percent(double ratio) => (int)Math.Round(100 * ratio);

    [GeneratedRegex(@"^\| `(\S+)` \| (prior|ex-post mixture) \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+|–) \|", RegexOptions.Multiline)]
    private static partial Regex RowPattern();

    [Fact]
    public void ResultsPageTable_MatchesTheCommittedSummaries()
    {
        var rows = RowPattern().Matches(Support.DocsPage.Section("results.md", Section)).Select(m => m.Groups.Values.Skip(1).Select(g => g.Value).ToArray()).ToList();
        Assert.Equal(["vae prior", "conv prior", "conv ex-post mixture", "vae-gan prior", "vae-gan ex-post mixture"], rows.Select(r => r[0] + " " + r[1]));
        foreach (var row in rows)
        {
            var summary = Summary(row[0]);
            var scores = row[1] == "prior" ? summary.SampleQuality!.Prior : summary.SampleQuality!.ExPostMixture!;
            Assert.Equal(F(scores.FrechetDistance, "F1"), row[2]);
            Assert.Equal(F(scores.Precision, "F3"), row[3]);
            Assert.Equal(F(scores.Recall, "F3"), row[4]);
            Assert.Equal(row[1] == "prior" ? F(summary.ImportanceWeightedBound!.Value, "F2") : "–", row[5]);
            Assert.Equal((3, 100, 10000), (summary.Epochs, summary.ImportanceSamples, summary.SampleQuality.Samples));
        }
        Assert.Equal("vae-gan", Summary("vae-gan").Variant);
    }

    [Fact]
    public void ResultsPageStatements_HoldForTheCommittedRuns()
    {
        var text = Support.DocsPage.Section("results.md", Section);
        Assert.Equal(32, Percent(1 - Prior("vae-gan").FrechetDistance / Prior("conv").FrechetDistance));
        Assert.Equal(37, Percent(1 - Prior("vae-gan").FrechetDistance / Prior("vae").FrechetDistance));
        Assert.True(Prior("vae-gan").Precision < Prior("conv").Precision && Prior("vae-gan").Recall < Prior("conv").Recall);
        Assert.True(ExPost("vae-gan").FrechetDistance > Prior("vae-gan").FrechetDistance);
        Assert.Contains($"Its test KL is {F(Summary("vae-gan").TestKl, "F1")} nats, against the `conv`\n  VAE's {F(Summary("conv").TestKl, "F1")}", text);
        Assert.True(Prior("vamp-prior").FrechetDistance < Prior("vae-gan").FrechetDistance && ExPost("conv").FrechetDistance < Prior("vae-gan").FrechetDistance);
        Assert.True(Prior("vamp-prior").Precision > Prior("vae-gan").Precision && ExPost("conv").Precision > Prior("vae-gan").Precision);
        Assert.Equal("29.3", F(Prior("vamp-prior").FrechetDistance, "F1"));
        Assert.Equal(41.6, Math.Round(Summary("vae-gan").ImportanceWeightedBound!.Value - Summary("conv").ImportanceWeightedBound!.Value, 1));
        Assert.Equal(2.9, Math.Round(Summary("vae-gan").TrainSeconds / Summary("conv").TrainSeconds, 1));
        Assert.Contains($"({F(Summary("vae-gan").TrainSeconds, "N0")} s against {F(Summary("conv").TrainSeconds, "N0")} s", text);

        var terms = Terms();
        Assert.Equal([42, 92, 86], terms.Select(t => Percent(t["discriminator_updated"])));
        Assert.All(terms, t => Assert.True(Percent(t["decoder_updated"]) >= 98));
        Assert.Equal((0.31, 0.35), (Math.Round(terms.Min(t => t["prior_sample_cross_entropy"]), 2), Math.Round(terms.Max(t => t["prior_sample_cross_entropy"]), 2)));
        Assert.Equal((0.91, 0.98), (Math.Round(terms.Min(t => t["real_cross_entropy"]), 2), Math.Round(terms.Max(t => t["real_cross_entropy"]), 2)));
    }

    [Fact]
    public void Readme_NumbersMatchTheCommittedSummaries()
    {
        var text = Support.DocsPage.Section("../README.md", ReadmeSection);
        Assert.Contains($"Fréchet distance {F(Prior("vae-gan").FrechetDistance, "F1")}\nagainst {F(Prior("conv").FrechetDistance, "F1")}", text);
        Assert.Contains($"precision {F(Prior("vae-gan").Precision, "F3")} against {F(Prior("conv").Precision, "F3")}, recall {F(Prior("vae-gan").Recall, "F3")} against {F(Prior("conv").Recall, "F3")}", text);
        Assert.Contains($"bound {F(Summary("vae-gan").ImportanceWeightedBound!.Value - Summary("conv").ImportanceWeightedBound!.Value, "F1")} nats worse", text);
        Assert.Contains("docs/results.md#vaegan-samples", text);
    }

    [Fact]
    public void ManualPage_DefaultsAndFirstEpochScales_AsStated()
    {
        var config = new VaeGanConfig();
        Assert.Equal((0.1f, 3e-4f, 3e-4f, 3e-4f, 0.9f, 0.68, 0.35), (config.Gamma, config.EncoderLearningRate, config.DecoderLearningRate,
            config.DiscriminatorLearningRate, config.RmsPropAlpha, config.Equilibrium, config.Margin));
        Assert.Equal([32, 64], config.DiscriminatorChannels);
        Assert.Equal(3136, new Discriminator(28, 28, config.DiscriminatorChannels, new Rng(1)).FeatureSize);
        var first = Terms()[0];
        var page = Support.DocsPage.Text("vae-gan.md");
        Assert.Contains($"L_llike averages {F(first["feature_reconstruction"], "F0")} and L_GAN {F(first["gan"], "F1")}", page);
    }
}
