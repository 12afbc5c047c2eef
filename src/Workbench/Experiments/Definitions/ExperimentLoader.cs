using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Models;

namespace Workbench.Experiments.Definitions;

/// <summary>Reads and validates experiment files and expands their grids into runs.</summary>
public static partial class ExperimentLoader
{
    // \z, not $: "$" also matches before a final newline, which would let "name\n" through.
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]*\z")]
    private static partial Regex SafeName();

    /// <summary>Longest experiment name: it is a folder name, and run ids and file names go below it.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Loads <paramref name="path"/>; every problem is an <see cref="ExperimentFileException"/> naming the field.</summary>
    public static ExperimentDefinition Load(string path) => Expand(path).Definition;

    /// <summary>Loads <paramref name="path"/> and returns the definition with its runs.</summary>
    public static (ExperimentDefinition Definition, IReadOnlyList<RunSpec> Runs) Expand(string path)
    {
        if (!File.Exists(path)) throw new ExperimentFileException(path, null, "file not found");
        return Parse(path, File.ReadAllText(path));
    }

    /// <summary>Parses <paramref name="text"/>, the contents of experiment file <paramref name="path"/> (named in messages), and expands its grid.</summary>
    public static (ExperimentDefinition Definition, IReadOnlyList<RunSpec> Runs) Parse(string path, string text)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
                AllowDuplicateProperties = false, // {"name": "a", "name": "b"} is a mistake, not a choice
            }) as JsonObject ?? throw new ExperimentFileException(path, null, "the top level must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new ExperimentFileException(path, null, $"not valid JSON ({e.Message})");
        }
        return Expand(path, root);
    }

    /// <summary>Validates an experiment already in memory (<paramref name="path"/> names it in messages) and expands its grid.</summary>
    public static (ExperimentDefinition Definition, IReadOnlyList<RunSpec> Runs) Expand(string path, JsonObject experiment) =>
        Expand(path, experiment, dataFolder: null);

    /// <summary>
    /// As <see cref="Expand(string, JsonObject)"/>, with <c>data.path</c> and <c>data.labels</c> taken relative to (and kept inside)
    /// <paramref name="dataFolder"/> instead of the experiment file's folder: for an experiment built from command-line flags.
    /// </summary>
    public static (ExperimentDefinition Definition, IReadOnlyList<RunSpec> Runs) Expand(string path, JsonObject experiment, string? dataFolder)
    {
        var root = (JsonObject)experiment.DeepClone();
        root.Remove("$schema");
        if (root["data"] is JsonObject data && data.ContainsKey(FolderField))
            throw new ExperimentFileException(path, "data." + FolderField,
                "is written by Workbench into a run's config.json (the folder data.path and data.file are taken from); remove it: paths are relative to the experiment file's folder");
        var definition = Bind(path, root, dataFolder: dataFolder);
        var runs = new List<RunSpec>();
        foreach (var overrides in Combinations(path, definition.Grid))
        {
            var resolved = (JsonObject)root.DeepClone();
            resolved.Remove("grid");
            foreach (var (field, value) in overrides) Set(path, resolved, field, WithoutId(value?.DeepClone()));
            var runDefinition = Bind(path, resolved, overrides.Count == 0 ? null : $"grid point {RunId(overrides)}", dataFolder);
            RecordDataFolder(path, resolved, runDefinition.Data);
            runs.Add(new RunSpec(RunId(overrides), overrides, runDefinition, resolved));
        }
        RunIds.RequireUnique(path, runs);
        return (definition, runs);
    }

    private static ExperimentDefinition Bind(string path, JsonObject json, string? context = null, string? dataFolder = null)
    {
        ExperimentDefinition definition;
        try
        {
            definition = json.Deserialize<ExperimentDefinition>(ExperimentJson.Options)
                ?? throw new ExperimentFileException(path, null, "empty experiment");
        }
        catch (JsonException e)
        {
            var (field, message) = ExperimentJsonErrors.Explain(e);
            // RespectNullableAnnotations: `"model": null` and the like name the field instead of failing later.
            if (message.Contains("allow setting null", StringComparison.Ordinal)) message = "must not be null (leave the field out for its default)";
            throw new ExperimentFileException(path, field, (context is null ? "" : context + ": ") + message);
        }
        Validate(path, definition, context, dataFolder);
        return WithDataFile(path, definition, dataFolder);
    }

    private static void Validate(string path, ExperimentDefinition d, string? context, string? dataFolder)
    {
        void Fail(string field, string problem) => throw new ExperimentFileException(path, field, (context is null ? "" : context + ": ") + problem);
        if (string.IsNullOrWhiteSpace(d.Name) || !SafeName().IsMatch(d.Name))
            Fail("name", $"{JsonSerializer.Serialize(d.Name)} must start with a letter or digit and hold only letters, digits, '.', '-' and '_'");
        if (d.Name.Length > MaxNameLength) Fail("name", $"is {d.Name.Length} characters long; at most {MaxNameLength} are allowed");
        if (!DataSpec.Known.Contains(d.Data.Dataset))
            Fail("data.dataset", $"'{d.Data.Dataset}' is not one of {string.Join(", ", DataSpec.Known)}");
        if (d.Data.TrainLimit is < 1) Fail("data.trainLimit", $"must be at least 1 (got {d.Data.TrainLimit})");
        if (d.Data.TestLimit is < 1) Fail("data.testLimit", $"must be at least 1 (got {d.Data.TestLimit})");
        if (d.Data.DirectoryProblem() is { } directoryProblem) Fail("data.directory", directoryProblem);
        if (d.Data.HeldOutClass is < 0) Fail("data.heldOutClass", $"must be a class index ≥ 0, or null for none (got {d.Data.HeldOutClass})");
        if (d.Data.KindProblem() is var (dataField, dataProblem)) Fail("data." + dataField, dataProblem);
        if (d.Data.File is { } dataFile && DataFile(path, dataFile) is { Inside: false } outside)
            Fail("data.file", $"'{dataFile}' leads outside the experiment file's folder {outside.Folder}; put the sentences in that folder and name them relative to it");
        foreach (var (field, value) in new[] { ("path", d.Data.Path), ("labels", d.Data.Labels) })
            if (value is not null && DataFile(path, value, dataFolder) is { Inside: false } outsideData)
                Fail("data." + field, $"'{value}' leads outside {(dataFolder is null ? "the experiment file's folder" : "the folder")} {outsideData.Folder}; put your data in that folder and name it relative to it");
        if (d.Model.Input != d.Data.Input)
            Fail("model.variant", $"'{d.Model.VariantName}' reads {Describe(d.Model.Input)}, but data.dataset '{d.Data.Dataset}' holds {Describe(d.Data.Input)}; " +
                                  $"choose a dataset of {Describe(d.Model.Input)} ({string.Join(", ", DataSpec.Known.Where(k => new DataSpec { Dataset = k }.Input == d.Model.Input))}) " +
                                  $"or a model for {Describe(d.Data.Input)}");
        try
        {
            d.Model.Validate();
        }
        catch (ArgumentException e)
        {
            var (field, problem) = SplitFieldMessage(e.Message);
            Fail("model." + field, problem);
        }
        try
        {
            d.Training.Validate();
        }
        catch (ArgumentException e)
        {
            var (field, problem) = SplitFieldMessage(e.Message);
            Fail("training." + field, problem);
        }
        if (d.Evaluation.Problem() is var (evaluationField, evaluationProblem)) Fail("evaluation." + evaluationField, evaluationProblem);
        if (SentenceRunFields.Problem(d) is var (sentenceField, sentenceProblem)) Fail(sentenceField, sentenceProblem);
        foreach (var (field, values) in d.Grid)
            if (values is null) Fail($"grid.{field}", "must be a list of values, not null");
            else if (values.Length == 0) Fail($"grid.{field}", "needs at least one value");
        // Counted before anything is expanded: a grid of 10^9 points would take all memory first.
        if (CountRuns(d.Grid) is var count and > MaxRuns)
            Fail("grid", $"holds {count} runs ({string.Join(" × ", d.Grid.Values.Select(v => v.Length))} values of " +
                         $"{string.Join(", ", d.Grid.Keys)}); at most {MaxRuns} runs are allowed in one experiment: split it into several experiment files");
    }

    private static string Describe(ModelInput input) => input == ModelInput.Sentences ? "sentences" : "images";

    private static readonly string FolderField = JsonNamingPolicy.CamelCase.ConvertName(nameof(DataSpec.Folder));

    /// <summary>
    /// Writes into a run's resolved configuration (its config.json) the absolute folder its data files were taken relative to,
    /// so that commands reading the run later, from any working folder, find them (<see cref="DataSpec.WithFilesFrom"/>).
    /// </summary>
    private static void RecordDataFolder(string path, JsonObject resolved, DataSpec data)
    {
        if (data.Path is null && data.File is null) return;
        string folder = data.DataFolder ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (resolved["data"] is JsonObject json) json[FolderField] = folder;
    }

    /// <summary>The definition with <see cref="DataSpec.FileFullPath"/> set (<c>data.file</c> checked by <see cref="Validate"/>).</summary>
    private static ExperimentDefinition WithDataFile(string path, ExperimentDefinition d, string? dataFolder)
    {
        if (d.Data.File is { } file) d = d with { Data = d.Data with { FileFullPath = DataFile(path, file).FullPath } };
        if (d.Data.Path is { } dataPath)
            d = d with
            {
                Data = d.Data with
                {
                    PathFullPath = DataFile(path, dataPath, dataFolder).FullPath,
                    LabelsFullPath = d.Data.Labels is { } labels ? DataFile(path, labels, dataFolder).FullPath : null,
                    DataFolder = DataFile(path, dataPath, dataFolder).Folder,
                },
            };
        return d;
    }

    /// <summary><c>data.file</c> taken relative to the experiment file's folder, and whether it stays inside that folder (symbolic links followed).</summary>
    private static (string FullPath, string Folder, bool Inside) DataFile(string path, string file, string? dataFolder = null)
    {
        string folder = dataFolder ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
        string full = Path.GetFullPath(Path.Combine(folder, file));
        return (full, folder, IO.ContainedPath.IsInside(folder, full));
    }

    /// <summary>Most runs one experiment may hold (the product of its grid's value counts).</summary>
    public const int MaxRuns = 10_000;

    /// <summary>How many runs <paramref name="grid"/> expands to (the product of its value counts), without expanding it; saturates at <see cref="long.MaxValue"/>.</summary>
    public static long CountRuns(IReadOnlyDictionary<string, JsonElement[]> grid)
    {
        long count = 1;
        foreach (var values in grid.Values)
        {
            long n = values?.Length ?? 0;
            count = n != 0 && count > long.MaxValue / n ? long.MaxValue : count * n;
        }
        return count;
    }

    private static (string Field, string Problem) SplitFieldMessage(string message)
    {
        int colon = message.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0) return ("(model)", message);
        string field = message[..colon];
        return (char.ToLowerInvariant(field[0]) + field[1..], message[(colon + 2)..].TrimEnd('.'));
    }

    private static List<Dictionary<string, JsonNode?>> Combinations(string path, Dictionary<string, JsonElement[]> grid)
    {
        var result = new List<Dictionary<string, JsonNode?>> { new() };
        foreach (var (field, values) in grid)
        {
            if (values is null) throw new ExperimentFileException(path, $"grid.{field}", "must be a list of values, not null");
            if (field.Split('.') is not [var section, ..] || section is not ("data" or "model" or "training" or "evaluation"))
                throw new ExperimentFileException(path, $"grid.{field}", "a grid key is a dotted path under data, model, training or evaluation (e.g. \"model.beta\")");
            result = result.SelectMany(partial => values.Select(v =>
                new Dictionary<string, JsonNode?>(partial) { [field] = JsonNode.Parse(v.GetRawText()) })).ToList();
        }
        return result;
    }

    private static void Set(string path, JsonObject root, string dottedField, JsonNode? value)
    {
        var parts = dottedField.Split('.');
        JsonObject node = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (node[parts[i]] is not JsonObject child)
            {
                if (node[parts[i]] is not null) throw new ExperimentFileException(path, $"grid.{dottedField}", $"'{parts[i]}' is not an object");
                node[parts[i]] = child = new JsonObject();
            }
            node = child;
        }
        node[parts[^1]] = value;
    }

    /// <summary>A grid value may be an object with an "$id" naming it in run ids; the id is not part of the configuration.</summary>
    private static JsonNode? WithoutId(JsonNode? value)
    {
        if (value is JsonObject o) o.Remove("$id");
        return value;
    }

    /// <summary>A folder-safe id from overrides: <c>beta=4_seed=1</c>; <c>default</c> when there are none.</summary>
    public static string RunId(IReadOnlyDictionary<string, JsonNode?> overrides)
    {
        if (overrides.Count == 0) return "default";
        var parts = overrides.Select(kv =>
        {
            string key = kv.Key[(kv.Key.LastIndexOf('.') + 1)..];
            string value = kv.Value switch
            {
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                JsonObject o when o["$id"] is JsonValue id && id.TryGetValue<string>(out var named) => named,
                null => "null",
                var other => other.ToJsonString(),
            };
            return $"{key}={value}";
        });
        var id = string.Join("_", parts);
        return RunIds.Shorten(id, Regex.Replace(id, "[^A-Za-z0-9._=-]", "-"));
    }
}
