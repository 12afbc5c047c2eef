using Workbench.Models.Kl;

namespace Workbench.Models.Sequences;

/// <summary>
/// Sizes and training-time behaviour of a <see cref="SequenceVae"/> (Bowman et al. 2016, sized for a CPU). The language-model
/// baseline <see cref="RnnLanguageModel"/> uses the same embedding and hidden sizes.
/// </summary>
/// <param name="VocabularySize">V, the number of token ids (reserved ids included).</param>
/// <param name="EmbeddingSize">E, the width of the word vectors shared by encoder and decoder.</param>
/// <param name="HiddenSize">H, the GRUs' state width.</param>
/// <param name="LatentSize">L, the dimensions of z.</param>
/// <param name="WordDropout">p, the probability of replacing each decoder input word (not &lt;s&gt;) by &lt;unk&gt; in training mode, in [0, 1].</param>
/// <param name="KlAnnealing">The KL weight over training; null for Bowman et al.'s logistic schedule (<see cref="LogisticKlAnnealing"/> at its defaults).</param>
public sealed record SequenceVaeConfig(int VocabularySize, int EmbeddingSize = 128, int HiddenSize = 192, int LatentSize = 32,
    double WordDropout = 0, KlSchedule? KlAnnealing = null)
{
    /// <summary>The schedule in force: <see cref="KlAnnealing"/>, or the logistic one when it is null.</summary>
    public KlSchedule Schedule => KlAnnealing ?? new LogisticKlAnnealing();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of its range.</summary>
    public void Validate()
    {
        if (VocabularySize <= SpecialTokens.End)
            throw new ArgumentException($"vocabularySize: must exceed {SpecialTokens.End} (the reserved ids 0..{SpecialTokens.End}); got {VocabularySize}.");
        Positive("embeddingSize", EmbeddingSize);
        Positive("hiddenSize", HiddenSize);
        Positive("latentSize", LatentSize);
        if (!(WordDropout >= 0 && WordDropout <= 1)) throw new ArgumentException($"wordDropout: must be between 0 and 1 (got {WordDropout}).");
        Schedule.Validate("klAnnealing");
    }

    private static void Positive(string field, int value)
    {
        if (value < 1 || value > 1 << 16) throw new ArgumentException($"{field}: must be between 1 and {1 << 16} (got {value}).");
    }
}
