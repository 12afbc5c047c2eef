using Workbench.Display;
using System.Globalization;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Tensors;
using Workbench.Optim;
using Workbench.Training;

namespace Workbench.Notebooks;

/// <summary>
/// One-line entry points for notebooks: load data, train, and get back figures, image grids and
/// tables that display themselves. Each call composes library pieces (<see cref="Trainer"/>,
/// <see cref="Pictures"/>, <see cref="Experiments.Figures.RunArtifacts"/>, the VAE charts); no model code
/// lives here. Split by topic over partial files: data and training here, pictures in
/// <c>Lab.Pictures.cs</c>, measurements and comparisons in <c>Lab.Analysis.cs</c>.
/// </summary>
public static partial class Lab
{
    /// <summary>
    /// A class-balanced part of the Fashion-MNIST subset bundled in Workbench.dll (5,000 training and
    /// 1,000 test images at most): <paramref name="trainImages"/> / 10 images of every class for
    /// training, <paramref name="testImages"/> / 10 for testing, always the same ones.
    /// </summary>
    public static (ImageDataset Train, ImageDataset Test) LoadFashionMnistSubset(int trainImages = 5000, int testImages = 1000) =>
        (Stratified(FashionMnist.LoadBundledSubset(DatasetSplit.Train), trainImages),
         Stratified(FashionMnist.LoadBundledSubset(DatasetSplit.Test), testImages));

    /// <summary><paramref name="count"/> images of <paramref name="data"/> in equal numbers per class (all of them when count ≥ the dataset).</summary>
    public static ImageDataset Stratified(ImageDataset data, int count)
    {
        int classes = data.ClassNames.Count;
        if (count < classes) throw new ArgumentOutOfRangeException(nameof(count), count, $"Ask for at least one image per class ({classes}).");
        if (count >= data.Count) return data;
        int perClass = Math.Min(count / classes, data.ClassCounts().Min());
        return data.Subset(BundledSubset.StratifiedIndices(data.Labels, classes, perClass, BundledSubset.DefaultSeed));
    }

    /// <summary>
    /// Builds the model <paramref name="config"/> describes (initialised from <c>options.Seed</c>), trains it
    /// on <paramref name="train"/> and measures it on <paramref name="test"/>, printing one line per epoch. With a
    /// test set the run is logged like a CLI run, to <c>results/&lt;Lab.Experiment&gt;/&lt;name&gt;/</c>, and a
    /// notebook re-executed with the same settings reuses it instead of training again (unless
    /// <paramref name="retrain"/>). The result displays as the ELBO figure and the table of epochs. After
    /// <see cref="ShowLiveProgress"/>, training shows as one live display that ends as that summary.
    /// </summary>
    /// <param name="name">Label for legends and tables and the run's folder; by default the variant and objective.</param>
    public static LabRun Train(VaeConfig config, TrainingOptions options, ImageDataset train, ImageDataset? test = null, string? name = null, bool retrain = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        var model = config.Build(new Rng(options.Seed));
        name ??= DefaultName(config);
        return test is null ? TrainInMemory(model, options, train, name, null) : TrainAsRun(model, config, options, train, test, name, null, retrain);
    }

    /// <summary>
    /// Trains a model composed by hand (your own encoder, decoder, prior, likelihood or objective) exactly
    /// as a configured one: same trainer, same measurements, same run folder under <c>results/</c>, same displays.
    /// </summary>
    /// <param name="optimizer">Null for Adam at <c>options.LearningRate</c>.</param>
    public static LabRun Train(VariationalAutoencoder model, TrainingOptions options, ImageDataset train, ImageDataset? test = null,
        string? name = null, Optimizer? optimizer = null, bool retrain = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        name ??= model.Objective.Describe();
        return test is null ? TrainInMemory(model, options, train, name, optimizer) : TrainAsRun(model, null, options, train, test, name, optimizer, retrain);
    }

    /// <summary>Without a test set there is nothing to measure, so nothing is logged: the model is trained in memory.</summary>
    private static LabRun TrainInMemory(VariationalAutoencoder model, TrainingOptions options, ImageDataset train, string name, Optimizer? optimizer)
    {
        options = options with { ShowProgress = false };
        var trainer = new Trainer(model, options, optimizer);
        var view = StartLiveView(name, options);
        Follow(trainer, view, name, options.Epochs);
        TrainingResult result;
        // A semi-supervised model learns from the labelled subset its configuration asks for, drawn from the training images.
        var labelled = model.Config?.LabelRequest is { } request ? LabelledSubset.Draw(train, request.Labels, request.Seed).Of(train) : null;
        try { result = trainer.Fit(train, null, labelled); }
        catch (Exception e) when (view is not null)
        {
            view.Fail(e.Message);
            throw;
        }
        model.Eval();
        var run = new LabRun(name, model, options, result.History, null, null, null);
        view?.Finish(run);
        return run;
    }

    private static string DefaultName(VaeConfig config) => config switch
    {
        ConditionalVaeConfig => "CVAE",
        Models.SemiSupervised.SemiSupervisedVaeConfig m2 => (m2.ClassifierOnly ? "classifier" : "M2") + $", {m2.Labels} labels",
        BetaVaeConfig beta when config.Objective == Objective.Elbo && config.KlPenalty is null => $"β={beta.Beta.ToString("G3", CultureInfo.InvariantCulture)}",
        _ when config.Objective == Objective.Elbo => "VAE",
        _ => config.Objective.ToString(),
    };

    internal static string EpochLine(string name, EpochMetrics m, int epochs)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{name}: epoch {m.Epoch}/{epochs}  train loss {m.TrainLoss:F2} (rec {m.TrainReconstruction:F2}, KL {m.TrainKl:F2})");
        if (m.TestNegativeElbo is { } elbo) line += string.Create(CultureInfo.InvariantCulture, $"  test −ELBO {elbo:F2}");
        if (m.TestClassificationError is { } error) line += string.Create(CultureInfo.InvariantCulture, $"  test error {100 * error:F2} %");
        return line + string.Create(CultureInfo.InvariantCulture, $"  [{m.Seconds:F1} s]");
    }
}
