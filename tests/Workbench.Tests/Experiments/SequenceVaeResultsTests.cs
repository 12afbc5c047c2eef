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
        RunFiles.ReadSummary(Path.Combine(Root, "results", "sequence-vae", "model=" + run, "summary.json"));

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

    private static double Round(double value, int decimals) => Math.Round(value, decimals);

    [Fact]
    public void WordDropout_RaisesTheKlAndTheMutualInformation_AndTheBound_NoVaeBeatsTheLanguageModel()
    {
        Assert.Equal([0.91, 1.43, 1.87], Vaes.Select(r => Round(Sentences(r).Kl!.Value, 2)));
        Assert.Equal([0.86, 1.31, 1.64], Vaes.Select(r => Round(Sentences(r).MutualInformation!.Value, 2)));
        Assert.Equal([38.15, 39.22, 40.39], Vaes.Select(r => Round(Sentences(r).NegativeElbo!.Value, 2)));
        for (int i = 1; i < Vaes.Length; i++)
        {
            Assert.True(Sentences(Vaes[i]).Kl > Sentences(Vaes[i - 1]).Kl);
            Assert.True(Sentences(Vaes[i]).MutualInformation > Sentences(Vaes[i - 1]).MutualInformation);
            Assert.True(Sentences(Vaes[i]).NegativeElbo > Sentences(Vaes[i - 1]).NegativeElbo);
        }
        double lm = Sentences("language-model").LanguageModelNll!.Value;
        Assert.Equal(37.88, Round(lm, 2));
        Assert.All(Vaes, r => Assert.True(Sentences(r).NegativeElbo > lm));
    }

    [Fact]
    public void WithoutWordDropout_TheKlIsUnderOneNat_AndTheReconstructionGainIsSmallerThanIt()
    {
        var s = Sentences("vae-word-dropout-0");
        Assert.True(s.Kl < 1);
        double gain = Sentences("language-model").LanguageModelNll!.Value - s.Reconstruction!.Value;
        Assert.Equal(0.64, Round(gain, 2));
        Assert.True(gain > 0 && gain < s.Kl);
    }

    [Fact]
    public void ActiveUnits_NearlyAllDimensions_WhileTheKlStaysUnderTwoNats()
    {
        Assert.Equal([29, 32, 32], Vaes.Select(r => Sentences(r).ActiveUnits!.Value));
        Assert.All(Vaes, r => Assert.True(Sentences(r).Kl < 2));
    }

    private static double UnknownShare(IEnumerable<string> sentences)
    {
        var words = sentences.SelectMany(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        return words.Count(w => w == "<unk>") / (double)words.Count;
    }

    [Fact]
    public void Texts_GreedyDecodingsMostlyUnknown_SampledOnesLess_AndTheQuotedSentences()
    {
        Assert.Equal([45, 66, 85], Vaes.Select(r =>
        {
            var t = Texts(r);
            return (int)Math.Round(100 * UnknownShare(t.Prior.Select(p => p.Greedy).Concat(t.Reconstructions.Select(x => x.Greedy))));
        }));
        var sampled = Vaes.Select(r =>
        {
            var t = Texts(r);
            return (int)Math.Round(100 * UnknownShare(t.Prior.Select(p => p.Sampled).Concat(t.Reconstructions.Select(x => x.Sampled))));
        }).ToArray();
        Assert.Equal(12, sampled.Min());
        Assert.Equal(18, sampled.Max());
        Assert.All(Vaes, r => Assert.Equal((8, 8), (Texts(r).Prior.Count, Texts(r).Reconstructions.Count)));

        var half = Texts("vae-word-dropout-0.5");
        Assert.Contains("the act of <unk> <unk>", half.Prior.Select(p => p.Greedy));
        Assert.Contains("relating to <unk>: <unk>", half.Prior.Select(p => p.Sampled));
        var homotopy = half.Homotopies.Single(h => h.From == "the <unk> canal (especially of an <unk> or a <unk>)" && h.To == "<unk> people");
        var lengths = homotopy.Path.Select(p => p.Split(' ').Length).ToArray();
        Assert.Equal("a " + string.Join(' ', Enumerable.Repeat("<unk>", 8)), homotopy.Path[0]);
        Assert.Equal("<unk> <unk> <unk>", homotopy.Path[^1]);
        Assert.All(lengths.Zip(lengths.Skip(1)), pair => Assert.True(pair.Second <= pair.First));
        Assert.All(homotopy.Path, p => Assert.All(p.Split(' ').Skip(p.StartsWith("a ", StringComparison.Ordinal) ? 1 : 0), w => Assert.Equal("<unk>", w)));

        var page = Support.DocsPage.Section("results.md", "Sentences: the sequence VAE against a language model").Replace("\\<", "<").Replace("\n  ", " ");
        Assert.Contains("*the act of <unk> <unk>*", page);
        Assert.Contains("*relating to <unk>: <unk>*", page);
    }

    [Fact]
    public void StatedTrainingTime_IsTheSummariesTotal()
    {
        Assert.Equal(24, (int)Math.Round(Runs.Sum(r => Summary(r).TrainSeconds) / 60));
        Assert.Contains("24 minutes\nof training in all", Support.DocsPage.Section("results.md", "Sentences: the sequence VAE against a language model"));
    }
}
