using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The flow-posterior table of docs/results.md and the README's line against the committed run summaries of
/// <c>experiments/posteriors.json</c> (<c>results/posteriors/</c>): every number the page states is recomputed here.
/// </summary>
public class PosteriorsResultsTests
{
    private static string Root => Support.Repository.Root();

    internal static readonly string[] Rows = ["diagonal", "planar-4", "planar-8", "iaf-4"];

    internal static Dictionary<string, RunSummary> Runs() =>
        Rows.ToDictionary(r => r, r => JsonSerializer.Deserialize<RunSummary>(
            File.ReadAllText(Path.Combine(Root, "results", "posteriors", "posterior=" + r, RunFolder.SummaryFile)), ExperimentJson.Options)!);

    /// <summary>The row as the page prints it: "| planar-4 | 240.48 | 244.33 | 3.85 | 19 / 20 | 330 |".</summary>
    internal static string Row(string id, RunSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"| {id} | {s.ImportanceWeightedBound!.Value:F2} | {s.TestNegativeElbo:F2} | {s.TestNegativeElbo - s.ImportanceWeightedBound.Value:F2} | {s.ActiveUnits} / {s.LatentSize} | {s.TrainSeconds:F0} |");

    private static string Section()
    {
        var page = File.ReadAllText(Path.Combine(Root, "docs", "results.md"));
        int start = page.IndexOf("## Flow posteriors: diagonal, planar and IAF", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/results.md has no flow-posterior section");
        int end = page.IndexOf("\n## ", start + 10, StringComparison.Ordinal);
        return end < 0 ? page[start..] : page[start..end];
    }

    [Fact]
    public void CommittedRuns_AreTheExperimentsFourRunsAtOneBudget()
    {
        var runs = Runs();
        Assert.All(runs.Values, s =>
        {
            Assert.Equal("posteriors", s.Experiment);
            Assert.Equal(10, s.Epochs);
            Assert.Equal(60000, s.TrainImages);
            Assert.Equal(10000, s.TestImages);
            Assert.Equal(5000, s.ImportanceSamples);
            Assert.Equal(1000, s.ImportanceImages);
            Assert.Equal(1UL, s.Seed);
        });
    }

    [Fact]
    public void ResultsTable_EveryNumberIsTheCommittedSummarys()
    {
        var section = Section();
        foreach (var (id, summary) in Runs()) Assert.Contains(Row(id, summary), section);
    }

    [Fact]
    public void ResultsSentences_HoldForTheCommittedRuns()
    {
        var runs = Runs();
        var section = Section();
        double Bound(string id) => runs[id].ImportanceWeightedBound!.Value;
        double Gap(string id) => runs[id].TestNegativeElbo - Bound(id);
        string Number(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

        // Every flow's bound is below the diagonal's, by the stated amounts.
        foreach (var id in Rows.Skip(1))
        {
            Assert.True(Bound(id) < Bound("diagonal"), id);
            Assert.Contains($"{Number(Bound("diagonal") - Bound(id))} nats", section);
        }
        // Flows use more latent dimensions than the diagonal posterior and train slower.
        Assert.All(Rows.Skip(1), id => Assert.True(runs[id].ActiveUnits >= runs["diagonal"].ActiveUnits, id));
        Assert.All(Rows.Skip(1), id => Assert.True(runs[id].TrainSeconds > runs["diagonal"].TrainSeconds, id));
        foreach (var id in Rows) Assert.Contains($"{Number(Gap(id))}", section);
        foreach (Match m in Regex.Matches(section, @"(\d+(?:\.\d+)?)× the diagonal's training time"))
            Assert.Contains(Rows.Skip(1), id => Math.Abs(runs[id].TrainSeconds / runs["diagonal"].TrainSeconds - double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)) < 0.05);
    }

    [Fact]
    public void Readme_HeadlineNumbersAreTheCommittedSummarys()
    {
        var runs = Runs();
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        int start = readme.IndexOf("## Richer posteriors, likelihoods and decoders", StringComparison.Ordinal);
        Assert.True(start >= 0);
        var section = readme[start..];
        string Number(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        var best = Rows.Skip(1).MinBy(id => runs[id].ImportanceWeightedBound!.Value)!;
        Assert.Contains($"{Number(runs["diagonal"].ImportanceWeightedBound!.Value)} → {Number(runs[best].ImportanceWeightedBound!.Value)} nats", section);
    }
}
