using System.Text.Json;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.IO;
using Workbench.Models;
using Workbench.Models.Priors;
using Workbench.Plotting;
using Workbench.Tensors;
using Workbench.Training;

namespace Workbench.Experiments;

/// <summary>What to do while running an experiment.</summary>
public sealed record RunnerOptions
{
    /// <summary>The results root (runs go to <c>&lt;root&gt;/&lt;experiment&gt;/&lt;run&gt;/</c>).</summary>
    public string ResultsRoot { get; init; } = "results";

    /// <summary>PNG export of figures; null writes HTML only.</summary>
    public IFigureImageExporter? ImageExporter { get; init; }

    public bool ShowProgress { get; init; } = true;

    /// <summary>About how many per-step points each epoch adds to a run's steps.jsonl and TensorBoard log.</summary>
    public int StepPointsPerEpoch { get; init; } = 50;

    /// <summary>Where progress lines go (the console by default).</summary>
    public TextWriter Log { get; init; } = Console.Out;
}

/// <summary>
/// Runs every grid point of an experiment into its run folder: trains (resuming an interrupted run
/// from its checkpoint), evaluates, draws, and writes <c>summary.json</c> last, so a run with a summary
/// is finished and is skipped when the experiment runs again.
/// </summary>
public sealed class ExperimentRunner(RunnerOptions options)
{
    private readonly Dictionary<string, (ImageDataset Train, ImageDataset Test)> _data = new();

    /// <summary>Runs the experiment in <paramref name="experimentFile"/>; returns the summaries of its finished runs.</summary>
    public IReadOnlyList<RunSummary> Run(string experimentFile, CancellationToken cancellation = default)
    {
        var (definition, runs) = ExperimentLoader.Expand(experimentFile);
        options.Log.WriteLine($"Experiment '{definition.Name}': {runs.Count} run(s) → {Path.Combine(options.ResultsRoot, definition.Name)}");
        var figures = new FigureFiles(options.ImageExporter, options.ResultsRoot);
        foreach (var run in runs)
        {
            if (cancellation.IsCancellationRequested) break;
            RunOne(definition.Name, run, figures, cancellation);
        }
        ResultsIndex.Rebuild(options.ResultsRoot);
        foreach (var note in figures.Notes) options.Log.WriteLine($"note: {note}");
        return ResultsIndex.Read(options.ResultsRoot, definition.Name);
    }

    /// <summary>Trains and evaluates one run unless it is finished or another process holds it.</summary>
    public RunSummary? RunOne(string experiment, RunSpec run, FigureFiles figures, CancellationToken cancellation = default)
    {
        using var folder = new RunFolder(Path.Combine(options.ResultsRoot, experiment, run.Id));
        if (folder.IsFinished)
        {
            options.Log.WriteLine($"  {run.Id}: finished earlier, skipped");
            return null;
        }
        if (!folder.TryLock())
        {
            options.Log.WriteLine($"  {run.Id}: another process is running it, skipped");
            return null;
        }
        var d = run.Definition;
        // Data first: a run that cannot start leaves no files behind.
        var (train, test) = LoadData(d.Data);
        var environment = RunEnvironment.Capture(d.Training.Seed, Environment.ProcessorCount);
        folder.WriteConfig(run.ResolvedJson);
        folder.WriteJson("environment.json", environment);
        var model = d.Model.Build(new Rng(d.Training.Seed));
        var trainingOptions = d.Training with
        {
            CheckpointEvery = Math.Max(1, d.Training.CheckpointEvery),
            CheckpointDirectory = folder.CheckpointDirectory,
            ShowProgress = options.ShowProgress,
        };
        var trainer = new Trainer(model, trainingOptions);
        using var logs = RunLogs.Attach(trainer, model, folder, run, test, options.StepPointsPerEpoch);
        options.Log.WriteLine($"  {run.Id}: training {Describe(d)} on {train.Count} images for {d.Training.Epochs} epochs");
        var history = new List<EpochMetrics>();
        trainer.EpochCompleted += m =>
        {
            history.Add(m);
            folder.WriteMetrics(history);
        };
        var result = trainer.Fit(train, test, cancellation);
        folder.WriteMetrics(result.History);
        logs.Save();
        if (result.Stopped)
        {
            options.Log.WriteLine($"  {run.Id}: stopped; a checkpoint was written and the next run of this experiment resumes it");
            return null;
        }

        var summary = Evaluate(experiment, run, model, train, test, result, folder, figures);
        model.SaveParameters(Path.Combine(folder.Path, "model.safetensors"), new Dictionary<string, string>
        {
            ["config"] = System.Text.Json.JsonSerializer.Serialize(d.Model, ExperimentJson.Options),
        });
        folder.WriteJson("environment.json", environment with { Finished = DateTimeOffset.UtcNow });
        logs.Finish(summary, result.History.Count > 0 ? result.History[^1].Step : 0);
        folder.WriteJson(RunFolder.SummaryFile, summary); // last: marks the run finished
        options.Log.WriteLine($"  {run.Id}: test −ELBO {summary.TestNegativeElbo:F2} (rec {summary.TestReconstruction:F2}, KL {summary.TestKl:F2}), " +
                              $"{summary.ActiveUnits} active units");
        return summary;
    }

