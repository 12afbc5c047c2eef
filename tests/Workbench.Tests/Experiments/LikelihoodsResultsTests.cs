using System.Globalization;
using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The likelihoods section of docs/results.md and its README lines against the committed summaries of
/// results/likelihoods/ (experiments/likelihoods.json): the table, every number in the sentences, and the budget.
/// </summary>
public class LikelihoodsResultsTests
{
    private const string Heading = "Likelihoods: what the test likelihood of grey-level images is";
    private static readonly string Root = Support.Repository.Root();
    private static readonly string[] Runs = ["bernoulli", "continuous-bernoulli", "discretized-logistic"];

    private static RunSummary Summary(string run) =>
        RunFiles.ReadSummary(Path.Combine(Root, "results", "likelihoods", "model=" + run, RunFolder.SummaryFile));

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    private static string Section() => Support.DocsPage.Section("results.md", Heading);

    /// <summary>The section as one line (line breaks and bullet indents become single spaces), for the sentences.</summary>
    private static string Prose() => Section().Replace("\n  ", " ").Replace("\n", " ");

    /// <summary>A number as the prose writes it: a negative one with the minus sign −.</summary>
    private static string M(double value, int decimals) => F(value, decimals).Replace("-", "−");

    /// <summary>The test −ELBO after each epoch, from the run's metrics.csv.</summary>
    private static double[] TestLossPerEpoch(string run)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "results", "likelihoods", "model=" + run, "metrics.csv"));
        int column = Array.IndexOf(lines[0].Split(','), "test_loss");
        return lines.Skip(1).Select(l => double.Parse(l.Split(',')[column], CultureInfo.InvariantCulture)).ToArray();
    }

    [Fact]
    public void ResultsPageTable_MatchesTheCommittedSummaries()
    {
        var rows = Section().Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray()).ToList();
        Assert.Equal(Runs.Length, rows.Count);
        for (int i = 0; i < Runs.Length; i++)
        {
            var s = Summary(Runs[i]);
            var bits = s.ImportanceWeightedBoundBitsPerDimension is { } b ? F(b, 3) : "–";
            Assert.Equal(new[] { $"`{Runs[i]}`", F(s.TestNegativeElbo, 2), F(s.TestKl, 2), F(s.ImportanceWeightedBound!.Value, 2), bits, $"{s.ActiveUnits} / {s.LatentSize}" },
                rows[i].Where((_, c) => c != 1).ToArray());
        }
    }

    [Fact]
    public void BitsPerDimension_OnlyTheDiscretizedLogistic_IsTheBoundOverPixelsTimesLnTwo()
    {
        Assert.Null(Summary("bernoulli").ImportanceWeightedBoundBitsPerDimension);
        Assert.Null(Summary("continuous-bernoulli").ImportanceWeightedBoundBitsPerDimension);
        var s = Summary("discretized-logistic");
        Assert.Equal(s.ImportanceWeightedBound!.Value / (784 * Math.Log(2)), s.ImportanceWeightedBoundBitsPerDimension!.Value, 12);
        Assert.Equal("3.737", F(s.ImportanceWeightedBoundBitsPerDimension.Value, 3));
    }

    [Fact]
    public void Sentences_EveryNumber_IsTheCommittedSummaries()
    {
        var page = Prose();
        var bernoulli = Summary("bernoulli");
        var continuous = Summary("continuous-bernoulli");
        var discretized = Summary("discretized-logistic");

        Assert.Contains($"**Bernoulli, {F(bernoulli.ImportanceWeightedBound!.Value, 2)} nats:**", page);
        Assert.Contains($"costs {784 * Math.Log(2):F0} nats (784 · ln 2)", page);
        var reference = JsonSerializer.Deserialize<RunSummary>(
            File.ReadAllText(Path.Combine(Root, "results", "vanilla-fashion-mnist", "default", RunFolder.SummaryFile)), ExperimentJson.Options)!;
        // The reference summary predates the image count; its experiment file asks for the same 1,000 images.
        Assert.Equal((F(reference.TestNegativeElbo, 2), F(reference.ImportanceWeightedBound!.Value, 2), reference.ImportanceSamples),
            (F(bernoulli.TestNegativeElbo, 2), F(bernoulli.ImportanceWeightedBound!.Value, 2), bernoulli.ImportanceSamples));
        var (_, referenceSpecs) = ExperimentLoader.Expand(Path.Combine(Root, "experiments", "vanilla-fashion-mnist.json"));
        Assert.Equal(bernoulli.ImportanceImages, Assert.Single(referenceSpecs).Definition.Evaluation.ImportanceImages);
        Assert.Contains($"reference run's numbers to the second decimal ({F(reference.TestNegativeElbo, 2)} and {F(reference.ImportanceWeightedBound.Value, 2)} in `results/vanilla-fashion-mnist/`)", page);
        Assert.Contains($"**Continuous Bernoulli, {M(continuous.ImportanceWeightedBound!.Value, 2)} nats:**", page);
        Assert.True(continuous.ImportanceWeightedBound < 0, "the continuous Bernoulli's density exceeds 1");
        Assert.Contains($"log-density of +{F(-continuous.ImportanceWeightedBound.Value / 784, 2)} nats per pixel", page);
        var losses = TestLossPerEpoch("continuous-bernoulli");
        Assert.Equal(10, losses.Length);
        Assert.True(losses[9] < losses[8], "still falling at the end of the budget");
        Assert.Contains($"({M(losses[8], 2)} after epoch 9, {M(losses[9], 2)} after epoch 10)", page);
        Assert.Equal(F(continuous.TestNegativeElbo, 2), F(losses[9], 2)); // the final evaluation repeats the last epoch's test pass (to float rounding)
        Assert.Contains($"KL of {F(continuous.TestKl, 2)} nats is {F(continuous.TestKl / bernoulli.TestKl, 1)} times the Bernoulli's", page);
        Assert.Contains($"**Discretized logistic, {F(discretized.ImportanceWeightedBound!.Value, 2)} nats = {F(discretized.ImportanceWeightedBoundBitsPerDimension!.Value, 3)} bits/dim:**", page);
        Assert.Contains($"store a test image in {F(discretized.ImportanceWeightedBoundBitsPerDimension.Value, 3)} bits per pixel", page);

        // The samples paragraph: narrower posteriors and larger KL than the Bernoulli's.
        Assert.Contains($"posterior σ {F(continuous.MeanPosteriorSigma, 3)} and {F(discretized.MeanPosteriorSigma, 3)} against {F(bernoulli.MeanPosteriorSigma, 3)}", page);
        Assert.Contains($"KL larger ({F(continuous.TestKl, 2)} and {F(discretized.TestKl, 2)} nats against {F(bernoulli.TestKl, 2)})", page);
        Assert.True(continuous.MeanPosteriorSigma < bernoulli.MeanPosteriorSigma && discretized.MeanPosteriorSigma < bernoulli.MeanPosteriorSigma);
        Assert.True(continuous.TestKl > bernoulli.TestKl && discretized.TestKl > bernoulli.TestKl);

        Assert.Contains($"trained for {string.Join(", ", Runs[..2].Select(r => ReportRunsTable.Duration(Summary(r).TrainSeconds)))} and {ReportRunsTable.Duration(discretized.TrainSeconds)}", page);
    }

    [Fact]
    public void Readme_HeadlineNumbers_AreTheCommittedSummaries()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md")).Replace("\r\n", "\n");
        int start = readme.IndexOf("## Richer posteriors, likelihoods and decoders\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no section 'Richer posteriors, likelihoods and decoders'");
        var section = readme[start..].Replace("\n", " ");
        Assert.Contains($"true test likelihood, {F(Summary("discretized-logistic").ImportanceWeightedBoundBitsPerDimension!.Value, 3)} bits/dim (IWAE bound, k = 1000)", section);
        Assert.Contains($"the Bernoulli's {F(Summary("bernoulli").ImportanceWeightedBound!.Value, 2)} nats", section);
        Assert.Contains($"continuous Bernoulli's −{F(-Summary("continuous-bernoulli").ImportanceWeightedBound!.Value, 2)} nats a density", section);
    }

    [Fact]
    public void CommittedRuns_AreTheExperimentFilesRunsOnTheSameDataAndBudget()
    {
        var (_, specs) = ExperimentLoader.Expand(Path.Combine(Root, "experiments", "likelihoods.json"));
        Assert.Equal(Runs.Select(r => "model=" + r), specs.Select(s => s.Id));
        Assert.Equal(["Bernoulli", "ContinuousBernoulli", "DiscretizedLogistic"], specs.Select(s => s.Definition.Model.Likelihood.ToString()));
        Assert.All(Runs, run =>
        {
            var s = Summary(run);
            Assert.Equal(("fashion-mnist", 60000, 10000, 10, 1UL, 20), (s.Dataset, s.TrainImages, s.TestImages, s.Epochs, s.Seed, s.LatentSize));
            Assert.Equal((1000, 1000), (s.ImportanceSamples!.Value, s.ImportanceImages!.Value));
        });
        Assert.Contains("the importance-weighted bound (k = 1000) over the first 1,000", Prose());
    }
}
