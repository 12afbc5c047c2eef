using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Experiments.Composed;
using Workbench.Models;
using Workbench.Training;

namespace Workbench.Experiments.Definitions;

/// <summary>
/// An experiment file: a base configuration (data, model, training, evaluation) and a grid of
/// overrides whose Cartesian product gives the runs. See <c>experiments/README.md</c> for the schema.
/// </summary>
public sealed record ExperimentDefinition
{
    /// <summary>Name of the results folder, <c>results/&lt;name&gt;/</c>. Letters, digits, '-', '_' and '.'.</summary>
    public required string Name { get; init; }

    /// <summary>What the experiment shows, in a sentence or two.</summary>
    public string Description { get; init; } = "";

    public DataSpec Data { get; init; } = new();

    /// <summary>The model configuration; <c>"variant"</c> picks vae, beta-vae or cvae.</summary>
    public VaeConfig Model { get; init; } = new();

    /// <summary>Epochs, batch size, learning rate, seed, clipping, binarization, checkpoint interval
    /// (the run folder decides where checkpoints go).</summary>
    public TrainingOptions Training { get; init; } = new() { ShowProgress = false };

    public EvaluationSpec Evaluation { get; init; } = new();

    /// <summary>
    /// Overrides by dotted path (e.g. <c>"model.beta": [0.5, 1, 2]</c>, <c>"training.seed": [1, 2]</c>);
    /// every combination is one run.
    /// </summary>
    public Dictionary<string, JsonElement[]> Grid { get; init; } = new();
}

/// <summary>Which images to train and test on.</summary>
public sealed record DataSpec
{
    /// <summary>fashion-mnist-subset (bundled, offline), fashion-mnist, mnist, or sprites.</summary>
    public string Dataset { get; init; } = "fashion-mnist-subset";

    /// <summary>Folder holding the IDX files (fashion-mnist, mnist); null searches the usual places.</summary>
    public string? Directory { get; init; }

    /// <summary>Use only the first this many training images (after a seeded stratified choice); null for all.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Use only this many test images; null for all.</summary>
    public int? TestLimit { get; init; }

    /// <summary>A class left out of the training images (the test images keep every class): the run then scores
    /// every test image for anomaly detection (<c>anomaly.json</c>). Null trains on all classes.</summary>
    public int? HeldOutClass { get; init; }

    /// <summary>For images handed over in memory (a notebook's datasets): a hash of their pixels and labels, so a run knows which images it saw. Null for files.</summary>
    public string? Fingerprint { get; init; }

    public static readonly string[] Known = ["fashion-mnist-subset", "fashion-mnist", "mnist", "sprites"];

    /// <summary>The datasets read from IDX files, the only ones a <see cref="Directory"/> applies to (the subset is bundled, sprites are drawn).</summary>
    public static readonly string[] ReadFromFiles = ["fashion-mnist", "mnist"];

    /// <summary>Why <see cref="Directory"/> cannot be used with this dataset (it would be ignored), or null when it can.</summary>
    public string? DirectoryProblem() => Directory is { } directory && !ReadFromFiles.Contains(Dataset)
        ? $"'{directory}' is given, but dataset '{Dataset}' {(Dataset == "sprites" ? "is drawn in memory" : "is bundled with Workbench")} and reads no files; " +
          $"remove the directory, or choose a dataset read from IDX files ({string.Join(", ", ReadFromFiles)})"
        : null;
}

/// <summary>What to measure once a run has trained.</summary>
public sealed record EvaluationSpec
{
    /// <summary>k of the importance-weighted bound on the test set; 0 skips it.</summary>
    public int ImportanceSamples { get; init; }

    /// <summary>Test images used for the importance-weighted bound (it costs k decoder passes per image); null for all.</summary>
    public int? ImportanceImages { get; init; } = 1000;

    /// <summary>Threshold on Cov_x E_q[z_d] for counting active units.</summary>
    public double ActiveUnitThreshold { get; init; } = 0.01;

    /// <summary>Write image grids (reconstructions, samples, traversals, latent scatter).</summary>
    public bool Images { get; init; } = true;

    /// <summary>Corrupt test images (Gaussian noise, salt and pepper, a masked square) and measure the PSNR of the
    /// model's reconstructions against the clean images (<c>denoising.json</c>, <c>images/denoising.png</c>).</summary>
    public bool Denoising { get; init; }

    /// <summary>Largest k of the importance-weighted bound (k decoder passes per image).</summary>
    public const int MaxImportanceSamples = 100_000;

    /// <summary>Fréchet distance, precision and recall of generated samples (<c>sample-quality.json</c>); null skips them.</summary>
    public SampleQualitySpec? SampleQuality { get; init; }

    /// <summary>The first field out of its range and why, or null when all are valid.</summary>
    public (string Field, string Problem)? Problem()
    {
        if (ImportanceSamples is < 0 or > MaxImportanceSamples)
            return ("importanceSamples", $"must be 0 (skip) or between 1 and {MaxImportanceSamples} (got {ImportanceSamples})");
        if (ImportanceImages is < 1) return ("importanceImages", $"must be at least 1, or null for all (got {ImportanceImages})");
        if (!double.IsFinite(ActiveUnitThreshold) || ActiveUnitThreshold < 0)
            return ("activeUnitThreshold", $"must be a finite number ≥ 0 (got {ActiveUnitThreshold})");
        if (SampleQuality?.Problem() is var (field, problem)) return ("sampleQuality." + field, problem);
        return null;
    }
}

/// <summary>One point of an experiment's grid: its id, the overrides that made it, and the resolved definition.</summary>
/// <param name="Id">Folder name under the experiment, e.g. <c>beta=4_seed=1</c>, or <c>default</c> without a grid.</param>
/// <param name="Overrides">Dotted path → value for this run.</param>
/// <param name="Definition">The experiment with the overrides applied (its Grid is empty).</param>
/// <param name="ResolvedJson">The same, as JSON: what <c>config.json</c> holds.</param>
public sealed record RunSpec(string Id, IReadOnlyDictionary<string, JsonNode?> Overrides, ExperimentDefinition Definition, JsonObject ResolvedJson)
{
    /// <summary>
    /// A model composed in code (a notebook's own encoder, prior, objective…) that this run trains
    /// instead of building <see cref="ExperimentDefinition.Model"/>; null for configured models.
    /// </summary>
    public ComposedModel? Composed { get; init; }
}
