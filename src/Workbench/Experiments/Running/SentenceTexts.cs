using System.Text;
using Workbench.Data;
using Workbench.Data.Text;
using Workbench.Experiments.RunFolders;
using Workbench.Models.Sequences;
using Workbench.Tensors;

namespace Workbench.Experiments.Running;

/// <summary>
/// The sentences a researcher reads after training a model of sentences (Bowman et al. 2016, §5): samples from the prior,
/// reconstructions of test sentences (greedy, and sampled word by word), and homotopies — sentences decoded greedily
/// along the line between two test sentences' posterior means. The language model has only its samples.
/// Written as <c>texts.json</c> and <c>texts.md</c> in the run folder.
/// </summary>
/// <param name="Prior">Codes z ~ N(0, I): each decoded greedily and sampled. Language model: sentences it samples (greedy: its one most probable sentence).</param>
/// <param name="Reconstructions">Test sentences and what the decoder makes of their posterior mean (greedy) and of a z drawn from q(z|x) (sampled).</param>
/// <param name="Homotopies">Each a pair of test sentences and the sentences decoded along the segment between their codes, ends included.</param>
public sealed record SentenceTexts(IReadOnlyList<DecodedSentence> Prior, IReadOnlyList<ReconstructedSentence> Reconstructions, IReadOnlyList<SentenceHomotopy> Homotopies)
{
    public const string JsonFile = "texts.json", MarkdownFile = "texts.md";

    /// <summary>The texts of a trained sequence VAE on <paramref name="test"/>, seeded by <paramref name="seed"/>; eval mode, no gradients.</summary>
    public static SentenceTexts Of(SequenceVae model, SequenceDataset test, ulong seed, int count = 8, int homotopies = 2, int points = 7)
    {
        model.Eval();
        var rng = new Rng(SeedMix.Combine(seed, 7, 1));
        var vocabulary = test.Vocabulary;
        string Text(int[] ids) => SequenceDataset.Decode(vocabulary, ids);

        var z = Tensor.Randn(rng, count, model.LatentSize); // (count, L)
        var greedy = model.Greedy(z);
        var sampled = model.Sample(z, rng);
        var prior = Enumerable.Range(0, count).Select(i => new DecodedSentence(Text(greedy[i]), Text(sampled[i]))).ToList();

        // Test sentences spread over the split, the same ones for every run on the same data.
        int shown = Math.Min(count, test.Count);
        var chosen = Enumerable.Range(0, shown).Select(i => (int)((long)i * test.Count / shown)).ToArray();
        var batch = Evaluation.Sequences.SequenceBatches.Of(test, chosen);
        Models.Posteriors.DiagonalGaussian posterior;
        using (GradMode.NoGrad()) posterior = model.Encode(batch);
        var fromMean = model.Greedy(posterior.Mean);
        var drawn = model.Sample(posterior.Sample(Tensor.Randn(rng, shown, model.LatentSize)), rng);
        var reconstructions = Enumerable.Range(0, shown).Select(i => new ReconstructedSentence(test.Text(chosen[i]), Text(fromMean[i]), Text(drawn[i]))).ToList();

        var means = posterior.Mean.ToArray();
        int latent = model.LatentSize;
        var paths = new List<SentenceHomotopy>();
        for (int h = 0; h < homotopies && 2 * h + 1 < shown; h++)
        {
            int a = 2 * h, b = 2 * h + 1;
            var from = Tensor.FromArray(means.AsSpan(a * latent, latent).ToArray(), latent);
            var to = Tensor.FromArray(means.AsSpan(b * latent, latent).ToArray(), latent);
            paths.Add(new SentenceHomotopy(test.Text(chosen[a]), test.Text(chosen[b]), model.HomotopyGreedy(from, to, points).Select(Text).ToList()));
        }
        return new SentenceTexts(prior, reconstructions, paths);
    }

    /// <summary>The language model's texts: its greedy sentence and <paramref name="count"/> sampled ones (no code, so no reconstructions).</summary>
    public static SentenceTexts Of(RnnLanguageModel model, Vocabulary vocabulary, ulong seed, int count = 8)
    {
        model.Eval();
        var rng = new Rng(SeedMix.Combine(seed, 7, 1));
        string greedy = SequenceDataset.Decode(vocabulary, model.Generate(1, null)[0]);
        var sampled = model.Generate(count, rng);
        return new SentenceTexts(sampled.Select(s => new DecodedSentence(greedy, SequenceDataset.Decode(vocabulary, s))).ToList(), [], []);
    }

    /// <summary>Writes <c>texts.json</c> and <c>texts.md</c> into the run folder (atomically).</summary>
    public void Write(RunFolder folder, string title)
    {
        folder.WriteJson(JsonFile, this);
        IO.AtomicFile.WriteAllText(Path.Combine(folder.Path, MarkdownFile), ToMarkdown(title));
    }

    /// <summary>The texts as a markdown page: prior samples, reconstructions, homotopies.</summary>
    public string ToMarkdown(string title)
    {
        var md = new StringBuilder($"# {title}\n\n");
        bool languageModel = Reconstructions.Count == 0;
        md.AppendLine(languageModel ? "## Sentences sampled from the language model\n" : "## Sentences from the prior, z ~ N(0, I)\n");
        if (languageModel)
        {
            md.AppendLine($"Greedy: *{Prior.FirstOrDefault()?.Greedy}*\n");
            foreach (var p in Prior) md.AppendLine($"- {p.Sampled}");
        }
        else
        {
            md.AppendLine("| greedy | sampled |\n|---|---|");
            foreach (var p in Prior) md.AppendLine($"| {Cell(p.Greedy)} | {Cell(p.Sampled)} |");
        }
        if (Reconstructions.Count > 0)
        {
            md.AppendLine("\n## Reconstructions of test sentences\n\nGreedy from the posterior mean; sampled from a z drawn from q(z|x), word by word.\n");
            md.AppendLine("| test sentence | greedy | sampled |\n|---|---|---|");
            foreach (var r in Reconstructions) md.AppendLine($"| {Cell(r.Input)} | {Cell(r.Greedy)} | {Cell(r.Sampled)} |");
        }
        foreach (var h in Homotopies)
        {
            md.AppendLine($"\n## Homotopy: from *{h.From}* to *{h.To}*\n\nGreedy decodings of evenly spaced codes between the two posterior means.\n");
            for (int i = 0; i < h.Path.Count; i++) md.AppendLine($"{i + 1}. {h.Path[i]}");
        }
        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}

/// <summary>A code's greedy decoding and one sampled decoding.</summary>
public sealed record DecodedSentence(string Greedy, string Sampled);

/// <summary>A test sentence with its greedy and sampled reconstructions.</summary>
public sealed record ReconstructedSentence(string Input, string Greedy, string Sampled);

/// <summary>The two ends of a homotopy and the sentences decoded between them, ends included.</summary>
public sealed record SentenceHomotopy(string From, string To, IReadOnlyList<string> Path);
