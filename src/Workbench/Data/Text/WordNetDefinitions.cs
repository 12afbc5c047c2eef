namespace Workbench.Data.Text;

/// <summary>
/// The definition sentences of WordNet 3.0 (Princeton), as installed by the Debian package <c>wordnet-base</c>:
/// from each synset line of <c>data.noun</c>, <c>data.verb</c>, <c>data.adj</c> and <c>data.adv</c>, the gloss
/// after <c>| </c> up to its first <c>;</c> (the definition without its usage examples).
/// </summary>
public static class WordNetDefinitions
{
    /// <summary>Where <c>wordnet-base</c> installs the database.</summary>
    public const string DefaultDirectory = "/usr/share/wordnet";

    /// <summary>The Debian package that provides the files.</summary>
    public const string DebianPackage = "wordnet-base";

    /// <summary>The name of the corpus in experiment files and reports.</summary>
    public const string Name = "wordnet-definitions";

    /// <summary>The longest synset line accepted (a synset with many pointers takes about 12,000 characters).</summary>
    private const int MaxSynsetLineCharacters = 1_000_000;

    /// <summary>The data files read, in this order.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["data.noun", "data.verb", "data.adj", "data.adv"];

    /// <summary>
    /// The definitions, file after file in <see cref="FileNames"/> order and line order within each file (not yet
    /// tokenised or deduplicated). A missing file throws a <see cref="DatasetUnavailableException"/> that says which
    /// package to install; a line that is not a synset throws a <see cref="DataFileException"/> naming file and line.
    /// </summary>
    public static List<string> Read(string? directory = null)
    {
        directory ??= DefaultDirectory;
        var missing = FileNames.Select(name => Path.Combine(directory, name)).Where(path => !File.Exists(path)).ToList();
        if (missing.Count > 0)
            throw new DatasetUnavailableException(
                $"WordNet's definitions are not installed: {string.Join(", ", missing)} not found. " +
                $"Install the Debian package {DebianPackage} (sudo apt-get install {DebianPackage}).");
        var definitions = new List<string>(120_000);
        foreach (var name in FileNames)
        {
            string path = Path.Combine(directory, name);
            var lines = TextLines.Read(path, MaxSynsetLineCharacters);
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                if (line.Length == 0 || line.StartsWith("  ", StringComparison.Ordinal)) continue; // the licence header
                int bar = line.IndexOf(" | ", StringComparison.Ordinal);
                if (bar < 0) throw new DataFileException(path, $"line {i + 1} is not a WordNet synset line (no \" | \" before a gloss).");
                string gloss = line[(bar + 3)..];
                int semicolon = gloss.IndexOf(';');
                definitions.Add((semicolon < 0 ? gloss : gloss[..semicolon]).Trim());
            }
        }
        return definitions;
    }
}
