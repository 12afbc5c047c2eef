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
        .Select(f => RunFiles.ReadSummary(f))
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

    /// <summary>M2's mean error minus the classifier alone's, percentage points (negative: M2 ahead).</summary>
    private static double Gap(int labels) => Error(labels, baseline: false).Mean - Error(labels, baseline: true).Mean;

    /// <summary>How many label draws at these counts M2 errs less than the classifier alone trained on the same labelled images.</summary>
    private static int M2Ahead(params int[] labels) => labels.Sum(l =>
        Draws(l, false).Zip(Draws(l, true)).Count(p => p.First.TestClassificationError < p.Second.TestClassificationError));

    private static double Round1(double value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);

    [Fact]
    public void ResultsPageClaims_OnM2AgainstTheClassifierAlone_HoldForTheCommittedRuns()
    {
        // "With 100 labels M2 does not beat the classifier alone. Its mean error is 0.6 points higher, and it errs less
        // than the classifier alone for only one of the three label draws."
        Assert.Equal(0.6, Round1(Gap(100)));
        Assert.Equal(1, M2Ahead(100));
        // "Within either model the draws lie more than 6 points apart (28.9–35.2 % for M2, 27.8–35.6 % for the classifier alone)."
        foreach (var (baseline, low, high) in new[] { (false, 28.9, 35.2), (true, 27.8, 35.6) })
        {
            var errors = Draws(100, baseline).Select(s => 100 * s.TestClassificationError!.Value).ToArray();
            Assert.Equal((low, high), (Round1(errors.Min()), Round1(errors.Max())));
            Assert.True(errors.Max() - errors.Min() > 6);
            Assert.True(errors.Max() - errors.Min() > Math.Abs(Gap(100)));
        }
        // "With 600, 1,000 and 3,000 labels ... lower by 0.6, 0.5 and 0.2 points, and for 8 of these 9 label draws M2 errs less."
        Assert.Equal([-0.6, -0.5, -0.2], new[] { 600, 1000, 3000 }.Select(l => Round1(Gap(l))));
        Assert.Equal(8, M2Ahead(600, 1000, 3000));
        // "At 3,000 labels the difference is smaller than either model's standard deviation over the draws."
        Assert.True(Math.Abs(Gap(3000)) < Math.Min(Error(3000, false).Sd, Error(3000, true).Sd));
        // "The error falls from about 31 % at 100 labels to about 17 % at 3,000, while the two models never differ by more than 0.6 points."
        foreach (bool baseline in new[] { false, true })
        {
            Assert.InRange(Error(100, baseline).Mean, 30.5, 31.5);
            Assert.InRange(Error(3000, baseline).Mean, 16.5, 17.5);
        }
        double largest = LabelCounts.Max(l => Math.Abs(Gap(l)));
        Assert.Equal(0.6, Round1(largest));
        // "... even the closest ends of Pyro's two ranges, 93.2 % and 91 %, are 2.2 points apart"; M2 is behind at 100 labels.
        Assert.True(largest < 93.2 - 91);
        Assert.True(Gap(100) > 0);
    }

    [Fact]
    public void ResultsPageClaims_OnTheClassConditionalSamplesAndTheBudget_HoldForTheCommittedRuns()
    {
        const string run = "labels=3000_labelSeed=1_classifierOnly=false";
        Assert.True(File.Exists(Path.Combine(Folder, run, "images", "class-conditional.png")));
        // "recognises the class asked for in 41.6 % of this run's 1,000 samples, and in 34.7–43.3 % over the 12 M2 runs"
        var check = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(Folder, run, "conditional-generation.json")));
        Assert.Equal(100, check.GetProperty("samplesPerClass").GetInt32());
        var perClass = check.GetProperty("perClassAccuracy").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(10, perClass.Length);
        // "the trouser row mostly shows trousers (72 % of its samples recognised as trousers, the most of any class)"
        Assert.Equal(0.72, perClass[1], 10);
        Assert.Equal(1, Array.IndexOf(perClass, perClass.Max()));
        var m2 = Summaries().Where(s => !IsBaseline(s)).ToArray();
        Assert.Equal(12, m2.Length);
        Assert.Equal(41.6, Round1(100 * m2.Single(s => s.Run == run).ClassConditionalAccuracy!.Value));
        Assert.Equal((34.7, 43.3), (Round1(100 * m2.Min(s => s.ClassConditionalAccuracy!.Value)), Round1(100 * m2.Max(s => s.ClassConditionalAccuracy!.Value))));
        Assert.All(Summaries().Where(IsBaseline), s => Assert.Null(s.ClassConditionalAccuracy));

        // "The M2 runs trained for 78–148 s each and the classifier alone for 12–25 s (25 minutes of training in all)."
        var baseline = Summaries().Where(IsBaseline).ToArray();
        Assert.Equal((78, 148), ((int)Math.Round(m2.Min(s => s.TrainSeconds)), (int)Math.Round(m2.Max(s => s.TrainSeconds))));
        Assert.Equal((12, 25), ((int)Math.Round(baseline.Min(s => s.TrainSeconds)), (int)Math.Round(baseline.Max(s => s.TrainSeconds))));
        Assert.Equal(25, (int)Math.Round(Summaries().Sum(s => s.TrainSeconds) / 60));
    }

    [Fact]
    public void ReadmeSentence_GapsPerLabelCount_HoldForTheCommittedRuns()
    {
        // "M2 is 0.6 points behind the classifier alone with 100 labels and 0.2–0.6 points ahead with 600 to 3,000"
        var section = Support.DocsPage.Section("../README.md", ReadmeSection);
        Assert.Contains("M2 is 0.6 points behind the classifier alone with 100 labels and 0.2–0.6 points ahead with\n600 to 3,000", section);
        Assert.Equal(0.6, Round1(Gap(100)));
        var ahead = new[] { 600, 1000, 3000 }.Select(l => -Gap(l)).ToArray();
        Assert.All(ahead, g => Assert.True(g > 0));
        Assert.Equal((0.2, 0.6), (Round1(ahead.Min()), Round1(ahead.Max())));
    }
}
