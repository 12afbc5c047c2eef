using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.Composed;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Figures;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.IO;
using Workbench.Models;
using Workbench.Optim;
using Workbench.Tensors;
using Workbench.Training;

namespace Workbench.Notebooks;

// Every model a notebook trains is a run under results/, exactly as the CLI writes one.
public static partial class Lab
{
    /// <summary>Environment variable that overrides where notebook runs are written (the test suite points it at a temporary folder).</summary>
    public const string ResultsVariable = "WORKBENCH_RESULTS";

    /// <summary>
    /// The results root notebook runs go to: <c>$WORKBENCH_RESULTS</c> if set, else the <c>results/</c>
    /// folder of the enclosing Workbench checkout (found from the working directory), else <c>./results</c>.
    /// </summary>
    public static string ResultsRoot { get; set; } = DefaultResultsRoot();

    /// <summary>
    /// The largest test set, in bytes as float32 values, a notebook run keeps in its folder (<c>test-data.safetensors</c>)
    /// so that <c>workbench eval</c> and <c>reconstruct</c> work on it; larger test sets are not kept. Default 64 MiB
    /// (<see cref="KeptTestImages.DefaultLimitBytes"/>); 0 keeps none.
    /// </summary>
    public static long KeepTestImagesUpTo { get; set; } = KeptTestImages.DefaultLimitBytes;

    /// <summary>The experiment (a folder under <see cref="ResultsRoot"/>) this notebook's runs belong to; set it with <see cref="LogRunsTo"/>.</summary>
    public static string Experiment { get; private set; } = "notebook";

    /// <summary>Sends the runs this notebook trains to <c>&lt;resultsRoot&gt;/&lt;experiment&gt;/&lt;run&gt;/</c>; call it once, first.</summary>
    public static void LogRunsTo(string experiment, string? resultsRoot = null)
    {
        if (string.IsNullOrWhiteSpace(experiment) || !Regex.IsMatch(experiment, "^[A-Za-z0-9][A-Za-z0-9._-]*$"))
            throw new ArgumentException($"'{experiment}' must start with a letter or digit and hold only letters, digits, '.', '-' and '_' (it names a folder).", nameof(experiment));
        Experiment = experiment;
        if (resultsRoot is not null) ResultsRoot = Path.GetFullPath(resultsRoot);
    }

