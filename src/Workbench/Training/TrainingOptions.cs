using System.Text.Json.Serialization;
using Workbench.Optim;
using Workbench.Optim.Schedules;

namespace Workbench.Training;

/// <summary>How to train (experiment files set the fields that are not JSON-ignored): the classic PyTorch example's settings by default (Adam 1e-3, batch 128, 10 epochs, seed 1).</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Images per optimizer step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>The optimizer's learning rate (every parameter group's initial rate).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Seeds model initialisation, shuffling, ε and binarisation: same seed and thread count, same metrics.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Clip gradients to this global L2 norm; null for no clipping.</summary>
    public float? ClipGradientNorm { get; init; }

    /// <summary>Resample binary pixels x ~ Bernoulli(grey level) every time an image is used (training only).</summary>
    public bool DynamicBinarization { get; init; }

    /// <summary>Write a checkpoint every this many epochs (and after the last); 0 never.</summary>
    public int CheckpointEvery { get; init; } = 1;

    /// <summary>The optimizer and its hyperparameters (at <see cref="LearningRate"/>); null for Adam with PyTorch's defaults.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] // absent, a run's identity is what it was before the field existed
    public OptimizerConfig? Optimizer { get; init; }

    /// <summary>How the learning rate changes from epoch to epoch; null keeps it constant.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LRScheduleConfig? LearningRateSchedule { get; init; }

    /// <summary>Hold out this fraction of the training images (seeded) and measure them after every epoch; null for no split.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ValidationFraction { get; init; }

    /// <summary>Stop when the validation metric stops improving; null trains every epoch. Needs <see cref="ValidationFraction"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EarlyStoppingConfig? EarlyStopping { get; init; }

    /// <summary>Where checkpoints go; null keeps none (and there is nothing to resume from).</summary>
    [JsonIgnore]
    public string? CheckpointDirectory { get; init; }

    /// <summary>Continue from the last checkpoint in <see cref="CheckpointDirectory"/> when there is one.</summary>
    [JsonIgnore]
    public bool Resume { get; init; } = true;

    /// <summary>Evaluate the test set (when given) after every epoch.</summary>
    [JsonIgnore]
    public bool EvaluateEachEpoch { get; init; } = true;

    /// <summary>Show a progress bar (console) with live loss, reconstruction and KL.</summary>
    [JsonIgnore]
    public bool ShowProgress { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (Epochs is < 1 or > MaxEpochs) throw new ArgumentException($"{nameof(Epochs)}: must be between 1 and {MaxEpochs} (got {Epochs}).");
        if (BatchSize is < 1 or > MaxBatchSize) throw new ArgumentException($"{nameof(BatchSize)}: must be between 1 and {MaxBatchSize} (got {BatchSize}).");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate) || LearningRate > MaxLearningRate)
            throw new ArgumentException($"{nameof(LearningRate)}: must be > 0 and at most {MaxLearningRate} (got {LearningRate}).");
        if (ClipGradientNorm is { } c && (!(c > 0) || !float.IsFinite(c))) throw new ArgumentException($"{nameof(ClipGradientNorm)}: must be a finite number > 0, or null for no clipping (got {c}).");
        if (CheckpointEvery is < 0 or > MaxEpochs) throw new ArgumentException($"{nameof(CheckpointEvery)}: must be 0 (never) or between 1 and {MaxEpochs} (got {CheckpointEvery}).");
        Optimizer?.Validate(nameof(Optimizer));
        LearningRateSchedule?.Validate(nameof(LearningRateSchedule));
        if (ValidationFraction is { } v && !(v > 0 && v < 1))
            throw new ArgumentException($"{nameof(ValidationFraction)}: must be in (0, 1), the fraction of training images held out, or null for no split (got {v}).");
        EarlyStopping?.Validate(nameof(EarlyStopping));
        if (EarlyStopping is not null && ValidationFraction is null)
            throw new ArgumentException($"{nameof(EarlyStopping)}: watches the validation set, so it needs {nameof(ValidationFraction)} (e.g. 0.1).");
    }

    /// <summary>Upper bounds of the checks in <see cref="Validate"/>.</summary>
    public const int MaxEpochs = 1_000_000, MaxBatchSize = 1_000_000;

    /// <summary>Largest accepted learning rate.</summary>
    public const float MaxLearningRate = 10f;
}
