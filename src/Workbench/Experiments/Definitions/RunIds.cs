using System.Security.Cryptography;
using System.Text;

namespace Workbench.Experiments.Definitions;

/// <summary>
/// Run ids are folder names, so two grid points must never share one and none may outgrow a file
/// name. A long id keeps a readable prefix and ends in a hash of the full id, so shortening is
/// deterministic (the same grid point always lands in the same folder) and keeps ids apart.
/// </summary>
public static class RunIds
{
    /// <summary>Longest run id; longer ones are shortened (file names allow 255 bytes, and paths go above it).</summary>
    public const int MaxLength = 120;

    private const int HashCharacters = 16;

    /// <summary><paramref name="sanitized"/> when short enough, else its prefix and a hash of <paramref name="fullId"/>.</summary>
    public static string Shorten(string fullId, string sanitized)
    {
        if (sanitized.Length <= MaxLength) return sanitized;
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fullId)))[..HashCharacters];
        return $"{sanitized[..(MaxLength - HashCharacters - 1)]}-{hash}";
    }

    /// <summary>
    /// Throws naming both grid points when two runs would share a folder (ids compared ignoring case,
    /// as some file systems do).
    /// </summary>
    public static void RequireUnique(string path, IReadOnlyList<RunSpec> runs)
    {
        var seen = new Dictionary<string, RunSpec>(StringComparer.OrdinalIgnoreCase);
        foreach (var run in runs)
        {
            if (seen.TryGetValue(run.Id, out var first))
                throw new ExperimentFileException(path, "grid",
                    $"the grid points {Describe(first)} and {Describe(run)} both get the run id '{run.Id}'; " +
                    "remove the repeated value or give the values different \"$id\" names");
            seen[run.Id] = run;
        }
    }

    private static string Describe(RunSpec run) =>
        "{" + string.Join(", ", run.Overrides.Select(kv => $"{kv.Key}: {kv.Value?.ToJsonString() ?? "null"}")) + "}";
}
