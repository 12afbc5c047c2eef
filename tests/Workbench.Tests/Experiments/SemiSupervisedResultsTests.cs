using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The semi-supervised tables of docs/results.md and the README, and what the page states, against the committed
/// summaries of <c>experiments/semi-supervised.json</c> under <c>results/semi-supervised/</c>: every mean ± sd is
/// computed here from the three label draws' summaries.
/// </summary>
public partial class SemiSupervisedResultsTests
{
    private static string Root => Support.Repository.Root();
    private static string Folder => Path.Combine(Root, "results", "semi-supervised");
    private const string Section = "Semi-supervised classification (M2)";
    private const string ReadmeSection = "Semi-supervised M2 on Fashion-MNIST";
    private static readonly int[] LabelCounts = [100, 600, 1000, 3000];

    private static RunSummary[] Summaries() => Directory.GetFiles(Folder, RunFolder.SummaryFile, SearchOption.AllDirectories)
        .Select(f => JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(f), ExperimentJson.Options)!)
        .ToArray();

    private static bool IsBaseline(RunSummary s) => s.Overrides["model.classifierOnly"]!.GetValue<bool>();

    /// <summary>The three draws of one model at one label count, ordered by label seed.</summary>
    private static RunSummary[] Draws(int labels, bool baseline) =>
        Summaries().Where(s => s.Labels == labels && IsBaseline(s) == baseline).OrderBy(s => s.LabelSeed).ToArray();

    /// <summary>Test error in percent: mean and sample standard deviation over the draws.</summary>
    private static (double Mean, double Sd) Error(int labels, bool baseline)
    {
        var v = Draws(labels, baseline).Select(s => 100 * s.TestClassificationError!.Value).ToArray();
        double mean = v.Average();
        return (mean, Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)));
    }

    private static string MeanSd((double Mean, double Sd) value) => string.Create(CultureInfo.InvariantCulture, $"{value.Mean:F1} ± {value.Sd:F1}");

    /// <summary>Table rows "| 1,000 | 18.2 ± 0.4 | 19.0 ± 0.3 |" (bold allowed): labels, M2, classifier alone.</summary>
    private static List<string[]> Rows(string text) =>
        RowPattern().Matches(text).Select(m => m.Groups.Values.Skip(1).Select(g => g.Value).ToArray()).ToList();

    [GeneratedRegex(@"^\| ([0-9,]+) \| \**([0-9.]+ ± [0-9.]+)\** \| \**([0-9.]+ ± [0-9.]+)\** \|", RegexOptions.Multiline)]
    private static partial Regex RowPattern();

    private static void AssertTable(string text, string where)
    {
        var rows = Rows(text);
        Assert.True(rows.Count == LabelCounts.Length, $"{where}: {rows.Count} table rows, expected {LabelCounts.Length}");
        for (int i = 0; i < LabelCounts.Length; i++)
        {
            Assert.Equal(LabelCounts[i].ToString("N0", CultureInfo.InvariantCulture), rows[i][0]);
            Assert.Equal(MeanSd(Error(LabelCounts[i], baseline: false)), rows[i][1]);
            Assert.Equal(MeanSd(Error(LabelCounts[i], baseline: true)), rows[i][2]);
        }
    }

    [Fact]
    public void CommittedRuns_AreTheExperimentsTwentyFourRuns_AtTheStatedBudget()
    {
        var summaries = Summaries();
        Assert.Equal(24, summaries.Length);
        foreach (int labels in LabelCounts)
            foreach (bool baseline in new[] { false, true })
                Assert.Equal([1UL, 2UL, 3UL], Draws(labels, baseline).Select(s => s.LabelSeed!.Value));
        Assert.All(summaries, s =>
        {
            Assert.Equal(("fashion-mnist", 20000, 10000, 5, 10), (s.Dataset, s.TrainImages, s.TestImages, s.Epochs, s.LatentSize));
            Assert.InRange(s.TestClassificationError!.Value, 0, 1);
            Assert.True(File.Exists(Path.Combine(Folder, s.Run, "labelled-subset.json")), $"{s.Run}: labelled-subset.json missing");
        });
        Assert.All(summaries.Where(s => !IsBaseline(s)), s => Assert.Equal("M2 (enumerated labels, α=30)", s.Objective));
        Assert.True(File.Exists(Path.Combine(Folder, "figures", "error-vs-labels.png")));
    }

    [Fact]
    public void ResultsPageTable_IsTheMeanAndSdOfTheCommittedDraws() =>
        AssertTable(Support.DocsPage.Section("results.md", Section), "docs/results.md");

    [Fact]
    public void ReadmeTable_IsTheMeanAndSdOfTheCommittedDraws() =>
        AssertTable(Support.DocsPage.Section("../README.md", ReadmeSection), "README.md");
}
