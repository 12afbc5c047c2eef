using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.SampleQuality;

namespace Workbench.Tests.Experiments;

/// <summary>The sample-quality table of docs/results.md and statements against the committed summaries of results/sample-quality/.</summary>
public partial class SampleQualityResultsPageTests
{
    private static readonly string Root = Support.Repository.Root();

    private static RunSummary Summary(string run) =>
        RunFiles.ReadSummary(Path.Combine(Root, "results", "sample-quality", "model=" + run, "summary.json"));

    /// <summary>The rows of the page's table: run id, sampler, Fréchet distance, precision, recall, NLL bound.</summary>
    private static List<string[]> Rows()
    {
        var section = Support.DocsPage.Section("results.md", "Sample quality");
        return RowPattern().Matches(section).Select(m => m.Groups.Values.Skip(1).Select(g => g.Value.Replace("*", "")).ToArray()).ToList();
    }

    [GeneratedRegex(@"^\| `(\S+)` \| (prior|ex-post mixture) \| \**([0-9.]+)\** \| \**([0-9.]+)\** \| \**([0-9.]+)\** \| \**([0-9.]+|–)\** \|", RegexOptions.Multiline)]
    private static partial Regex RowPattern();

    private static string Text(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    [Fact]
    public void ResultsPageTable_MatchesTheCommittedSummaries()
    {
        var rows = Rows();
        Assert.Equal(14, rows.Count); // seven models, two samplers each
        Assert.Equal(ExperimentRunIds(), rows.Select(r => r[0]).Distinct().Order(StringComparer.Ordinal).ToArray());
        foreach (var row in rows)
        {
            var summary = Summary(row[0]);
            var quality = summary.SampleQuality!;
            Assert.Equal((10000, 10000, 3), (quality.Samples, quality.RealImages, quality.Neighbours));
            var scores = row[1] == "prior" ? quality.Prior : quality.ExPostMixture!;
            Assert.Equal(Text(scores.FrechetDistance, "F1"), row[2]);
            Assert.Equal(Text(scores.Precision, "F3"), row[3]);
            Assert.Equal(Text(scores.Recall, "F3"), row[4]);
            if (row[1] == "prior" && row[0] != "gaussian") Assert.Equal(Text(summary.ImportanceWeightedBound!.Value, "F2"), row[5]);
            else Assert.Equal("–", row[5]); // the Gaussian model's nats are a density on continuous pixels
            Assert.Equal(100, summary.ImportanceSamples);
            Assert.Equal(3, summary.Epochs);
        }
    }

    /// <summary>The run ids of the committed sample-quality runs (model=&lt;id&gt; folders).</summary>
    private static string[] ExperimentRunIds() =>
        Directory.GetDirectories(Path.Combine(Root, "results", "sample-quality"), "model=*")
            .Select(d => Path.GetFileName(d)["model=".Length..]).Order(StringComparer.Ordinal).ToArray();

    private static SampleQualityScores Prior(string run) => Summary(run).SampleQuality!.Prior;
    private static SampleQualityScores ExPost(string run) => Summary(run).SampleQuality!.ExPostMixture!;
    private static double Fd(SampleQualityScores s) => s.FrechetDistance;
    private static int Percent(double ratio) => (int)Math.Round(100 * ratio);

    [Fact]
    public void ExPostMixture_HelpsEveryNormalPriorModel_AndHurtsTheVampPrior()
    {
        string[] normal = ["vae", "conv", "gaussian", "beta-0.5"];
        var reductions = normal.ToDictionary(r => r, r => Percent(1 - Fd(ExPost(r)) / Fd(Prior(r))));
        Assert.Equal(49, reductions["vae"]);
        Assert.Equal(79, reductions["gaussian"]);
        Assert.Equal(49, reductions.Values.Min());
        Assert.Equal(79, reductions.Values.Max());
        Assert.All(normal, r => Assert.InRange(Math.Round(ExPost(r).Precision - Prior(r).Precision, 2), 0.20, 0.30));
        Assert.Equal(["beta-0.5", "conv", "vae"], normal.Where(r => ExPost(r).Recall < Prior(r).Recall).Order(StringComparer.Ordinal).ToArray());
        Assert.True(ExPost("gaussian").Recall > Prior("gaussian").Recall);
        Assert.True(Fd(ExPost("vamp-prior")) > Fd(Prior("vamp-prior")));
    }

    [Fact]
    public void VampPrior_BestPriorSamplesAndBound_LowestRecall()
    {
        string[] all = ["vae", "vamp-prior", "conv", "gaussian", "beta-0.5"];
        Assert.Equal(66, Percent(1 - Fd(Prior("vamp-prior")) / Fd(Prior("vae"))));
        Assert.Equal("vamp-prior", all.MinBy(r => Fd(Prior(r))));
        Assert.Equal("vamp-prior", all.MaxBy(r => Prior(r).Precision));
        Assert.Equal("vamp-prior", all.MinBy(r => Prior(r).Recall));
        Assert.Equal(4.8, Math.Round(Summary("vae").ImportanceWeightedBound!.Value - Summary("vamp-prior").ImportanceWeightedBound!.Value, 1));
    }

    [Fact]
    public void ConvGaussianAndBeta_AsTheResultsPageStates()
    {
        string[] all = ["vae", "vamp-prior", "conv", "gaussian", "beta-0.5"];
        Assert.Equal(8, Percent(1 - Fd(Prior("conv")) / Fd(Prior("vae"))));
        Assert.Equal(2.8, Math.Round(Summary("vae").ImportanceWeightedBound!.Value - Summary("conv").ImportanceWeightedBound!.Value, 1));
        Assert.Equal("conv", all.MaxBy(r => Math.Max(Prior(r).Recall, ExPost(r).Recall)));
        Assert.Equal("0.721", Text(Prior("vq-vae").Recall, "F3"));
        Assert.Equal("gaussian", ExperimentRunIds().MinBy(r => Math.Min(Fd(Prior(r)), Fd(ExPost(r))))); // "the lowest of all": all seven
        Assert.True(Prior("conv").Recall > ExPost("gaussian").Recall);
        Assert.Equal(16, (int)Math.Round(Summary("conv").TrainSeconds / Summary("vae").TrainSeconds));

        Assert.Equal(60, Percent(Fd(Prior("gaussian")) / Fd(Prior("vae")) - 1));
        Assert.Equal("gaussian", all.MinBy(r => Math.Min(Fd(Prior(r)), Fd(ExPost(r)))));
        Assert.True(Fd(ExPost("gaussian")) < Fd(Prior("vamp-prior")));

        Assert.Equal(23, Percent(Fd(Prior("beta-0.5")) / Fd(Prior("vae")) - 1));
        Assert.Equal(2.4, Math.Round(Summary("beta-0.5").ImportanceWeightedBound!.Value - Summary("vae").ImportanceWeightedBound!.Value, 1));
    }
}
