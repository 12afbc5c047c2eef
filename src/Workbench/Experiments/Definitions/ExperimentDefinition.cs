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

/// <summary>Which images (or sentences) to train and test on.</summary>
public sealed record DataSpec
{
    /// <summary>fashion-mnist-subset (bundled, offline), fashion-mnist, mnist, sprites; your files: image-folder, npy, csv (<see cref="Path"/>); or sentences: wordnet-definitions, text-lines.</summary>
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

    /// <summary>text-lines: the file of sentences, one per line (UTF-8), relative to the experiment file's folder and inside it.</summary>
    public string? File { get; init; }

    /// <summary>Sentences: the longest sentence kept, in tokens (default 20); longer ones are dropped.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Sentences: how often a word must occur in the training split to get its own id (default 30); rarer words become &lt;unk&gt;.</summary>
    public int? MinimumCount { get; init; }

    /// <summary>Sentences: the seed of the train/validation/test split (default 2016).</summary>
    public ulong? SplitSeed { get; init; }

    /// <summary>
    /// The absolute path <see cref="File"/> leads to, set by <see cref="ExperimentLoader"/> (relative to the experiment
    /// file's folder); null when the spec was built in code, then <see cref="File"/> is taken relative to the working folder.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore] public string? FileFullPath { get; init; }

    /// <summary>
    /// For images handed over in memory (a notebook's datasets): what they were (where from, how many, their shape
    /// and classes), beside <see cref="Fingerprint"/>. Null for datasets named here, and then not written, so the
    /// configurations and identities of runs on named datasets are unchanged by it.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public InMemoryImages? InMemory { get; init; }

    // The four fields below are left out of JSON when null, so the identity (and hash) of every run that does not use them stays as it was.

    /// <summary>
    /// image-folder: the folder of class subfolders of PNG images; npy: a .npy of images or a .npz of arrays; csv: a CSV file of numbers.
    /// Relative to the experiment file's folder and inside it (see docs/data.md).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] public string? Path { get; init; }

    /// <summary>npy with a .npy <see cref="Path"/>: a .npy of integer labels, one per image, relative to the experiment file's folder; null for unlabelled images.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] public string? Labels { get; init; }

    /// <summary>csv: the label column, by header name or by number counted from 1; null for unlabelled rows.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] public string? LabelColumn { get; init; }

    /// <summary>npy with a .npy <see cref="Path"/>: true memory-maps the file, false reads it into memory, null (the default) maps it when its images exceed half the memory available.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] public bool? MemoryMap { get; init; }

    /// <summary>The absolute path <see cref="Path"/> leads to, set by <see cref="ExperimentLoader"/>; null when built in code (then taken relative to the working folder).</summary>
    [System.Text.Json.Serialization.JsonIgnore] public string? PathFullPath { get; init; }

    /// <summary>The absolute path <see cref="Labels"/> leads to, set by <see cref="ExperimentLoader"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public string? LabelsFullPath { get; init; }

    /// <summary>The folder nothing may be read outside of, symbolic links followed (the experiment file's), set by <see cref="ExperimentLoader"/>; null for no limit.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public string? DataFolder { get; init; }

    /// <summary>
    /// The folder <see cref="Path"/>, <see cref="Labels"/> and <see cref="File"/> are taken relative to (the experiment file's),
    /// absolute. Written by the loader into a run's config.json, never into an experiment file, so that commands run later
    /// from any folder (eval, reconstruct, redraw) find the files again (<see cref="WithFilesFrom"/>); not part of a run's identity.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] public string? Folder { get; init; }

