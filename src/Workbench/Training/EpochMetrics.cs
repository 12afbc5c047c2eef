using Workbench.Display;

namespace Workbench.Training;

/// <summary>
/// What one epoch measured. Loss terms are in nats per image: training values average the epoch's
/// minibatches (with that step's KL weight), test values are the full test set with the final weight.
/// </summary>
public sealed record EpochMetrics
{
    public required int Epoch { get; init; }
    public required long Step { get; init; }
    public required double TrainLoss { get; init; }
    public required double TrainReconstruction { get; init; }
    public required double TrainKl { get; init; }
    /// <summary>The KL weight at the epoch's last step.</summary>
    public required double KlWeight { get; init; }
    /// <summary>Capacity annealing's target C at the epoch's last step, nats; null otherwise.</summary>
    public double? KlTarget { get; init; }
    public double? TestLoss { get; init; }
    public double? TestReconstruction { get; init; }
    public double? TestKl { get; init; }
    /// <summary>Test negative ELBO (reconstruction + KL at weight 1), nats per image.</summary>
    public double? TestNegativeElbo => TestReconstruction + TestKl;
    /// <summary>The held-out validation images' loss, reconstruction and KL (nats per image, final KL weight); null without a validation split.</summary>
    public double? ValidationLoss { get; init; }
    public double? ValidationReconstruction { get; init; }
    public double? ValidationKl { get; init; }
    /// <summary>The first parameter group's learning rate during the epoch; recorded when a schedule changes it, else null.</summary>
    public double? LearningRate { get; init; }
    /// <summary>KL per latent dimension, on the test set when evaluated, else the training epoch's mean.</summary>
    public required float[] KlPerDimension { get; init; }
    /// <summary>The fraction of test images a classifying model (<see cref="Models.SemiSupervised.ILabelPredictor"/>) labels wrongly; null for other models or without a test set.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? TestClassificationError { get; init; }
    /// <summary>The epoch's mean of each further training term a model reports (<see cref="Models.VaeOutput.Terms"/>, e.g. a VAE–GAN's three losses), by name; null for none.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, double>? Terms { get; init; }
    public required double Seconds { get; init; }
}

/// <summary>Progress within an epoch, raised after every optimizer step.</summary>
public readonly record struct BatchMetrics(int Epoch, int Batch, int BatchesPerEpoch, long Step, double Loss, double Reconstruction, double Kl, double KlWeight);

/// <summary>The outcome of <see cref="Trainer.Fit(Data.ImageDataset, Data.ImageDataset?, CancellationToken)"/>.</summary>
/// <param name="History">One entry per epoch, including epochs restored from a checkpoint.</param>
/// <param name="ResumedFromEpoch">The epoch training resumed after, or 0 when it started fresh.</param>
/// <param name="Stopped">True when cancelled before the last epoch (a checkpoint of the last finished epoch was written).</param>
[TypeFormatterSource(typeof(HtmlFormatterSource<TrainingResult>), PreferredMimeTypes = ["text/html"])]
public sealed record TrainingResult(IReadOnlyList<EpochMetrics> History, int ResumedFromEpoch, bool Stopped) : IHtmlDisplayable
{
    /// <summary>Early stopping's record (best epoch and value; when it fired, the epoch and why); null when it was off.</summary>
    public EarlyStoppingState? EarlyStopping { get; init; }

    /// <summary>True when early stopping ended training before the last epoch.</summary>
    public bool StoppedEarly => EarlyStopping?.StoppedAtEpoch is not null;

    /// <summary>Indices into the training set of the held-out validation images; null without a validation split.</summary>
    public int[]? ValidationIndices { get; init; }

    /// <summary>The history as a table of epochs.</summary>
    public string ToHtml() => new MetricsTable(History).ToHtml();
}
