using Workbench.Tensors;

namespace Workbench.Data.Text;

/// <summary>
/// Turns sentences into a <see cref="SequenceSplits"/>: tokenised (<see cref="Tokenizer"/>), empty and over-long sentences
/// and duplicates dropped, split into train/validation/test by a seeded permutation, and encoded with a vocabulary
/// built from the training split only.
/// </summary>
public static class SequenceData
{
    /// <summary>WordNet's definition sentences (<see cref="WordNetDefinitions"/>), split and encoded.</summary>
    /// <param name="options">Length limit, minimum count and split (defaults: 20 tokens, 30 occurrences, 90/5/5 with seed 2016).</param>
    /// <param name="directory">Where the WordNet files are (default <c>/usr/share/wordnet</c>).</param>
    public static SequenceSplits Load(SequenceDataOptions? options = null, string? directory = null)
    {
        options ??= new SequenceDataOptions();
        options.Validate();
        var definitions = WordNetDefinitions.Read(directory);
        return FromSentences(definitions, options, WordNetDefinitions.Name,
            problem => new DataFileException(directory ?? WordNetDefinitions.DefaultDirectory, problem));
    }

    /// <summary>
    /// A user's own sentences, one per line of <paramref name="path"/> (UTF-8), split and encoded by the same rules.
    /// A missing, empty, binary or non-UTF-8 file, an over-long line, or a file with too few sentences left after the
    /// filters throws a <see cref="DataFileException"/> that names the file (and the line when one is at fault).
    /// </summary>
    public static SequenceSplits FromLines(string path, SequenceDataOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new SequenceDataOptions();
        options.Validate();
        var lines = TextLines.Read(path);
        if (lines.All(string.IsNullOrWhiteSpace))
            throw new DataFileException(path, "is empty: expected one sentence per line.");
        return FromSentences(lines, options, path, problem => new DataFileException(path, problem));
    }

    /// <summary>Sentences given as strings, split and encoded by the rules above; <paramref name="source"/> names them in messages.</summary>
    public static SequenceSplits FromSentences(IReadOnlyList<string> sentences, SequenceDataOptions? options = null, string source = "sentences") =>
        FromSentences(sentences, options ?? new SequenceDataOptions(), source, problem => new InvalidDataException($"{source}: {problem}"));

    private static SequenceSplits FromSentences(IReadOnlyList<string> sentences, SequenceDataOptions options, string source, Func<string, Exception> fail)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        options.Validate();
        var kept = new List<string[]>(sentences.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int empty = 0, tooLong = 0, duplicates = 0;
        foreach (var sentence in sentences)
        {
            var tokens = Tokenizer.Tokenize(sentence);
            if (tokens.Length == 0) empty++;
            else if (tokens.Length > options.MaxLength) tooLong++;
            else if (!seen.Add(string.Join(' ', tokens))) duplicates++;
            else kept.Add(tokens);
        }
        if (kept.Count == 0)
            throw fail($"no sentence is left after the filters: of {sentences.Count:N0} lines, {empty:N0} are blank or have no token, " +
                       $"{tooLong:N0} are longer than maxLength = {options.MaxLength} tokens and {duplicates:N0} repeat an earlier sentence.");

        var (train, validation, test) = Split(kept.Count, options);
        if (train is null)
            throw fail($"{kept.Count:N0} sentence(s) left after the filters, too few to split: at least 3 are needed (one each for training, validation and test).");
        var vocabulary = Vocabulary.Build(train.Select(i => (IReadOnlyList<string>)kept[i]), options.MinimumCount);
        SequenceDataset Encode(int[] indices) => SequenceDataset.Encode(vocabulary, indices.Select(i => (IReadOnlyList<string>)kept[i]));
        return new SequenceSplits(Encode(train), Encode(validation!), Encode(test!), options, source, sentences.Count, empty, tooLong, duplicates);
    }

    /// <summary>
    /// The split of <paramref name="count"/> sentences: a permutation seeded by <see cref="SequenceDataOptions.SplitSeed"/>;
    /// its first round(N·validation) entries (at least 1) are the validation split, the next round(N·test) (at least 1) the
    /// test split, the rest the training split; each split in corpus order. Null splits when fewer than 3 sentences.
    /// </summary>
    public static (int[]? Train, int[]? Validation, int[]? Test) Split(int count, SequenceDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int validation = Math.Max(1, (int)Math.Round(count * options.ValidationFraction));
        int test = Math.Max(1, (int)Math.Round(count * options.TestFraction));
        if (count < validation + test + 1) return (null, null, null);
        var order = new Rng(options.SplitSeed).Permutation(count);
        int[] Sorted(int start, int length) { var part = order.AsSpan(start, length).ToArray(); Array.Sort(part); return part; }
        return (Sorted(validation + test, count - validation - test), Sorted(0, validation), Sorted(validation, test));
    }
}
