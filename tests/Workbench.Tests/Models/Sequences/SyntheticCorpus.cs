using Workbench.Data.Text;
using Workbench.Tensors;

namespace Workbench.Tests.Models.Sequences;

/// <summary>Sentences of a small grammar (lengths 3..9, a few hundred word combinations each), split as any corpus.</summary>
internal static class SyntheticCorpus
{
    private static readonly string[] Adjectives = ["small", "red", "old", "quiet", "bright", "heavy"];
    private static readonly string[] Nouns = ["cat", "river", "stone", "bird", "engine", "garden", "tower", "song"];
    private static readonly string[] Verbs = ["moves", "falls", "sings", "waits", "turns", "grows"];
    private static readonly string[] Endings = ["slowly", "at night", "near the sea", "in the rain", "again", "without a sound"];

    public static SequenceSplits Splits(int sentences = 2000, ulong seed = 11)
    {
        var rng = new Rng(seed);
        var lines = new List<string>(sentences);
        var seen = new HashSet<string>();
        while (lines.Count < sentences)
        {
            string Pick(string[] words) => words[rng.NextInt(words.Length)];
            var parts = new List<string> { "the" };
            if (rng.NextDouble() < 0.6) parts.Add(Pick(Adjectives));
            parts.Add(Pick(Nouns));
            parts.Add(Pick(Verbs));
            if (rng.NextDouble() < 0.7) parts.Add(Pick(Endings));
            if (rng.NextDouble() < 0.3) { parts.Add("and"); parts.Add(Pick(Verbs)); }
            string line = string.Join(' ', parts);
            if (seen.Add(line)) lines.Add(line);
        }
        return SequenceData.FromSentences(lines, new SequenceDataOptions { MinimumCount = 1, ValidationFraction = 0.1, TestFraction = 0.1 }, "synthetic");
    }
}