    private RunSummary Evaluate(string experiment, RunSpec run, VariationalAutoencoder model, ImageDataset train, ImageDataset test,
        TrainingResult result, RunFolder folder, FigureFiles figures)
    {
        var d = run.Definition;
        var elbo = Evaluator.Elbo(model, test, seed: d.Training.Seed);
        var active = ActiveUnits.Evaluate(model, test, d.Evaluation.ActiveUnitThreshold);
        ImportanceWeightedEvaluation? iwae = null;
        if (d.Evaluation.ImportanceSamples > 0)
        {
            var images = d.Evaluation.ImportanceImages is { } n && n < test.Count ? test.Subset(Enumerable.Range(0, n).ToArray()) : test;
            iwae = ImportanceWeightedBound.Evaluate(model, images, d.Evaluation.ImportanceSamples, seed: d.Training.Seed);
        }
        ConditionalGenerationResult? conditional = null;
        if (model.Conditioning.IsConditional)
        {
            // A classifier trained on the real training images judges which class each generated sample shows.
            var classifier = ImageClassifier.Train(train, seed: d.Training.Seed);
            conditional = ConditionalGenerationCheck.Evaluate(model, classifier, samplesPerClass: 100, seed: d.Training.Seed,
                classifierTestAccuracy: classifier.Accuracy(test));
            folder.WriteJson("conditional-generation.json", conditional);
        }
        figures.Save(RunArtifacts.ElboFigure(result.History, $"{experiment} / {run.Id}: ELBO components", StepLog.Read(folder.Path)), folder.FiguresDirectory, "elbo-components");
        if (d.Evaluation.Images) RunArtifacts.Write(model, test, folder, figures, d.Training.Seed);

        return new RunSummary
        {
            Experiment = experiment,
            Run = run.Id,
            Overrides = run.Overrides.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone()),
            Variant = d.Model.VariantName,
            Objective = JsonNamingPolicy.KebabCaseLower.ConvertName(d.Model.Objective.ToString()),
            Beta = model.Objective.Beta ?? double.NaN,
            KlPenalty = d.Model.ResolveKlPenalty().Describe(),
            LatentSize = d.Model.LatentSize,
            Dataset = d.Data.Dataset,
            TrainImages = train.Count,
            TestImages = test.Count,
            Epochs = d.Training.Epochs,
            Seed = d.Training.Seed,
            TestLoss = elbo.Loss,
            TestReconstruction = elbo.Reconstruction,
            TestKl = elbo.Kl,
            TestNegativeElbo = elbo.NegativeElbo,
            ImportanceWeightedBound = iwae?.NegativeLogLikelihoodBound,
            ImportanceSamples = iwae?.Samples,
            ActiveUnits = active.Count,
            Activity = active.Activity,
            KlPerDimension = elbo.KlPerDimension,
            MeanPosteriorSigma = Evaluator.MeanPosteriorSigma(model, test),
            ReconstructionToMeanImageRms = Evaluator.ReconstructionToMeanImageRms(model, train.MeanImage(), test),
            ClassConditionalAccuracy = conditional?.Accuracy,
            TrainSeconds = result.History.Sum(m => m.Seconds),
            Finished = DateTimeOffset.UtcNow,
        };
    }

    private (ImageDataset Train, ImageDataset Test) LoadData(DataSpec spec)
    {
        var key = $"{spec.Dataset}|{spec.Directory}|{spec.TrainLimit}|{spec.TestLimit}";
        if (!_data.TryGetValue(key, out var data)) _data[key] = data = ExperimentData.Load(spec);
        return data;
    }

    private static string Describe(ExperimentDefinition d) =>
        $"{d.Model.VariantName} ({d.Model.Architecture.ToString().ToLowerInvariant()}, latent {d.Model.LatentSize}, " +
        $"{(d.Model.Prior ?? new StandardNormalPriorConfig()).Describe()}, {d.Model.BuildObjective().Describe()})";
}
