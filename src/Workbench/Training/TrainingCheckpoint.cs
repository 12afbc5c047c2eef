using System.Text.Json;
using Workbench.IO;
using Workbench.Models;
using Workbench.Optim;
using Workbench.Tensors;

namespace Workbench.Training;

/// <summary>
/// Everything needed to continue a run exactly: parameters, optimizer state, where in the epoch
/// training stopped, the generators' states and the metrics so far; plus the resolved model
/// configuration, so a checkpoint says what it holds. One safetensors file: tensors are
/// "model.&lt;parameter&gt;" and "optimizer.&lt;state&gt;", the rest is JSON in the metadata.
/// </summary>
internal sealed record TrainingCheckpoint(
    int Epoch,               // epochs fully finished
    int BatchInEpoch,        // batches of epoch Epoch+1 already taken (0 at an epoch boundary)
    long Step,
    ulong[]? NoiseRngState,  // mid-epoch only
    double[]? PartialSums,   // mid-epoch only: running sums of the epoch's metrics
    List<EpochMetrics> History)
{
    /// <summary>
    /// The options that fix which batches and random numbers each step sees (seed, batch size,
    /// binarization); resuming under other values would not continue the same run.
    /// </summary>
    public string? DataStream { get; init; }

    /// <summary>Mid-epoch only: running sums of the model's further terms (<see cref="VaeOutput.Terms"/>); null when it reports none.</summary>
    public Dictionary<string, double>? PartialTerms { get; init; }

    /// <summary>The learning-rate schedule's state after the last finished epoch; null without a schedule (or before its first epoch).</summary>
    public Dictionary<string, double>? Schedule { get; init; }

    /// <summary>Early stopping's state after the last finished epoch; null when it is off.</summary>
    public EarlyStoppingState? EarlyStopping { get; init; }

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Names sort in training order: finished epochs, then batches into the next one.</summary>
    public static string FileName(int epoch, int batchInEpoch) => $"epoch-{epoch:D4}-batch-{batchInEpoch:D6}.safetensors";

    public void Save(string path, VariationalAutoencoder model, Optimizer optimizer)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, tensor) in model.NamedState().DistinctBy(s => s.Name)) tensors.Add(new("model." + name, tensor));
        foreach (var (name, state) in optimizer.StateTensors()) tensors.Add(new("optimizer." + name, state));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "workbench-training-checkpoint/1",
            ["config"] = model.Description,
            ["progress"] = JsonSerializer.Serialize(this with { History = [] }, Json),
            ["history"] = JsonSerializer.Serialize(History, Json),
        };
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>Loads <paramref name="path"/> into the model and optimizer and returns where training was.</summary>
    public static TrainingCheckpoint Load(string path, VariationalAutoencoder model, Optimizer optimizer)
    {
        var file = SafeTensors.Load(path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != "workbench-training-checkpoint/1")
            throw new InvalidDataException($"{path}: not a Workbench training checkpoint (metadata 'format' missing or unknown).");
        var savedConfig = file.Metadata.GetValueOrDefault("config");
        var currentConfig = model.Description;
        if (savedConfig != currentConfig)
            throw new InvalidDataException($"{path}: the checkpoint was trained with another model configuration:\n  saved:   {savedConfig}\n  current: {currentConfig}");

        var parameters = model.NamedState().DistinctBy(s => s.Name).ToList();
        foreach (var (name, parameter) in parameters)
        {
            if (!file.Tensors.TryGetValue("model." + name, out var saved))
                throw new InvalidDataException($"{path}: parameter '{name}' is missing.");
            if (!saved.Shape.SequenceEqual(parameter.Shape))
                throw new InvalidDataException($"{path}: parameter '{name}' has shape ({string.Join(", ", saved.Shape)}), the model expects ({string.Join(", ", parameter.Shape)}).");
            saved.Span.CopyTo(parameter.Span);
        }
        var optimizerState = file.Tensors
            .Where(kv => kv.Key.StartsWith("optimizer.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["optimizer.".Length..], kv => kv.Value);
        optimizer.LoadStateTensors(optimizerState);

        var progress = JsonSerializer.Deserialize<TrainingCheckpoint>(file.Metadata["progress"], Json)
            ?? throw new InvalidDataException($"{path}: metadata 'progress' is empty.");
        var history = JsonSerializer.Deserialize<List<EpochMetrics>>(file.Metadata["history"], Json) ?? [];
        return progress with { History = history };
    }

    /// <summary>The most advanced checkpoint in <paramref name="directory"/>, or null.</summary>
    public static string? Latest(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "epoch-*.safetensors").Order(StringComparer.Ordinal).LastOrDefault()
            : null;
}
