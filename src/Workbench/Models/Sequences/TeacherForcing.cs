using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Sequences;

/// <summary>
/// The decoder side shared by <see cref="SequenceVae"/> and <see cref="RnnLanguageModel"/>: an embedding, a GRU and an
/// output layer read &lt;s&gt; w₁…wₙ and predict w₁…wₙ &lt;/s&gt; (teacher forcing), optionally with word dropout
/// (Bowman et al. 2016, §3.2: each input word but &lt;s&gt; replaced by &lt;unk&gt; with probability p).
/// </summary>
/// <remarks>
/// Only the valid positions (n + 1 per sentence) reach the output layer: the (B·(T+1), H) states are gathered to (N, H)
/// before the V-wide product, which on sentences of mixed lengths skips the padding's share of the largest matrix product.
/// Per-sentence sums are then one (B, N)·(N, 1) product with a 0/1 matrix, so every number keeps its gradient.
/// </remarks>
public static class TeacherForcing
{
    /// <summary>
    /// The decoder's inputs &lt;s&gt; w₁…wₙ, row-major (B, T+1), padded with <see cref="SpecialTokens.Pad"/>, each wₜ replaced by
    /// <see cref="SpecialTokens.Unknown"/> with probability <paramref name="wordDropout"/>: one uniform draw from
    /// <paramref name="random"/> per token, sentence by sentence, only when p &gt; 0 (padding draws nothing, so the draws do
    /// not depend on how far a batch is padded).
    /// </summary>
    public static int[] DecoderInputs(TokenBatch batch, double wordDropout, Rng? random)
    {
        if (wordDropout > 0 && random is null) throw new ArgumentNullException(nameof(random), "Word dropout with p > 0 needs a random stream.");
        int steps = batch.Steps + 1;
        var inputs = new int[batch.Size * steps]; // Pad = 0 past each sentence
        for (int b = 0; b < batch.Size; b++)
        {
            var sentence = batch.Sentence(b);
            inputs[b * steps] = SpecialTokens.Begin;
            for (int t = 0; t < sentence.Length; t++)
                inputs[b * steps + t + 1] = wordDropout > 0 && random!.NextDouble() < wordDropout ? SpecialTokens.Unknown : sentence[t];
        }
        return inputs;
    }

    /// <summary>
    /// −log p(w₁…wₙ &lt;/s&gt; | h₀) of every sentence, nats: the decoder GRU run from <paramref name="initialState"/> (1, B, H)
    /// (zeros when null) over the inputs of <see cref="DecoderInputs"/>, the output layer's logits, cross-entropy summed over
    /// the n + 1 targets of each sentence. (B)
    /// </summary>
    public static Tensor NegativeLogLikelihood(Embedding embedding, GRU decoder, Linear output, TokenBatch batch, Tensor? initialState,
        double wordDropout, Rng? random)
    {
        int size = batch.Size, steps = batch.Steps + 1, hidden = decoder.HiddenSize;
        var inputs = DecoderInputs(batch, wordDropout, random);
        var lengths = new int[size];
        var rows = new int[batch.PredictedWords];
        var targets = new int[rows.Length];
        var sentenceOf = new float[size * rows.Length]; // (B, N): 1 where target r belongs to sentence b
        int r = 0;
        for (int b = 0; b < size; b++)
        {
            var sentence = batch.Sentence(b);
            lengths[b] = sentence.Length + 1;
            for (int t = 0; t <= sentence.Length; t++, r++)
            {
                rows[r] = b * steps + t;
                targets[r] = t < sentence.Length ? sentence[t] : SpecialTokens.End;
                sentenceOf[b * rows.Length + r] = 1f;
            }
        }
        var embedded = embedding.Forward(new TokenIds(inputs, size, steps));                     // (B, T+1, E)
        var states = decoder.Forward(embedded, initialState, lengths).Output;                    // (B, T+1, H)
        var logits = output.Forward(states.Reshape(size * steps, hidden).GatherRows(rows));      // (N, V)
        var terms = Losses.CrossEntropy(logits, targets, Reduction.None);                        // (N), nats per word
        return Tensor.FromArray(sentenceOf, size, rows.Length).MatMul(terms.Reshape(rows.Length, 1)).Reshape(size); // (B)
    }

    /// <summary>
    /// Decodes from initial states (B, H) without teacher forcing, one word at a time from &lt;s&gt;: the most probable word
    /// (greedy) when <paramref name="sampler"/> is null, else a draw from the softmax. &lt;pad&gt; and &lt;s&gt;, which are never
    /// targets, are never chosen. Each sentence stops at &lt;/s&gt; (not included) or after <paramref name="maxLength"/> words.
    /// </summary>
    public static int[][] Generate(Embedding embedding, GRU decoder, Linear output, Tensor initialState, int maxLength, Rng? sampler)
    {
        if (maxLength < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "The maximum length must be at least 1.");
        int size = initialState.Dim(0), hidden = decoder.HiddenSize, vocabulary = output.OutFeatures;
        var sentences = new List<int>[size];
        var done = new bool[size];
        for (int b = 0; b < size; b++) sentences[b] = [];
        using (GradMode.NoGrad())
        {
            var state = initialState.Reshape(1, size, hidden);
            var current = Enumerable.Repeat(SpecialTokens.Begin, size).ToArray();
            for (int step = 0; step < maxLength && done.Contains(false); step++)
            {
                state = decoder.Forward(embedding.Forward(new TokenIds((int[])current.Clone(), size, 1)), state).HiddenState; // (1, B, H)
                var logits = output.Forward(state.Reshape(size, hidden)).Span;                                                // (B, V)
                for (int b = 0; b < size; b++)
                {
                    int word = Choose(logits.Slice(b * vocabulary, vocabulary), sampler);
                    current[b] = word;
                    if (done[b]) continue;
                    if (word == SpecialTokens.End) done[b] = true;
                    else sentences[b].Add(word);
                }
            }
        }
        return sentences.Select(s => s.ToArray()).ToArray();
    }

    private static int Choose(ReadOnlySpan<float> logits, Rng? sampler)
    {
        if (sampler is null)
        {
            int best = -1;
            for (int v = 0; v < logits.Length; v++)
                if (!Excluded(v) && (best < 0 || logits[v] > logits[best])) best = v;
            return best;
        }
        float max = float.NegativeInfinity;
        for (int v = 0; v < logits.Length; v++) if (!Excluded(v)) max = Math.Max(max, logits[v]);
        double total = 0;
        for (int v = 0; v < logits.Length; v++) if (!Excluded(v)) total += Math.Exp(logits[v] - max);
        double u = sampler.NextDouble() * total, cumulative = 0;
        int last = SpecialTokens.End; // reached only through rounding at the top of the cumulative sum
        for (int v = 0; v < logits.Length; v++)
        {
            if (Excluded(v)) continue;
            last = v;
            cumulative += Math.Exp(logits[v] - max);
            if (u < cumulative) return v;
        }
        return last;
    }

    private static bool Excluded(int id) => id == SpecialTokens.Pad || id == SpecialTokens.Begin;
}
