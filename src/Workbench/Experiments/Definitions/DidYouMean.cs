namespace Workbench.Experiments.Definitions;

/// <summary>Suggestions for a mistyped name: the valid names within a small edit distance.</summary>
public static class DidYouMean
{
    /// <summary>Up to three names closest to <paramref name="typed"/> (Levenshtein distance at most max(2, a third of the name)), closest first.</summary>
    public static IReadOnlyList<string> Closest(string typed, IEnumerable<string> names) =>
        names.Distinct()
            .Select(name => (Name: name, Distance: Distance(typed.ToLowerInvariant(), name.ToLowerInvariant())))
            .Where(x => x.Distance <= Math.Max(2, x.Name.Length / 3) || typed.Length > 3 && x.Name.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(3).Select(x => x.Name).ToList();

    /// <summary>" (did you mean 'x'?)" or "".</summary>
    public static string Suffix(string typed, IEnumerable<string> names) =>
        Closest(typed, names) is { Count: > 0 } close ? $" (did you mean {string.Join(" or ", close.Select(n => $"'{n}'"))}?)" : "";

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
