using System.Globalization;

namespace Workbench.Training;

/// <summary>Which validation measurement early stopping watches (smaller is better for each).</summary>
public enum EarlyStoppingMetric
{
    /// <summary>The training objective's loss (with the final KL weight), nats per image.</summary>
    Loss,
    /// <summary>Reconstruction + KL at weight 1, nats per image.</summary>
    NegativeElbo,
    /// <summary>The reconstruction term alone, nats per image.</summary>
    Reconstruction,
}

/// <summary>
/// Stop training when the validation metric has not improved by more than <see cref="MinDelta"/> for
/// <see cref="Patience"/> epochs in a row (an improvement is value &lt; best − minDelta). Needs a validation split.
/// The model kept is the last epoch's; the best epoch and its value are recorded.
/// </summary>
public sealed record EarlyStoppingConfig
{
    public EarlyStoppingMetric Metric { get; init; } = EarlyStoppingMetric.Loss;

    /// <summary>Epochs without improvement before training stops.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>How much (nats per image) the metric must fall to count as an improvement.</summary>
    public double MinDelta { get; init; }

    /// <summary>Throws "field: problem" for the first value out of its range.</summary>
    public void Validate(string field)
    {
        if (Patience is < 1 or > TrainingOptions.MaxEpochs)
            throw new ArgumentException($"{field}.patience: must be between 1 and {TrainingOptions.MaxEpochs} epochs (got {Patience}).");
        if (!(MinDelta >= 0) || double.IsInfinity(MinDelta))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{field}.minDelta: must be a finite number ≥ 0 (got {MinDelta})."));
        if (!Enum.IsDefined(Metric)) throw new ArgumentException($"{field}.metric: must be loss, negative-elbo or reconstruction (got {Metric}).");
    }

    /// <summary>The watched value of an epoch measured on the validation set.</summary>
    public double ValueOf(EpochMetrics epoch) => Metric switch
    {
        EarlyStoppingMetric.NegativeElbo => epoch.ValidationReconstruction!.Value + epoch.ValidationKl!.Value,
        EarlyStoppingMetric.Reconstruction => epoch.ValidationReconstruction!.Value,
        _ => epoch.ValidationLoss!.Value,
    };
}

/// <summary>
/// Where early stopping stands (saved in checkpoints): the best value and its epoch, the epochs since, and — once it
/// fired — the epoch training stopped at and why.
/// </summary>
public sealed record EarlyStoppingState
{
    public double Best { get; init; } = double.PositiveInfinity;
    public int BestEpoch { get; init; }
    public int EpochsWithoutImprovement { get; init; }

    /// <summary>The epoch after which training stopped; null while it runs.</summary>
    public int? StoppedAtEpoch { get; init; }

    /// <summary>Why training stopped, in a sentence; null while it runs.</summary>
    public string? Reason { get; init; }

    /// <summary>The state after an epoch that measured <paramref name="value"/>.</summary>
    public EarlyStoppingState After(int epoch, double value, EarlyStoppingConfig config)
    {
        if (value < Best - config.MinDelta)
            return this with { Best = value, BestEpoch = epoch, EpochsWithoutImprovement = 0 };
        int without = EpochsWithoutImprovement + 1;
        if (without < config.Patience) return this with { EpochsWithoutImprovement = without };
        string metric = System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(config.Metric.ToString());
        return this with
        {
            EpochsWithoutImprovement = without,
            StoppedAtEpoch = epoch,
            Reason = string.Create(CultureInfo.InvariantCulture,
                $"validation {metric} did not improve by more than {config.MinDelta:G3} for {without} epoch{(without == 1 ? "" : "s")} (best {Best:F4} at epoch {BestEpoch})"),
        };
    }
}
