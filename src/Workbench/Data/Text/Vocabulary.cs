using System.Text.Json;
using System.Text.Json.Serialization;
using Workbench.IO;

namespace Workbench.Data.Text;

/// <summary>
/// The words a sequence model knows, each with an integer id. Ids 0–3 are reserved: <see cref="Pad"/> (padding
/// beyond a sentence's end), <see cref="Unknown"/> (<c>&lt;unk&gt;</c>, every word not in the vocabulary),
/// <see cref="Begin"/> (<c>&lt;s&gt;</c>) and <see cref="End"/> (<c>&lt;/s&gt;</c>). The other words follow by
/// decreasing training count (ties in ordinal order of the word), so a vocabulary built twice from the same
/// sentences is the same.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>Id of the padding token <c>&lt;pad&gt;</c>, written beyond each sentence's end in a batch.</summary>
    public const int Pad = 0;
    /// <summary>Id of <c>&lt;unk&gt;</c>, which stands for every word outside the vocabulary.</summary>
    public const int Unknown = 1;
    /// <summary>Id of <c>&lt;s&gt;</c>, the decoder's first input.</summary>
    public const int Begin = 2;
    /// <summary>Id of <c>&lt;/s&gt;</c>, the decoder's last target.</summary>
    public const int End = 3;
    /// <summary>Number of reserved ids (the first word proper has this id).</summary>
    public const int ReservedCount = 4;

    /// <summary>The reserved tokens' spellings, by id.</summary>
    public static IReadOnlyList<string> ReservedWords { get; } = ["<pad>", "<unk>", "<s>", "</s>"];

    private readonly string[] _words;
    private readonly long[] _counts;
    private readonly Dictionary<string, int> _ids;

    private Vocabulary(string[] words, long[] counts, int minimumCount)
    {
        _words = words;
        _counts = counts;
        MinimumCount = minimumCount;
        _ids = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (int i = 0; i < words.Length; i++) _ids.Add(words[i], i);
    }

    /// <summary>Number of ids, reserved ones included (the size V of a model's embedding and output layer).</summary>
    public int Count => _words.Length;

    /// <summary>The minimum number of training occurrences a word needed to get its own id.</summary>
    public int MinimumCount { get; }

    /// <summary>The word with id <paramref name="id"/> (a reserved token's spelling for ids below <see cref="ReservedCount"/>).</summary>
    public string Word(int id)
    {
        if ((uint)id >= (uint)_words.Length)
            throw new ArgumentOutOfRangeException(nameof(id), $"Token id {id} is outside the vocabulary's 0..{_words.Length - 1}.");
        return _words[id];
    }

    /// <summary>The id of <paramref name="word"/>, or <see cref="Unknown"/> for a word outside the vocabulary.</summary>
    public int Id(string word) => _ids.TryGetValue(word, out int id) ? id : Unknown;

    /// <summary>True when <paramref name="word"/> has an id of its own.</summary>
    public bool Contains(string word) => _ids.ContainsKey(word);

    /// <summary>
    /// How often the token with id <paramref name="id"/> occurred in the sentences the vocabulary was built from;
    /// for <see cref="Unknown"/>, the occurrences of all words that fell below the minimum count; 0 for the other reserved ids.
    /// </summary>
    public long TrainingCount(int id)
    {
        Word(id); // range check
        return _counts[id];
    }

    /// <summary>The ids of <paramref name="tokens"/> (words outside the vocabulary become <see cref="Unknown"/>).</summary>
    public int[] Encode(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var ids = new int[tokens.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = Id(tokens[i]);
        return ids;
    }

    /// <summary>
    /// The vocabulary of the words that occur at least <paramref name="minimumCount"/> times in <paramref name="sentences"/>,
    /// after the four reserved tokens, by decreasing count then ordinal word order.
    /// </summary>
    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> sentences, int minimumCount)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        if (minimumCount < 1) throw new ArgumentOutOfRangeException(nameof(minimumCount), $"The minimum count must be at least 1, got {minimumCount}.");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sentence in sentences)
            foreach (var word in sentence)
                counts[word] = counts.GetValueOrDefault(word) + 1;
        foreach (var reserved in ReservedWords) counts.Remove(reserved); // a literal "<unk>" in the text is the unknown word
        var kept = counts.Where(pair => pair.Value >= minimumCount)
            .OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        long unknown = counts.Values.Where(count => count < minimumCount).Sum();
        var words = ReservedWords.Concat(kept.Select(pair => pair.Key)).ToArray();
        var wordCounts = new long[] { 0, unknown, 0, 0 }.Concat(kept.Select(pair => pair.Value)).ToArray();
        return new Vocabulary(words, wordCounts, minimumCount);
    }

    /// <summary>Writes the vocabulary to <paramref name="path"/> as JSON (atomically: the old file or the whole new one).</summary>
    public void Save(string path)
    {
        var file = new VocabularyFile(FormatName, MinimumCount, _words, _counts);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(file, JsonOptions) + "\n");
    }

    /// <summary>Reads a vocabulary written by <see cref="Save"/>; a malformed file throws a <see cref="DataFileException"/> naming it.</summary>
    public static Vocabulary Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new DataFileException(path, "vocabulary file not found.");
        VocabularyFile? file;
        try { file = JsonSerializer.Deserialize<VocabularyFile>(File.ReadAllText(path), JsonOptions); }
        catch (JsonException e) { throw new DataFileException(path, $"not a vocabulary file: {e.Message}", e); }
        if (file is null || file.Format != FormatName || file.Words is null || file.Counts is null)
            throw new DataFileException(path, $"not a vocabulary file (expected \"format\": \"{FormatName}\" with \"words\" and \"counts\").");
        if (file.Words.Length != file.Counts.Length)
            throw new DataFileException(path, $"{file.Words.Length} words but {file.Counts.Length} counts.");
        if (file.Words.Length < ReservedCount || !file.Words.Take(ReservedCount).SequenceEqual(ReservedWords))
            throw new DataFileException(path, $"the first words must be the reserved tokens {string.Join(", ", ReservedWords)}.");
        if (file.MinimumCount < 1) throw new DataFileException(path, $"minimumCount must be at least 1, got {file.MinimumCount}.");
        var duplicate = file.Words.GroupBy(w => w, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DataFileException(path, $"the word \"{duplicate.Key}\" appears twice.");
        if (file.Words.Any(string.IsNullOrEmpty)) throw new DataFileException(path, "a word is empty.");
        return new Vocabulary(file.Words, file.Counts, file.MinimumCount);
    }

    public override string ToString() => $"Vocabulary({Count} ids, words seen at least {MinimumCount} times)";

    private const string FormatName = "workbench-vocabulary";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private sealed record VocabularyFile(
        [property: JsonPropertyName("format")] string Format,
        [property: JsonPropertyName("minimumCount")] int MinimumCount,
        [property: JsonPropertyName("words")] string[] Words,
        [property: JsonPropertyName("counts")] long[] Counts);
}
