using System.Diagnostics;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Optim;
using Workbench.Optim.Schedules;
using Workbench.Tensors;

namespace Workbench.Training;

/// <summary>
/// What the trainer does between epochs besides testing: measures the validation images, steps the learning-rate
/// schedule (after the epoch's optimizer steps, with the validation loss — or, without a split, the training loss —
/// for <see cref="ReduceLROnPlateau"/>) and decides early stopping. Its state goes into every checkpoint.
/// </summary>
internal sealed class EpochControls
{
    private readonly TrainingOptions _options;
    private EarlyStoppingState? _earlyStopping;

    public EpochControls(TrainingOptions options, Optimizer optimizer)
    {
        _options = options;
        Scheduler = options.LearningRateSchedule?.Build(optimizer, options.Epochs);
        _earlyStopping = options.EarlyStopping is null ? null : new EarlyStoppingState();
    }

    /// <summary>The learning-rate schedule built from the options; null without one.</summary>
    public LRScheduler? Scheduler { get; }

    /// <summary>Early stopping's state; null when it is off.</summary>
    public EarlyStoppingState? EarlyStopping => _earlyStopping;

    /// <summary>True once early stopping has ended training.</summary>
    public bool Stopped => _earlyStopping?.StoppedAtEpoch is not null;

    /// <summary>The training and validation sets: <paramref name="train"/> split when the options ask for validation.</summary>
    public (ImageDataset Train, ValidationSplit? Split) Split(ImageDataset train)
    {
        if (_options.ValidationFraction is not { } fraction) return (train, null);
        var split = ValidationSplit.Of(train, fraction, _options.Seed);
        return (split.Train, split);
    }

    /// <summary>Added to the checkpoint's data stream: resuming under another split would not continue the same run.</summary>
    public string DataStreamSuffix => _options.ValidationFraction is { } f ? $", validation fraction {f}" : "";

    /// <summary>The epoch's metrics with the validation measurement and the learning rate used in the epoch.</summary>
    public EpochMetrics Measure(EpochMetrics epoch, VariationalAutoencoder model, ImageDataset? validation, BufferPool pool, Stopwatch clock)
    {
        if (validation is not null)
        {
            var measured = Evaluator.Elbo(model, validation, seed: _options.Seed, pool: pool);
            epoch = epoch with { ValidationLoss = measured.Loss, ValidationReconstruction = measured.Reconstruction, ValidationKl = measured.Kl };
        }
        if (Scheduler is not null) epoch = epoch with { LearningRate = Scheduler.Optimizer.Groups[0].LearningRate };
        return epoch with { Seconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>Steps the schedule and early stopping after <paramref name="epoch"/>; true when training should stop.</summary>
    public bool EndEpoch(EpochMetrics epoch)
    {
        if (Scheduler is { NeedsMetric: true }) Scheduler.Step(epoch.ValidationLoss ?? epoch.TrainLoss);
        else Scheduler?.Step();
        if (_earlyStopping is null || _options.EarlyStopping is not { } config) return false;
        _earlyStopping = _earlyStopping.After(epoch.Epoch, config.ValueOf(epoch), config);
        return Stopped;
    }

    /// <summary>The checkpoint with this state in it.</summary>
    public TrainingCheckpoint Into(TrainingCheckpoint checkpoint) => checkpoint with
    {
        Schedule = Scheduler?.StateValues().ToDictionary(kv => kv.Key, kv => kv.Value),
        EarlyStopping = _earlyStopping,
    };

    /// <summary>Restores the state a checkpoint holds (schedule and early stopping as after its last finished epoch).</summary>
    public void From(TrainingCheckpoint checkpoint, string path)
    {
        if (checkpoint.Schedule is { } schedule)
        {
            if (Scheduler is null)
                throw new InvalidDataException($"{path}: the checkpoint was trained with a learning-rate schedule, but these options have none; resume with the same options.");
            try
            {
                Scheduler.LoadStateValues(schedule);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{path}: the checkpoint's learning-rate schedule is not this one ({e.Message}); resume with the same options.");
            }
        }
        if (checkpoint.EarlyStopping is { } early && _earlyStopping is not null) _earlyStopping = early;
    }
}
