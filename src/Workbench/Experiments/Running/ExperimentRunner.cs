using System.Text.Json;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.IO;
using Workbench.Models;
using Workbench.Models.Priors;
using Workbench.Models.SemiSupervised;
using Workbench.Plotting;
using Workbench.Tensors;
using Workbench.Training;

namespace Workbench.Experiments.Running;

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

    /// <summary>Called with each run's trainer before it trains (notebooks follow its steps and epochs to print or draw progress).</summary>
    public Action<RunSpec, Trainer>? TrainerReady { get; init; }

    /// <summary>
    /// A run folder holding another configuration than the one requested is moved aside (to
    /// <c>&lt;experiment&gt;/.stale/</c>) and the run trains again; off, such a folder is an error.
    /// </summary>
    public bool RerunChanged { get; init; }

    /// <summary>
    /// The folder that receives what runs share: <c>index.json</c> (then listing this experiment's runs), the one
    /// copy of plotly.js and the sample-quality judge's feature classifiers. Null: the results root, shared by every
    /// experiment under it. <c>workbench train</c> gives its output folder, so nothing is written beside it.
    /// </summary>
    public string? SharedFolder { get; init; }
}

/// <summary>
/// Runs every grid point of an experiment into its run folder: trains (resuming an interrupted run
/// from its checkpoint), evaluates, draws, and writes <c>summary.json</c> last, so a run with a summary
/// is finished and is skipped when the experiment runs again.
/// </summary>
public sealed class ExperimentRunner(RunnerOptions options)
{
    private readonly Dictionary<string, (ImageDataset Train, ImageDataset Test)> _data = new();
    private readonly SampleQualityJudge _judge = new(options.SharedFolder ?? options.ResultsRoot, options.Log);

    /// <summary>Uses <paramref name="train"/> and <paramref name="test"/> for runs whose data spec is <paramref name="spec"/> (in-memory data from a notebook).</summary>
    public void ProvideData(DataSpec spec, ImageDataset train, ImageDataset test) => _data[DataKey(spec)] = (train, test);

    /// <summary>Runs the experiment in <paramref name="experimentFile"/>; returns the summaries of its finished runs.</summary>
    public IReadOnlyList<RunSummary> Run(string experimentFile, CancellationToken cancellation = default)
    {
        var (definition, runs) = ExperimentLoader.Expand(experimentFile);
        return Run(experimentFile, definition, runs, cancellation);
    }

    /// <summary>Runs an experiment already loaded from <paramref name="source"/> (named in messages).</summary>
    public IReadOnlyList<RunSummary> Run(string source, ExperimentDefinition definition, IReadOnlyList<RunSpec> runs, CancellationToken cancellation = default)
    {
        Check(source, runs);
        RunIdentityGuard.RefuseChanged(options.ResultsRoot, definition.Name, runs, options.RerunChanged);
        options.Log.WriteLine($"Experiment '{definition.Name}': {runs.Count} run(s) → {Path.Combine(options.ResultsRoot, definition.Name)}");
        var figures = new FigureFiles(options.ImageExporter, options.SharedFolder ?? options.ResultsRoot);
        foreach (var run in runs)
        {
            if (cancellation.IsCancellationRequested) break;
            RunOne(definition.Name, run, figures, cancellation);
        }
        ResultsIndex.Rebuild(options.ResultsRoot, warning => options.Log.WriteLine($"warning: {warning}"),
            options.SharedFolder is null ? null : definition.Name, options.SharedFolder);
        foreach (var note in figures.Notes) options.Log.WriteLine($"note: {note}");
        return ResultsIndex.Read(options.ResultsRoot, definition.Name, warn: _ => { }); // warned about above
    }

