namespace Workbench.Training.Sequences;

/// <summary>How a <see cref="SequenceTrainer"/> trains: Adam's step size, the batches, the epochs, the seed and gradient clipping.</summary>
public sealed record SequenceTrainingOptions
{
    /// <summary>Epochs of <see cref="SequenceTrainer.Fit"/> (also sets the step count the KL annealing sees as the total).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Sentences per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>The run's seed: the shuffle of each epoch and its ε and word-dropout draws derive from (seed, epoch).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Rescales the gradients so their global L2 norm is at most this before each step; none when null.</summary>
    public float? ClipGradientNorm { get; init; } = 5f;

    /// <summary>Evaluates on the validation sentences after every epoch of <see cref="SequenceTrainer.Fit"/>.</summary>
    public bool EvaluateEachEpoch { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of its range.</summary>
    public void Validate()
    {
        if (Epochs is < 1 or > 1_000_000) throw new ArgumentException($"epochs: must be between 1 and 1000000 (got {Epochs}).");
        if (BatchSize is < 1 or > 1_000_000) throw new ArgumentException($"batchSize: must be between 1 and 1000000 (got {BatchSize}).");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new ArgumentException($"learningRate: must be a finite number > 0 (got {LearningRate}).");
        if (ClipGradientNorm is { } clip && (!(clip > 0) || !float.IsFinite(clip)))
            throw new ArgumentException($"clipGradientNorm: must be a finite number > 0 or absent (got {clip}).");
    }
}

/// <summary>One epoch of a <see cref="SequenceTrainer"/>: training means over its sentences (nats per sentence) and the validation figures.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="Step">Optimizer steps taken by the end of the epoch.</param>
/// <param name="TrainLoss">Mean of reconstruction + β_t·KL over the epoch's sentences (for a language model, its NLL).</param>
/// <param name="TrainReconstruction">Mean −log p(x|z) (a language model: −log p(x)).</param>
/// <param name="TrainKl">Mean KL(q(z|x) ‖ N(0, I)); 0 for a language model.</param>
/// <param name="KlWeight">β_t at the epoch's last step; 0 for a language model.</param>
/// <param name="ValidationNll">−ELBO (a language model: exact NLL) on the validation sentences, nats per sentence; null when not evaluated.</param>
/// <param name="ValidationNllPerWord">The same per predicted word (tokens + &lt;/s&gt;).</param>
/// <param name="ValidationKl">The KL term of the validation ELBO; null for a language model or when not evaluated.</param>
/// <param name="Seconds">Wall time of the epoch, its evaluation included.</param>
public sealed record SequenceEpochMetrics(int Epoch, long Step, double TrainLoss, double TrainReconstruction, double TrainKl, double KlWeight,
    double? ValidationNll, double? ValidationNllPerWord, double? ValidationKl, double Seconds);
