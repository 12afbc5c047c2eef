using Workbench.Models.Kl;
using Workbench.Models.Sequences;
using Workbench.Tensors;

namespace Workbench.Tests.Models.Sequences;

/// <summary>Tiny sequence models and batches for the tests.</summary>
internal static class SequenceModels
{
    public const int Vocabulary = 9;

    public static SequenceVaeConfig TinyConfig(double wordDropout = 0, float beta = 0.8f) =>
        new(Vocabulary, EmbeddingSize: 3, HiddenSize: 4, LatentSize: 2, WordDropout: wordDropout, KlAnnealing: new ConstantKlWeight(beta));

    public static SequenceVae TinyVae(double wordDropout = 0, ulong seed = 5) => new(TinyConfig(wordDropout), new Rng(seed));

    /// <summary>Four sentences of lengths 4, 1, 3, 2 over ids 1..8 (no padding id inside a sentence).</summary>
    public static TokenBatch Batch() => TokenBatch.FromSentences([[4, 5, 6, 1], [7], [8, 4, 4], [5, 3]]);

    /// <summary>The batch with <paramref name="extra"/> more padding steps on every row.</summary>
    public static TokenBatch Padded(TokenBatch batch, int extra)
    {
        int steps = batch.Steps + extra;
        var tokens = new int[batch.Size * steps];
        for (int b = 0; b < batch.Size; b++) batch.Sentence(b).CopyTo(tokens.AsSpan(b * steps));
        return new TokenBatch(batch.Size, steps, tokens, (int[])batch.Lengths.Clone());
    }

    /// <summary>Loss terms per sentence, reconstruction + β·KL, of an evaluation-mode pass with noise ε. (B)</summary>
    public static float[] PerSentence(SequenceVae model, TokenBatch batch, Tensor noise)
    {
        var output = model.Forward(new SequenceVaeBatch(batch, noise));
        return (output.ReconstructionPerSentence + output.KlPerSentence * output.KlWeight).ToArray();
    }
}