    /// <summary>
    /// Loads every run's data and checks it against the run's model (image size, classes), so that a run
    /// that cannot work fails before any folder is created. <see cref="Run(string, ExperimentDefinition, IReadOnlyList{RunSpec}, CancellationToken)"/>
    /// calls it; the data stay cached for the runs.
    /// </summary>
    public void Check(string source, IReadOnlyList<RunSpec> runs)
    {
        foreach (var run in runs)
        {
            if (run.Definition.Data.Input == ModelInput.Sentences)
            {
                LoadSentences(run.Definition.Data); // a missing or unusable file of sentences fails here, before any folder
                continue;
            }
            var (train, test) = LoadData(run.Definition.Data);
            DataFit.Require(source, run, train, test);
        }
    }

    /// <summary>
    /// Trains and evaluates one run unless it is finished or another process holds it. The lock comes
    /// first: what the folder holds is only compared with <paramref name="run"/> while no one else can change it.
    /// </summary>
    /// <exception cref="RunConfigurationChangedException">The folder holds a run of another configuration
    /// (and <see cref="RunnerOptions.RerunChanged"/> is off), or another process is training another configuration in it.</exception>
    public RunSummary? RunOne(string experiment, RunSpec run, FigureFiles figures, CancellationToken cancellation = default)
    {
        if (run.Definition.Data.Input == ModelInput.Sentences) return RunOnSentences(experiment, run, figures, cancellation);
        using var started = RunStart.Begin(options, experiment, run);
        if (started is null) return null;
        var (folder, environment) = (started.Folder, started.Environment);
        var d = run.Definition;
        var (train, test) = LoadData(d.Data); // loaded and checked by Check before any folder was made
        var model = run.Composed?.Model ?? d.Model.Build(new Rng(d.Training.Seed));
        var trainingOptions = d.Training with
        {
            CheckpointEvery = Math.Max(1, d.Training.CheckpointEvery),
            CheckpointDirectory = folder.CheckpointDirectory,
            ShowProgress = options.ShowProgress,
        };
        var trainer = new Trainer(model, trainingOptions, run.Composed?.Optimizer);
        // A semi-supervised model learns from a labelled subset drawn per class with its own seed, recorded in the folder.
        var labelled = d.Model.LabelRequest is { } request ? LabelledSubset.Draw(train, request.Labels, request.Seed) : null;
        if (labelled is not null) folder.WriteJson(LabelledSubsetFile, labelled);
        using var logs = RunLogs.Attach(trainer, model, folder, run, test, options.StepPointsPerEpoch);
        options.Log.WriteLine($"  {run.Id}: training {Describe(run, model)} on {train.Count} images for {d.Training.Epochs} epochs");
        // Every finished epoch, those before a resume included: rewritten from the checkpoint's history at a
        // resume (a kill may have come between the checkpoint and the metrics), then after every epoch.
        trainer.Resumed += history => folder.WriteMetrics(history);
        trainer.EpochCompleted += _ => folder.WriteMetrics(trainer.History);
        options.TrainerReady?.Invoke(run, trainer);
        var result = trainer.Fit(train, test, labelled?.Of(train), cancellation);
        folder.WriteMetrics(result.History);
        if (result.ValidationIndices is { } held)
            folder.WriteJson("validation-split.json", new { d.Training.ValidationFraction, d.Training.Seed, Images = held.Length, Indices = held });
        if (result.EarlyStopping?.Reason is { } why) options.Log.WriteLine($"  {run.Id}: stopped early after epoch {result.EarlyStopping.StoppedAtEpoch}: {why}");
        logs.Save();
        if (result.Stopped)
        {
            options.Log.WriteLine($"  {run.Id}: stopped; a checkpoint was written and the next run of this experiment resumes it");
            return null;
        }
        // A model with a second stage (the VQ-VAE's PixelCNN prior) fits it now, seeded, before anything is measured.
        if (CodePriorTraining.AfterTraining(model, train, test, d.Training.Seed, options.Log) is { } priorFit) folder.WriteJson(CodePriorFit.FileName, priorFit);
        model.Eval(); // measured as it will be used: random layers (dropout) off
        var summary = Evaluate(experiment, run, model, train, test, result, folder, figures);
        model.SaveParameters(Path.Combine(folder.Path, "model.safetensors"), new Dictionary<string, string>
        {
            ["config"] = run.Composed?.ToJson().ToJsonString() ?? System.Text.Json.JsonSerializer.Serialize(d.Model, ExperimentJson.Options),
        });
        folder.WriteJson("environment.json", environment with { Finished = DateTimeOffset.UtcNow });
        logs.Finish(summary, result.History.Count > 0 ? result.History[^1].Step : 0);
        folder.WriteJson(RunFolder.SummaryFile, summary); // last: marks the run finished
        options.Log.WriteLine($"  {run.Id}: test −ELBO {summary.TestNegativeElbo:F2} (rec {summary.TestReconstruction:F2}, KL {summary.TestKl:F2}), " +
                              $"{summary.ActiveUnits} active units" +
                              (summary.TestClassificationError is { } error ? $", test classification error {100 * error:F2} %" : ""));
        return summary;
    }

