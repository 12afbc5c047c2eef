using System.Globalization;
using System.Text.Json.Nodes;

namespace Workbench.Experiments.Reports;

/// <summary>
/// Readable names for the runs of a grid in legends and panel titles: the values that tell them apart
/// ("elbo", "kl-only", "β=4", "β=4, seed=2") rather than run ids such as <c>objective=kl-only</c>.
/// </summary>
internal static class RunLabels
{
    public static string For(ReportRun run)
    {
        if (run.Summary.Overrides.Count == 0) return run.Id;
        return string.Join(", ", run.Summary.Overrides.Select(kv => Part(kv.Key, kv.Value)));
    }

    private static string Part(string path, JsonNode? value)
    {
        var name = path[(path.LastIndexOf('.') + 1)..];
        var text = value is JsonValue v && v.TryGetValue(out double number) ? number.ToString("G4", CultureInfo.InvariantCulture)
            : value is JsonValue s && s.TryGetValue(out string? str) ? str
            : value?.ToJsonString() ?? "null";
        // An object value that names itself ("$id", as grid values of whole sections do) is shown by that name.
        if (value is JsonObject o && o["$id"] is JsonValue id && id.TryGetValue(out string? named)) return named;
        return name switch
        {
            "objective" or "variant" => text,
            "beta" => $"β={text}",
            _ => $"{name}={text}",
        };
    }
}
