using System.Globalization;
using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The sequence-VAE tables of docs/results.md and the README, and the statements beside them, against the committed
/// summaries and texts of results/sequence-vae/ (experiments/sequence-vae.json).
/// </summary>
public class SequenceVaeResultsTests
{
    private static readonly string Root = Support.Repository.Root();
    private static readonly string[] Runs = ["language-model", "vae-word-dropout-0", "vae-word-dropout-0.25", "vae-word-dropout-0.5"];
    private static readonly string[] Vaes = Runs[1..];

    private static RunSummary Summary(string run) =>
        JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(Path.Combine(Root, "results", "sequence-vae", "model=" + run, "summary.json")), ExperimentJson.Options)!;

    private static SentenceRunSummary Sentences(string run) => Summary(run).Sentences!;

    private static SentenceTexts Texts(string run) =>
        JsonSerializer.Deserialize<SentenceTexts>(File.ReadAllText(Path.Combine(Root, "results", "sequence-vae", "model=" + run, SentenceTexts.JsonFile)), ExperimentJson.Options)!;

    private static string F(double? value, int decimals) => value is { } v ? v.ToString("F" + decimals, CultureInfo.InvariantCulture) : "–";

    /// <summary>The table rows (lines starting "| `") of a section, as trimmed cells.</summary>
    private static List<string[]> Rows(string section) =>
        section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();

    private static string WordDropout(SentenceRunSummary s) => s.LanguageModelNll is not null ? "–" : s.WordDropout.ToString(CultureInfo.InvariantCulture);
    private static double Headline(SentenceRunSummary s) => s.LanguageModelNll ?? s.NegativeElbo!.Value;
    private static double Perplexity(SentenceRunSummary s) => s.LanguageModelPerplexity ?? s.ElboPerplexity!.Value;

    private static string ReadmeSection()
    {
        var lines = File.ReadAllText(Path.Combine(Root, "README.md")).Replace("\r\n", "\n").Split('\n');
        int start = Array.IndexOf(lines, "## Beyond images");
        Assert.True(start >= 0, "README.md has no section 'Beyond images'");
        int end = Array.FindIndex(lines, start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        return string.Join("\n", lines[start..(end < 0 ? lines.Length : end)]);
    }

    [Fact]
    public void ResultsPageTable_MatchesTheCommittedSummaries()
    {
        var expected = Runs.Select(run =>
        {
            var s = Sentences(run);
            return new[]
            {
                $"`{run}`", WordDropout(s), F(Headline(s), 2), F(s.Reconstruction, 2), F(s.Kl, 2), F(Perplexity(s), 1), F(s.ImportanceWeightedBound, 2),
                s.ActiveUnits is { } a && s.LanguageModelNll is null ? $"{a} / {Summary(run).LatentSize}" : "–", F(s.MutualInformation, 2),
            };
        }).ToList();
        var rows = Rows(Support.DocsPage.Section("results.md", "Sentences: the sequence VAE against a language model"));
        Assert.Equal(expected.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++) Assert.Equal(expected[i], rows[i]);
    }

    [Fact]
    public void ReadmeTable_MatchesTheCommittedSummaries()
    {
        var expected = Runs.Select(run =>
        {
            var s = Sentences(run);
            return new[] { $"`{run}`", WordDropout(s), F(Headline(s), 2), F(s.Kl, 2), F(Perplexity(s), 1) };
        }).ToList();
        var rows = Rows(ReadmeSection());
        Assert.Equal(expected.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++) Assert.Equal(expected[i], rows[i]);
        Assert.True(File.ReadAllLines(Path.Combine(Root, "README.md")).Length <= 150, "the README stays a doorway of at most 150 lines");
    }

    [Fact]
    public void CommittedRuns_AreTheExperimentFilesRunsOnTheSameDataAndBudget()
    {
        var (_, specs) = ExperimentLoader.Expand(Path.Combine(Root, "experiments", "sequence-vae.json"));
        Assert.Equal(Runs.Select(r => "model=" + r), specs.Select(s => s.Id));
        Assert.All(Runs, run =>
        {
            var summary = Summary(run);
            var s = summary.Sentences!;
            Assert.Equal((2, 1UL, 24000, 5558, 3160), (summary.Epochs, summary.Seed, s.TrainSentences, s.TestSentences, s.VocabularySize));
        });
        Assert.Equal([0.0, 0.25, 0.5], Vaes.Select(r => Sentences(r).WordDropout));
        Assert.All(Vaes, r => Assert.Equal((10, 500), (Sentences(r).ImportanceSamples, Sentences(r).ImportanceSentences)));
    }
}
