namespace Workbench.Models.Sequences;

/// <summary>
/// A padded batch of sentences as a sequence model reads it: B sentences of token ids without &lt;s&gt; and &lt;/s&gt;,
/// row-major (B, T) with T the longest length, padded with <see cref="SpecialTokens.Pad"/>. The same layout as the data
/// layer's <c>SequenceBatch</c>, which converts to it; models stay below the data layer and see only ids.
/// </summary>
/// <param name="Size">B, the number of sentences.</param>
/// <param name="Steps">T, the longest sentence's length.</param>
/// <param name="Tokens">B·T ids, row-major, padded past each length.</param>
/// <param name="Lengths">Each sentence's number of tokens, 1..T. (B)</param>
public sealed record TokenBatch(int Size, int Steps, int[] Tokens, int[] Lengths)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range for a vocabulary of <paramref name="vocabularySize"/> ids.</summary>
    public void Validate(int vocabularySize)
    {
        if (Size < 1) throw new ArgumentException($"A token batch needs at least one sentence (Size = {Size}).");
        if (Steps < 1) throw new ArgumentException($"A token batch needs Steps ≥ 1 (got {Steps}).");
        if (Tokens.Length != Size * Steps)
            throw new ArgumentException($"Tokens holds {Tokens.Length} ids; Size·Steps = {Size}·{Steps} = {Size * Steps} expected.");
        if (Lengths.Length != Size) throw new ArgumentException($"Lengths holds {Lengths.Length} entries; Size = {Size} expected.");
        for (int b = 0; b < Size; b++)
        {
            if (Lengths[b] < 1 || Lengths[b] > Steps)
                throw new ArgumentException($"Lengths[{b}] = {Lengths[b]} is outside 1..{Steps} (Steps).");
            for (int t = 0; t < Lengths[b]; t++)
            {
                int id = Tokens[b * Steps + t];
                if (id < 0 || id >= vocabularySize)
                    throw new ArgumentException($"Tokens[{b}, {t}] = {id} is outside 0..{vocabularySize - 1} (the vocabulary's ids).");
            }
        }
    }

    /// <summary>Words the model predicts per sentence, the tokens and &lt;/s&gt;: Σ (length + 1), the denominator of per-word figures.</summary>
    public int PredictedWords => Lengths.Sum() + Size;

    /// <summary>Builds a batch from sentences of ids (each without &lt;s&gt;/&lt;/s&gt;, at least one token), padding to the longest.</summary>
    public static TokenBatch FromSentences(IReadOnlyList<int[]> sentences)
    {
        if (sentences.Count == 0) throw new ArgumentException("A token batch needs at least one sentence.");
        int steps = sentences.Max(s => s.Length);
        var tokens = new int[sentences.Count * steps];
        var lengths = new int[sentences.Count];
        for (int b = 0; b < sentences.Count; b++)
        {
            if (sentences[b].Length == 0) throw new ArgumentException($"Sentence {b} is empty; every sentence needs at least one token.");
            sentences[b].CopyTo(tokens, b * steps);
            lengths[b] = sentences[b].Length;
        }
        return new TokenBatch(sentences.Count, steps, tokens, lengths);
    }

    /// <summary>Sentence <paramref name="b"/>'s ids, without padding.</summary>
    public ReadOnlySpan<int> Sentence(int b) => Tokens.AsSpan(b * Steps, Lengths[b]);
}

/// <summary>The reserved ids every vocabulary shares (the data layer's <c>Vocabulary</c> uses the same values).</summary>
public static class SpecialTokens
{
    /// <summary>Padding past a sentence's end; never a target.</summary>
    public const int Pad = 0;

    /// <summary>"&lt;unk&gt;": a word outside the vocabulary, and what word dropout feeds the decoder.</summary>
    public const int Unknown = 1;

    /// <summary>"&lt;s&gt;": the decoder's first input.</summary>
    public const int Begin = 2;

    /// <summary>"&lt;/s&gt;": the decoder's last target; generation stops at it.</summary>
    public const int End = 3;
}