    /// <summary>
    /// Trains <paramref name="model"/> as run <paramref name="name"/> of <see cref="Experiment"/>, or reuses the run
    /// finished earlier with the same model, data and options (its weights are loaded into <paramref name="model"/>).
    /// </summary>
    private static LabRun TrainAsRun(VariationalAutoencoder model, VaeConfig? config, TrainingOptions options, ImageDataset train, ImageDataset test,
        string name, Optimizer? optimizer, bool retrain)
    {
        var data = new DataSpec
        {
            Dataset = InMemoryImages.DatasetName, TrainLimit = train.Count, TestLimit = test.Count, Fingerprint = Fingerprint(train, test),
            InMemory = InMemoryImages.Of(train, test),
        };
        var definition = new ExperimentDefinition
        {
            Name = Experiment,
            Description = "Trained in a notebook.",
            Data = data,
            Model = config ?? new VaeConfig(),
            Training = options with { ShowProgress = false, CheckpointDirectory = null },
            Evaluation = new EvaluationSpec { ImportanceSamples = 0, Images = true },
        };
        var composed = config is null ? new ComposedModel(model, optimizer) : null;
        var resolved = (JsonObject)JsonSerializer.SerializeToNode(definition, ExperimentJson.Options)!;
        resolved.Remove("grid");
        if (composed is not null) resolved["model"] = composed.ToJson();
        var run = new RunSpec(RunId(name), new Dictionary<string, JsonNode?>(), definition, resolved) { Composed = composed };

        var folder = Path.Combine(ResultsRoot, Experiment, run.Id);
        if (retrain && Directory.Exists(folder))
        {
            using var old = new RunFolder(folder);
            Console.WriteLine($"{name}: retraining; the earlier run was moved to {old.MoveAside()}");
        }
        LiveTraining? view = null; // made when training starts: a reused run has nothing to follow
        var runner = new ExperimentRunner(new RunnerOptions
        {
            ResultsRoot = ResultsRoot,
            ShowProgress = false,
            RerunChanged = true, // a notebook re-executed with other settings trains again; the earlier run is kept under .stale/
            TrainerReady = (_, trainer) =>
            {
                view = StartLiveView(name, options);
                Follow(trainer, view, name, options.Epochs);
            },
        });
        runner.ProvideData(data, train, test);
        runner.Check("notebook", [run]);
        bool trained;
        // The run page loads the results root's one plotly.js, as the pages of every other path do.
        try { trained = runner.RunOne(Experiment, run, new FigureFiles(null, ResultsRoot)) is not null; }
        catch (Exception e) when (view is not null)
        {
            view.Fail(e.Message);
            throw;
        }
        var summaryPath = Path.Combine(folder, RunFolder.SummaryFile);
        if (!File.Exists(summaryPath))
            throw new InvalidOperationException($"Run '{run.Id}' did not finish ({folder}); another process may be training it.");
        if (!trained) Console.WriteLine($"{name}: reusing the run finished earlier in {folder} (pass retrain: true to train it again)");
        // The test images stay with the run (a run finished before they were kept gets them now), so the CLI can measure it.
        if (!KeptTestImages.Keep(folder, test, data.Fingerprint!, KeepTestImagesUpTo))
            Console.WriteLine($"{name}: its test images take {data.InMemory!.TestBytes / 1048576.0:F1} MiB, over Lab.KeepTestImagesUpTo " +
                              $"({KeepTestImagesUpTo / 1048576.0:F1} MiB): not kept, so workbench eval and reconstruct cannot measure this run (sample and report can)");
        ResultsIndex.Rebuild(ResultsRoot, warning => Console.WriteLine($"warning: {warning}"));

        model.LoadParameters(Path.Combine(folder, TrainedRun.ModelFile));
        model.Eval();
        var summary = RunFiles.ReadSummary(summaryPath);
        var history = ReportRun.ReadMetrics(Path.Combine(folder, "metrics.jsonl"));
        var evaluation = new ElboEvaluation(summary.TestLoss, summary.TestReconstruction, summary.TestKl, summary.KlPerDimension, summary.TestImages);
        var labRun = new LabRun(name, model, options, history, evaluation, summary.MeanPosteriorSigma, folder);
        if (view is not null) view.Finish(labRun);
        else ShowSummary(labRun);
        return labRun;
    }

    /// <summary>
    /// A folder-safe run id from a display name: β and σ spelled out, every run of other characters outside
    /// letters, digits, '.', '_' and '=' one '-' ("β=0.5" → "beta=0.5", "N(0, I) prior" → "N-0-I-prior").
    /// </summary>
    internal static string RunId(string name)
    {
        var id = Regex.Replace(name.Replace("β", "beta").Replace("σ", "sigma"), "[^A-Za-z0-9._=]+", "-").Trim('-', '.');
        return id.Length == 0 ? "run" : id;
    }

    /// <summary>SHA-256 of both datasets' shapes, pixels and labels: which images a run saw.</summary>
    private static string Fingerprint(ImageDataset train, ImageDataset test)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var data in new[] { train, test })
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{data.Count}x{data.Height}x{data.Width}:")));
            // Image by image in blocks: a dataset held as bytes or mapped from a file is never copied whole into floats.
            const int block = 1024;
            var values = new float[block * data.ValuesPerImage];
            var labels = new int[block];
            for (int start = 0; start < data.Count; start += block)
            {
                int n = Math.Min(block, data.Count - start);
                data.CopyBatch(Enumerable.Range(start, n).ToArray(), values.AsSpan(0, n * data.ValuesPerImage), labels.AsSpan(0, n));
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(0, n * data.ValuesPerImage)));
            }
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.Labels));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static string DefaultResultsRoot()
    {
        if (Environment.GetEnvironmentVariable(ResultsVariable) is { Length: > 0 } configured) return Path.GetFullPath(configured);
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Workbench.sln")) && Directory.Exists(Path.Combine(directory.FullName, "results")))
                return Path.Combine(directory.FullName, "results");
        return Path.GetFullPath("results");
    }
}
