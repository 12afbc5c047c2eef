using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Experiments.Composed;
using Workbench.Experiments.Definitions;
using Workbench.Training;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// A run's <c>config.json</c> read back, for a run of a configured model and of a model composed in code alike.
/// A composed model has no configuration to rebuild it from: its record (<see cref="ComposedModel.ToJson"/>) is
/// kept as JSON, and the definition's <see cref="ExperimentDefinition.Model"/> then holds the defaults and describes nothing.
/// </summary>
/// <param name="Definition">The run's data, training and evaluation settings (and its model, when configured).</param>
/// <param name="ComposedModel">The record of the model composed in code; null for a configured model.</param>
public sealed record RunConfiguration(ExperimentDefinition Definition, JsonObject? ComposedModel)
{
    /// <summary>True for a run of a model composed in code.</summary>
    public bool IsComposed => ComposedModel is not null;

    /// <summary>Reads <paramref name="configPath"/>.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not a run configuration (truncated, or a field out of its range).</exception>
    public static RunConfiguration Read(string configPath)
    {
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{configPath} is missing: the folder holds no run configuration.", configPath);
        JsonObject? composed = null;
        try
        {
            if (JsonNode.Parse(File.ReadAllText(configPath)) is JsonObject root && root["model"] is JsonObject model && model.ContainsKey("composed"))
            {
                composed = (JsonObject)model.DeepClone();
                root.Remove("model");
                var definition = root.Deserialize<ExperimentDefinition>(ExperimentJson.Options) ?? throw new InvalidDataException($"{configPath}: empty configuration.");
                return new RunConfiguration(definition, composed);
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{configPath}: not a valid run configuration ({e.Message})", e);
        }
        return new RunConfiguration(TrainedRun.ReadDefinition(configPath), null);
    }

    /// <summary>The training options a run was trained with, as its <c>config.json</c> records them.</summary>
    public static TrainingOptions ReadTraining(string configPath) => Read(configPath).Definition.Training;
}
