using Workbench.Display;

namespace Workbench.Evaluation.Sequences;

/// <summary>
/// A bound on −log p(x) of a set of sentences: the ELBO (k = 1, closed-form KL) or the importance-weighted bound −L_k.
/// Per word means per predicted word: each sentence's tokens and its &lt;/s&gt; (n + 1 words per sentence of n tokens).
/// </summary>
/// <param name="NllBoundPerSentence">The bound on −log p(x), nats per sentence.</param>
/// <param name="Samples">k (1 for the ELBO).</param>
/// <param name="Sentences">Sentences evaluated.</param>
/// <param name="Words">Words predicted: tokens + one &lt;/s&gt; per sentence.</param>
/// <param name="Reconstruction">The ELBO's −log p(x|z) term, nats per sentence (null for −L_k).</param>
/// <param name="Kl">The ELBO's KL(q(z|x) ‖ p(z)) term, nats per sentence (null for −L_k).</param>
[TypeFormatterSource(typeof(HtmlFormatterSource<SequenceBoundEvaluation>), PreferredMimeTypes = ["text/html"])]
public sealed record SequenceBoundEvaluation(double NllBoundPerSentence, int Samples, int Sentences, long Words, double? Reconstruction = null, double? Kl = null)
    : IHtmlDisplayable
{
    /// <summary>The bound in nats per predicted word.</summary>
    public double NllBoundPerWord => NllBoundPerSentence * Sentences / Words;

    /// <summary>exp(bound per word): an upper bound on the model's perplexity.</summary>
    public double Perplexity => Math.Exp(NllBoundPerWord);

    public string ToHtml() =>
        new HtmlTable(["k", "sentences", "words", "NLL bound (nats/sentence)", "per word", "perplexity ≤", "reconstruction", "KL"],
                Samples == 1 ? "ELBO" : $"Importance-weighted bound (k = {Samples})")
            .AddRow(Samples, Sentences, Words, NllBoundPerSentence, NllBoundPerWord, Perplexity, Reconstruction?.ToString("G4") ?? "", Kl?.ToString("G4") ?? "")
            .ToHtml();
}

/// <summary>A language model's exact −log p(x) on a set of sentences; per word as in <see cref="SequenceBoundEvaluation"/>.</summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<LanguageModelEvaluation>), PreferredMimeTypes = ["text/html"])]
public sealed record LanguageModelEvaluation(double NllPerSentence, int Sentences, long Words) : IHtmlDisplayable
{
    /// <summary>Nats per predicted word (tokens + &lt;/s&gt;).</summary>
    public double NllPerWord => NllPerSentence * Sentences / Words;

    /// <summary>exp(NLL per word).</summary>
    public double Perplexity => Math.Exp(NllPerWord);

    public string ToHtml() =>
        new HtmlTable(["sentences", "words", "NLL (nats/sentence)", "per word", "perplexity"], "Language model")
            .AddRow(Sentences, Words, NllPerSentence, NllPerWord, Perplexity).ToHtml();
}