    /// <summary>The figure of a model's further training terms (a VAE–GAN's three losses), in the run's and the report's figures/.</summary>
    public const string TrainingTermsFile = "training-terms";

    /// <summary>The labelled subset of a semi-supervised run (seed, labels, classes, indices into the training set).</summary>
    public const string LabelledSubsetFile = "labelled-subset.json";

    private RunSummary Evaluate(string experiment, RunSpec run, VariationalAutoencoder model, ImageDataset train, ImageDataset test,
        TrainingResult result, RunFolder folder, FigureFiles figures)
    {
        var d = run.Definition;
        // Every measurement and picture below uses the trained model as it is deployed: batch norm with its running statistics.
        model.Eval();
        var elbo = Evaluator.Elbo(model, test, seed: d.Training.Seed);
        var active = ActiveUnits.Evaluate(model, test, d.Evaluation.ActiveUnitThreshold);
        ImportanceWeightedEvaluation? iwae = null;
        if (d.Evaluation.ImportanceSamples > 0)
        {
            var images = d.Evaluation.ImportanceImages is { } n && n < test.Count ? test.Subset(Enumerable.Range(0, n).ToArray()) : test;
            iwae = ImportanceWeightedBound.Evaluate(model, images, d.Evaluation.ImportanceSamples, seed: d.Training.Seed);
        }
        ConditionalGenerationResult? conditional = null;
        // A baseline that trained only its classifier has an untrained generative model: no samples worth judging.
        if (model.Conditioning.IsConditional && model.Objective is not SemiSupervisedObjective { ClassifierOnly: true })
        {
            // A classifier trained on the real training images judges which class each generated sample shows.
            var classifier = ImageClassifier.Train(train, seed: d.Training.Seed);
            conditional = ConditionalGenerationCheck.Evaluate(model, classifier, samplesPerClass: 100, seed: d.Training.Seed,
                classifierTestAccuracy: classifier.Accuracy(test));
            folder.WriteJson("conditional-generation.json", conditional);
        }
        // Sprites know their generative factors: measure how well single latent dimensions capture them.
        var disentanglement = RunDisentanglement.Measure(model, d.Data);
        disentanglement?.Save(folder.Path);
        SampleQuality.SampleQualityResult? sampleQuality = d.Evaluation.SampleQuality is { } qualitySpec
            ? _judge.Measure(model, d.Data, DataKey(d.Data), train, test, qualitySpec, d.Training.Seed, folder, d.Evaluation.Images)
            : null;
        if (d.Data.HeldOutClass is { } heldOut)
            folder.WriteJson(AnomalyDetection.FileName, AnomalyDetection.Evaluate(model, test, heldOut, d.Evaluation.ImportanceSamples, d.Training.Seed));
        if (d.Evaluation.Denoising) DenoisingArtifacts.Write(model, test, folder, d.Training.Seed);
        figures.Save(RunArtifacts.ElboFigure(result.History, $"{experiment} / {run.Id}: ELBO components", StepLog.Read(folder.Path)), folder.FiguresDirectory, "elbo-components");
        if (RunArtifacts.TrainingTermsFigure(result.History, $"{experiment} / {run.Id}: training terms per epoch") is { } terms)
            figures.Save(terms, folder.FiguresDirectory, TrainingTermsFile);
        if (d.Evaluation.Images) RunArtifacts.Write(model, test, folder, figures, d.Training.Seed);

        return new RunSummary
        {
            Experiment = experiment,
            Run = run.Id,
            Overrides = run.Overrides.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone()),
            Variant = run.Composed is null ? d.Model.VariantName : "composed",
            Objective = run.Composed is null && d.Model.LabelRequest is null ? JsonNamingPolicy.KebabCaseLower.ConvertName(d.Model.Objective.ToString()) : model.Objective.Describe(),
            Beta = model.Objective.Beta ?? double.NaN,
            KlPenalty = run.Composed is null ? d.Model.ResolveKlPenalty().Describe() : model.Objective.Describe(),
            LatentSize = model.LatentSize,
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
            ImportanceImages = iwae?.Images,
            ImportanceWeightedBoundBitsPerDimension = iwae is not null && model.Likelihood.PixelLevels is not null
                ? iwae.NegativeLogLikelihoodBound / (model.Pixels * Math.Log(2))
                : null,
            ActiveUnits = active.Count,
            Activity = active.Activity,
            KlPerDimension = elbo.KlPerDimension,
            MeanPosteriorSigma = Evaluator.MeanPosteriorSigma(model, test),
            ReconstructionToMeanImageRms = Evaluator.ReconstructionToMeanImageRms(model, train.MeanImage(), test),
            ClassConditionalAccuracy = conditional?.Accuracy,
            Labels = d.Model.LabelRequest?.Labels,
            LabelSeed = d.Model.LabelRequest?.Seed,
            TestClassificationError = model is ILabelPredictor predictor ? ClassificationError.Evaluate(predictor, test) : null,
            Mig = disentanglement?.Mig,
            SampleQuality = sampleQuality,
            EarlyStopping = result.EarlyStopping,
            TrainSeconds = result.History.Sum(m => m.Seconds),
            Finished = DateTimeOffset.UtcNow,
        };
    }

    private (ImageDataset Train, ImageDataset Test) LoadData(DataSpec spec)
    {
        var key = DataKey(spec);
        if (!_data.TryGetValue(key, out var data)) _data[key] = data = ExperimentData.Load(spec);
        return data;
    }

    private readonly Dictionary<string, Data.Text.SequenceSplits> _sentences = new();

    private Data.Text.SequenceSplits LoadSentences(DataSpec spec)
    {
        var key = $"{DataKey(spec)}|{spec.FileFullPath ?? spec.File}|{spec.MaxLength}|{spec.MinimumCount}|{spec.SplitSeed}";
        if (!_sentences.TryGetValue(key, out var splits)) _sentences[key] = splits = ExperimentData.LoadSentences(spec);
        return splits;
    }

    /// <summary>A run on sentences: its data loaded and cached by <see cref="Check"/>, trained by <see cref="SentenceRunner"/>.</summary>
    private RunSummary? RunOnSentences(string experiment, RunSpec run, FigureFiles figures, CancellationToken cancellation) =>
        new SentenceRunner(options).Run(experiment, run, LoadSentences(run.Definition.Data), figures, cancellation);

    private static string DataKey(DataSpec spec) => $"{spec.Dataset}|{spec.Directory}|{spec.TrainLimit}|{spec.TestLimit}|{spec.Fingerprint}|{spec.HeldOutClass}";

    private static string Describe(RunSpec run, VariationalAutoencoder model)
    {
        if (run.Composed is not null) return $"a composed {model.GetType().Name} (latent {model.LatentSize}, {model.Prior.GetType().Name}, {model.Objective.Describe()})";
        var d = run.Definition;
        return $"{d.Model.VariantName} ({d.Model.DescribeNetworks()}, latent {model.LatentSize}, " +
               $"{d.Model.DescribePrior()}, {model.Objective.Describe()})";
    }
}