    /// <summary>
    /// This spec with the absolute paths of its files (<see cref="PathFullPath"/>, <see cref="LabelsFullPath"/>,
    /// <see cref="FileFullPath"/>) and <see cref="DataFolder"/> taken from <paramref name="folder"/>, as the loader sets them.
    /// </summary>
    public DataSpec WithFilesFrom(string folder)
    {
        string? Full(string? relative) => relative is null ? null : System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, relative));
        return this with
        {
            PathFullPath = Full(Path) ?? PathFullPath,
            LabelsFullPath = Full(Labels) ?? LabelsFullPath,
            FileFullPath = Full(File) ?? FileFullPath,
            DataFolder = Path is null ? DataFolder : folder,
        };
    }

    /// <summary>The datasets read from the user's own files named by <see cref="Path"/>.</summary>
    public static readonly string[] FromYourFiles = ["image-folder", "npy", "csv"];

    // After FromYourFiles: static fields initialise in order of declaration.
    public static readonly string[] Known = ["fashion-mnist-subset", "fashion-mnist", "mnist", "sprites", "sprites-colour", "wordnet-definitions", "text-lines", .. FromYourFiles];

    /// <summary>The datasets of sentences (the others are images).</summary>
    public static readonly string[] Sentences = ["wordnet-definitions", "text-lines"];

    /// <summary>The datasets read from IDX files, the only ones a <see cref="Directory"/> applies to (the subset is bundled, sprites are drawn).</summary>
    public static readonly string[] ReadFromFiles = ["fashion-mnist", "mnist"];

    /// <summary>What the dataset holds: images, or sentences for <see cref="Sentences"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Models.ModelInput Input => Sentences.Contains(Dataset) ? Models.ModelInput.Sentences : Models.ModelInput.Images;

    /// <summary>Why <see cref="Directory"/> cannot be used with this dataset (it would be ignored), or null when it can.</summary>
    public string? DirectoryProblem() => Directory is { } directory && !ReadFromFiles.Contains(Dataset)
        ? $"'{directory}' is given, but dataset '{Dataset}' {DirectoryIgnoredBecause()} and reads no folder of IDX files; " +
          $"remove the directory, or choose a dataset read from IDX files ({string.Join(", ", ReadFromFiles)})"
        : null;

    private string DirectoryIgnoredBecause() => Dataset switch
    {
        "sprites" or "sprites-colour" => "is drawn in memory",
        "text-lines" => "reads its sentences from data.file",
        "image-folder" or "npy" or "csv" => "reads data.path",
        "wordnet-definitions" => "is read from the Debian package wordnet-base",
        _ => "is bundled with Workbench",
    };

    /// <summary>The first field that does not fit this dataset's kind (images or sentences) or is out of range, and why; null when all fit.</summary>
    public (string Field, string Problem)? KindProblem()
    {
        if (Input == Models.ModelInput.Images)
        {
            string? textField = File is not null ? "file" : MaxLength is not null ? "maxLength" : MinimumCount is not null ? "minimumCount" : SplitSeed is not null ? "splitSeed" : null;
            return textField is null ? FileFieldsProblem()
                : (textField, $"applies to datasets of sentences ({string.Join(", ", Sentences)}), not to the images of '{Dataset}'; remove it");
        }
        if ((Path is not null ? "path" : Labels is not null ? "labels" : LabelColumn is not null ? "labelColumn" : MemoryMap is not null ? "memoryMap" : null) is { } imageField)
            return (imageField, $"applies to datasets of your own files ({string.Join(", ", FromYourFiles)}), not to the sentences of '{Dataset}'; remove it");
        if (HeldOutClass is not null) return ("heldOutClass", $"dataset '{Dataset}' holds sentences, which have no classes; remove it");
        if (Dataset == "text-lines" && string.IsNullOrWhiteSpace(File))
            return ("file", "dataset 'text-lines' needs the file of sentences, one per line, relative to the experiment file (e.g. \"my-sentences.txt\")");
        if (Dataset != "text-lines" && File is not null) return ("file", $"'{File}' is given, but dataset '{Dataset}' reads no file of yours; remove it, or use \"dataset\": \"text-lines\"");
        if (MaxLength is < 1 or > Data.Text.SequenceDataOptions.MaxLengthLimit)
            return ("maxLength", $"must be between 1 and {Data.Text.SequenceDataOptions.MaxLengthLimit} tokens (got {MaxLength})");
        if (MinimumCount is < 1) return ("minimumCount", $"must be at least 1 (got {MinimumCount})");
        return null;
    }

    /// <summary>The first of path, labels, labelColumn, memoryMap that does not fit the dataset, and why; null when all fit.</summary>
    private (string Field, string Problem)? FileFieldsProblem()
    {
        if (!FromYourFiles.Contains(Dataset))
            return (Path is not null ? "path" : Labels is not null ? "labels" : LabelColumn is not null ? "labelColumn" : MemoryMap is not null ? "memoryMap" : null) is { } field
                ? (field, $"applies to datasets of your own files ({string.Join(", ", FromYourFiles)}), not to '{Dataset}'; remove it, or choose one of those datasets")
                : null;
        if (string.IsNullOrWhiteSpace(Path))
            return ("path", Dataset switch
            {
                "image-folder" => "dataset 'image-folder' needs the folder of class subfolders of PNG images, relative to the experiment file (e.g. \"my-images\")",
                "npy" => "dataset 'npy' needs a .npy of images or a .npz of arrays, relative to the experiment file (e.g. \"images.npy\")",
                _ => "dataset 'csv' needs the CSV file of numbers, relative to the experiment file (e.g. \"table.csv\")",
            });
        bool npz = Path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase);
        if (Dataset == "npy" && !npz && !Path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            return ("path", $"'{Path}' is neither a .npy nor a .npz file; dataset 'npy' reads one of those");
        if (Labels is not null && (Dataset != "npy" || npz))
            return ("labels", Dataset != "npy" ? $"is a .npy of labels for dataset 'npy', not for '{Dataset}'{(Dataset == "csv" ? "; name the CSV's label column with labelColumn" : ", whose labels are its subfolder names")}"
                                               : "applies to a .npy; a .npz holds its labels as arrays (y_train and y_test, or labels)");
        if (LabelColumn is not null && Dataset != "csv") return ("labelColumn", $"names a CSV's label column, but dataset '{Dataset}' is no CSV; remove it");
        if (MemoryMap is not null && (Dataset != "npy" || npz))
            return ("memoryMap", Dataset == "npy" ? "a .npz cannot be memory-mapped (its arrays are zipped); remove it, or save the images as a .npy" : $"applies to a .npy; dataset '{Dataset}' is read into memory; remove it");
        return null;
    }

    /// <summary>The length limit, minimum count and split seed of a dataset of sentences, defaults filled in.</summary>
    public Data.Text.SequenceDataOptions SentenceOptions()
    {
        var defaults = new Data.Text.SequenceDataOptions();
        return defaults with
        {
            MaxLength = MaxLength ?? defaults.MaxLength,
            MinimumCount = MinimumCount ?? defaults.MinimumCount,
            SplitSeed = SplitSeed ?? defaults.SplitSeed,
        };
    }
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
