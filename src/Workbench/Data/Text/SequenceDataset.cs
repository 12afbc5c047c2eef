namespace Workbench.Data.Text;

/// <summary>
/// Sentences (or any sequences) as token ids of varying length, sharing one <see cref="Text.Vocabulary"/>.
/// A sentence holds its tokens only, without <c>&lt;s&gt;</c> or <c>&lt;/s&gt;</c>, and has at least one token.
/// </summary>
/// <remarks>The ids are stored end to end in one array with an offset per sentence, so a dataset of 100,000 sentences is two arrays.</remarks>
public sealed class SequenceDataset
{
    private readonly int[] _tokens;   // all sentences end to end
    private readonly int[] _offsets;  // sentence i is _tokens[_offsets[i] .. _offsets[i + 1])

    /// <summary>A dataset of <paramref name="sentences"/> (token ids below <paramref name="vocabulary"/>'s count, each sentence non-empty).</summary>
    public SequenceDataset(Vocabulary vocabulary, IReadOnlyList<int[]> sentences)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(sentences);
        _offsets = new int[sentences.Count + 1];
        long total = 0;
        for (int i = 0; i < sentences.Count; i++)
        {
            var sentence = sentences[i] ?? throw new ArgumentException($"Sentence {i} is null.", nameof(sentences));
            if (sentence.Length == 0) throw new ArgumentException($"Sentence {i} is empty: every sentence needs at least one token.", nameof(sentences));
            foreach (int id in sentence)
                if ((uint)id >= (uint)vocabulary.Count)
                    throw new ArgumentException($"Sentence {i} has token id {id}, outside the vocabulary's 0..{vocabulary.Count - 1}.", nameof(sentences));
            total += sentence.Length;
            if (total > int.MaxValue) throw new ArgumentException("More than 2^31 tokens in one dataset.", nameof(sentences));
            _offsets[i + 1] = (int)total;
        }
        _tokens = new int[total];
        for (int i = 0; i < sentences.Count; i++) sentences[i].CopyTo(_tokens, _offsets[i]);
        Vocabulary = vocabulary;
    }

    /// <summary>The vocabulary the ids refer to.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>Number of sentences.</summary>
    public int Count => _offsets.Length - 1;

    /// <summary>Number of tokens in all sentences (the sum of their lengths, without <c>&lt;s&gt;</c>/<c>&lt;/s&gt;</c>).</summary>
    public int TokenCount => _tokens.Length;

    /// <summary>Number of tokens that are <see cref="Vocabulary.Unknown"/>.</summary>
    public int UnknownCount => _tokens.Count(id => id == Vocabulary.Unknown);

    /// <summary>Length of the longest sentence (0 for an empty dataset).</summary>
    public int MaxLength
    {
        get
        {
            int longest = 0;
            for (int i = 0; i < Count; i++) longest = Math.Max(longest, Length(i));
            return longest;
        }
    }

    /// <summary>The token ids of sentence <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> Sentence(int index)
    {
        CheckIndex(index);
        return _tokens.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]);
    }

    /// <summary>Number of tokens of sentence <paramref name="index"/>.</summary>
    public int Length(int index)
    {
        CheckIndex(index);
        return _offsets[index + 1] - _offsets[index];
    }

    /// <summary>Sentence <paramref name="index"/> as text (unknown words shown as <c>&lt;unk&gt;</c>).</summary>
    public string Text(int index) => Decode(Vocabulary, Sentence(index));

    /// <summary>The sentences at <paramref name="indices"/>, in that order, with the same vocabulary.</summary>
    public SequenceDataset Subset(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var sentences = new int[indices.Length][];
        for (int i = 0; i < indices.Length; i++) sentences[i] = Sentence(indices[i]).ToArray();
        return new SequenceDataset(Vocabulary, sentences);
    }

    /// <summary>The tokenised <paramref name="sentences"/> encoded with <paramref name="vocabulary"/> (unknown words → <see cref="Vocabulary.Unknown"/>).</summary>
    public static SequenceDataset Encode(Vocabulary vocabulary, IEnumerable<IReadOnlyList<string>> sentences)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(sentences);
        return new SequenceDataset(vocabulary, sentences.Select(vocabulary.Encode).ToList());
    }

    /// <summary>Token ids as text, stopping at the first <see cref="Vocabulary.End"/> or <see cref="Vocabulary.Pad"/> and skipping <see cref="Vocabulary.Begin"/>.</summary>
    public static string Decode(Vocabulary vocabulary, ReadOnlySpan<int> ids)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var words = new List<string>(ids.Length);
        foreach (int id in ids)
        {
            if (id is Vocabulary.End or Vocabulary.Pad) break;
            if (id != Vocabulary.Begin) words.Add(vocabulary.Word(id));
        }
        return Tokenizer.Detokenize(words);
    }

    public override string ToString() => $"SequenceDataset({Count} sentences, {TokenCount} tokens, vocabulary of {Vocabulary.Count})";

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"Sentence {index} of a dataset of {Count}.");
    }
}
