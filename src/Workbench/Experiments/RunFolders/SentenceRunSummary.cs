namespace Workbench.Experiments.RunFolders;

/// <summary>
/// What a run on sentences measured on its test sentences (<c>summary.json</c>'s <c>"sentences"</c>). Per-sentence figures
/// are nats per sentence over the n words and &lt;/s&gt; it predicts; per-word figures divide the same sums by the predicted
/// words (tokens + one &lt;/s&gt; per sentence), and perplexity is exp(per-word).
/// For the sequence VAE the bounds are upper bounds on −log p(x); the language model's NLL is exact.
/// </summary>
public sealed record SentenceRunSummary
{
    /// <summary>"sequence-vae" or "rnn-lm".</summary>
    public required string Model { get; init; }
    public required int VocabularySize { get; init; }
    public required int TrainSentences { get; init; }
    public required long TrainTokens { get; init; }
    public required int TestSentences { get; init; }
    public required long TestTokens { get; init; }

    /// <summary>Predicted test words: tokens plus one &lt;/s&gt; per sentence (the per-word denominator).</summary>
    public required long TestPredictedWords { get; init; }

    /// <summary>Word dropout p during training (0 for the language model).</summary>
    public required double WordDropout { get; init; }

    /// <summary>The KL annealing schedule in words; null for the language model.</summary>
    public string? KlAnnealing { get; init; }

    /// <summary>−ELBO (one z per sentence, closed-form KL), nats per sentence; null for the language model.</summary>
    public double? NegativeElbo { get; init; }
    public double? NegativeElboPerWord { get; init; }
    public double? ElboPerplexity { get; init; }

    /// <summary>The −ELBO's reconstruction term −log p(x|z), nats per sentence.</summary>
    public double? Reconstruction { get; init; }

    /// <summary>The −ELBO's KL(q(z|x) ‖ N(0, I)), nats per sentence.</summary>
    public double? Kl { get; init; }

    /// <summary>−L_k, the importance-weighted bound (Burda et al. 2016) on the first <see cref="ImportanceSentences"/> test sentences, nats per sentence.</summary>
    public double? ImportanceWeightedBound { get; init; }
    public double? ImportanceWeightedBoundPerWord { get; init; }
    public double? ImportanceWeightedPerplexity { get; init; }
    public int? ImportanceSamples { get; init; }
    public int? ImportanceSentences { get; init; }

    /// <summary>Latent dimensions whose posterior mean varies across test sentences by more than the threshold (Burda et al. 2016).</summary>
    public int? ActiveUnits { get; init; }

    /// <summary>I(x; z) under q, nats (Hoffman &amp; Johnson 2016; He et al. 2019): near 0 when the posterior has collapsed.</summary>
    public double? MutualInformation { get; init; }

    /// <summary>The language model's exact −log p(x), nats per sentence; null for the VAE.</summary>
    public double? LanguageModelNll { get; init; }
    public double? LanguageModelNllPerWord { get; init; }
    public double? LanguageModelPerplexity { get; init; }

    /// <summary>−log p(x) or its bound as compared across models: the IW bound when measured, else −ELBO; the LM's NLL. Nats per sentence.</summary>
    public double NllOrBound => LanguageModelNll ?? ImportanceWeightedBound ?? NegativeElbo ?? double.NaN;
}
