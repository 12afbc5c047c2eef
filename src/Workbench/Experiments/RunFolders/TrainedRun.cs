using System.Text.Json;
using Workbench.Data;
using Workbench.Experiments.Definitions;
using Workbench.IO;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// A finished run read back from its folder: the resolved experiment (<c>config.json</c>) and the
/// trained model (<c>model.safetensors</c>), for evaluating, sampling or reconstructing later.
/// </summary>
public sealed record TrainedRun(string Folder, ExperimentDefinition Definition, VariationalAutoencoder Model)
{
    public const string ConfigFile = "config.json", ModelFile = "model.safetensors";

    /// <summary>The run id: the folder's name.</summary>
    public string Id => Path.GetFileName(Folder);

    /// <summary>The model's <c>"variant"</c> name, as in experiment files.</summary>
    public string Variant => Definition.Model.VariantName;

    /// <summary>
    /// Loads the run in <paramref name="folder"/>. An experiment folder holding exactly one run
    /// (what <c>workbench train</c> writes) stands for that run.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json or model.safetensors is missing.</exception>
    /// <exception cref="InvalidDataException">config.json or the model file is corrupt or does not match, or the run trained a model composed in code.</exception>
    /// <exception cref="ArgumentException">An experiment folder with several runs was given.</exception>
    public static TrainedRun Load(string folder)
    {
        var path = ResolveFolder(folder);
        var configPath = Path.Combine(path, ConfigFile);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{configPath} is missing: '{folder}' is not a run folder.", configPath);
        var modelPath = Path.Combine(path, ModelFile);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException(File.Exists(Path.Combine(path, RunFolder.SummaryFile))
                // A committed headline run keeps its summary and pictures but not its model.
                ? $"{modelPath} is missing: this finished run's results are kept without its model. To get one, run its experiment " +
                  $"into another results folder (workbench run experiments/<experiment>.json --results my-results) and use the run under my-results/, " +
                  "or train one with workbench train."
                : $"{modelPath} is missing: the run has not finished (run its experiment again to complete it).", modelPath);

        var configuration = RunConfiguration.Read(configPath);
        if (configuration.IsComposed) throw new InvalidDataException(ComposedMessage(path, configuration.ComposedModel!));
        var definition = configuration.Definition;
        var model = definition.Model.Build(new Rng(definition.Training.Seed));
        model.LoadParameters(modelPath);
        RequireFinite(model, modelPath);
        model.Eval();
        return new TrainedRun(path, definition, model);
    }

    /// <summary>
    /// The test images the run was evaluated on: for a dataset its configuration names, loaded as the run loaded them;
    /// for images a notebook handed over in memory, the copy its folder keeps (<see cref="KeptTestImages"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">A run on in-memory images whose folder does not keep them (the message says what to do instead).</exception>
    public ImageDataset TestImages() => Definition.Data.Dataset == InMemoryImages.DatasetName
        ? KeptTestImages.Read(Folder, Definition.Data)
        : ExperimentData.Load(Definition.Data).Test;

    /// <summary>
    /// Why the files of a run of a model composed in code (a notebook's own C# classes) cannot give back its model,
    /// and what to do instead.
    /// </summary>
    public static string ComposedMessage(string runFolder, System.Text.Json.Nodes.JsonObject composed)
    {
        var type = composed["composed"]?.GetValue<string>() ?? "a model";
        return $"{runFolder} holds a model composed in code ({type}, built from C# classes in the notebook that trained it): its files record the " +
               "weights and a description, not the code, so the command line cannot rebuild it. Open the run from a notebook that defines the same " +
               "classes: build the model as before and pass it, Lab.OpenRun(folder, model); Lab then measures, samples and draws it. " +
               "workbench status and report work on it as they are.";
    }

    /// <summary>A model holding NaN or ±∞ would only write NaN results: refuse it, naming the file and the parameter.</summary>
    private static void RequireFinite(VariationalAutoencoder model, string modelPath)
    {
        foreach (var (name, parameter) in model.NamedParameters())
        {
            var values = parameter.Span;
            for (int i = 0; i < values.Length; i++)
                if (!float.IsFinite(values[i]))
                    throw new InvalidDataException(
                        $"{modelPath}: parameter '{name}' holds {values[i]} at index {i}; the model file is corrupt or came from a diverged run. Train the run again.");
        }
    }

    /// <summary>Reads a run's <c>config.json</c> (the experiment with the run's overrides applied).</summary>
    public static ExperimentDefinition ReadDefinition(string configPath)
    {
        try
        {
            var definition = JsonSerializer.Deserialize<ExperimentDefinition>(File.ReadAllText(configPath), ExperimentJson.Options)
                ?? throw new InvalidDataException($"{configPath}: empty configuration.");
            definition.Model.Validate();
            // data.path and data.file are relative to the experiment file's folder, which config.json records.
            return definition.Data.Folder is { } folder ? definition with { Data = definition.Data.WithFilesFrom(folder) } : definition;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{configPath}: not a valid run configuration ({e.Message})", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{configPath}: model: {e.Message}", e);
        }
    }

    private static string ResolveFolder(string folder)
    {
        var path = Path.GetFullPath(folder);
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"Run folder '{folder}' does not exist.");
        if (File.Exists(Path.Combine(path, ConfigFile))) return path;
        var runs = Directory.EnumerateDirectories(path).Where(d => File.Exists(Path.Combine(d, ConfigFile))).ToArray();
        return runs.Length switch
        {
            1 => runs[0],
            0 => path, // reported as a missing config.json
            _ => throw new ArgumentException(
                $"'{folder}' is an experiment folder with {runs.Length} runs; name one of them: {string.Join(", ", runs.Select(Path.GetFileName).Order())}."),
        };
    }
}
