using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Experiments.Composed;
using Workbench.Experiments.Definitions;
using Workbench.Models;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// What a run is: its resolved configuration (data, model, training, evaluation, with every default
/// filled in) and a hash of it. A run folder records it in <c>identity.json</c> when training starts;
/// a folder whose recorded configuration differs from the one requested is never taken for that run
/// (not skipped as finished, not resumed).
/// </summary>
/// <param name="Configuration">The canonical resolved configuration (name and description are labels, not part of it).</param>
/// <param name="Hash">SHA-256 of the configuration's compact JSON, lower-case hex.</param>
public sealed record RunIdentity(JsonObject Configuration, string Hash)
{
    public const string FileName = "identity.json";

    // Nulls written out: "klPenalty": null is a value to compare, while a key on one side only is a field
    // that another version of Workbench did not have.
    private static readonly JsonSerializerOptions Compact = new(ExperimentJson.Options)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };

    /// <summary>The identity of a run: its resolved definition, with a composed model described by <see cref="ComposedModel.ToJson"/>.</summary>
    public static RunIdentity Of(RunSpec run) => Of(run.Definition, run.Composed);

    /// <summary>The identity of a run with this resolved definition (and, when it trains one, a model composed in code).</summary>
    public static RunIdentity Of(ExperimentDefinition definition, ComposedModel? composed = null)
    {
        var configuration = new JsonObject
        {
            ["data"] = JsonSerializer.SerializeToNode(definition.Data, Compact),
            ["model"] = composed?.ToJson() ?? JsonSerializer.SerializeToNode<VaeConfig>(definition.Model, Compact),
            ["training"] = JsonSerializer.SerializeToNode(definition.Training, Compact),
            ["evaluation"] = JsonSerializer.SerializeToNode(definition.Evaluation, Compact),
        };
        // The description of in-memory images says in words what data.fingerprint already identifies: not part of what a run is.
        ((JsonObject)configuration["data"]!).Remove(JsonNamingPolicy.CamelCase.ConvertName(nameof(DataSpec.InMemory)));
        // Where the data files were found (an absolute folder) is not what they are: a run moved with its experiment stays the same run.
        ((JsonObject)configuration["data"]!).Remove(JsonNamingPolicy.CamelCase.ConvertName(nameof(DataSpec.Folder)));
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configuration.ToJsonString(Compact))));
        return new RunIdentity(configuration, hash);
    }

    /// <summary>
    /// The identity recorded in <paramref name="runFolder"/>: <c>identity.json</c>, or for folders
    /// written before it existed, the one <c>config.json</c> resolves to; null when the folder records none.
    /// </summary>
    /// <exception cref="InvalidDataException">The recorded configuration cannot be read.</exception>
    public static RunIdentity? Read(string runFolder)
    {
        var identityPath = Path.Combine(runFolder, FileName);
        if (File.Exists(identityPath))
        {
            try
            {
                var stored = JsonNode.Parse(File.ReadAllText(identityPath)) as JsonObject;
                if (stored?["configuration"] is JsonObject configuration && stored["hash"]?.GetValue<string>() is { } hash)
                    return new RunIdentity((JsonObject)configuration.DeepClone(), hash);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException) { }
            throw new InvalidDataException($"{identityPath}: not a valid run identity (expected {{\"hash\": ..., \"configuration\": {{...}}}}).");
        }
        var configPath = Path.Combine(runFolder, TrainedRun.ConfigFile);
        return File.Exists(configPath) ? Of(TrainedRun.ReadDefinition(configPath)) : null;
    }

    /// <summary>Writes <c>identity.json</c> into <paramref name="runFolder"/> (atomically).</summary>
    public void Write(string runFolder) =>
        IO.AtomicFile.WriteAllText(Path.Combine(runFolder, FileName),
            new JsonObject { ["hash"] = Hash, ["configuration"] = Configuration.DeepClone() }.ToJsonString(ExperimentJson.Options) + "\n");

    /// <summary>
    /// True when both describe the same run: no field that both record has another value. A field only one
    /// side records comes from another version of Workbench (one that added or dropped a setting, which then
    /// holds its default) and is not a change.
    /// </summary>
    public bool SameRunAs(RunIdentity other) => Hash == other.Hash || Differences(other).Count == 0;

    /// <summary>Each field both record with different values, as <c>model.latentSize: 2 → 3</c> (this identity's value first).</summary>
    public IReadOnlyList<string> Differences(RunIdentity other)
    {
        var lines = new List<string>();
        Compare(Configuration, other.Configuration, "", lines);
        return lines;
    }

    private static void Compare(JsonNode? a, JsonNode? b, string path, List<string> lines)
    {
        if (a is JsonObject objectA && b is JsonObject objectB)
        {
            foreach (var (key, value) in objectA)
                if (objectB.TryGetPropertyValue(key, out var otherValue))
                    Compare(value, otherValue, path.Length == 0 ? key : $"{path}.{key}", lines);
            return;
        }
        if (!JsonNode.DeepEquals(a, b))
            lines.Add($"{path}: {Text(a)} → {Text(b)}");
    }

    private static string Text(JsonNode? value) => value?.ToJsonString(Compact) ?? "null";
}

/// <summary>A run folder holds a run trained with another configuration than the one requested.</summary>
public sealed class RunConfigurationChangedException(string message) : Exception(message);
