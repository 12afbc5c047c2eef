using Workbench.Models.Sequences;
using Workbench.Tensors;
using Workbench.Training.Sequences;

namespace Workbench.Cli.Benchmarks;

/// <summary>Our side of the sequence epoch benchmark: <see cref="SequenceTrainer.TrainEpoch"/> on the plan's sentences.</summary>
internal sealed class SequenceEpochTrainer
{
    private readonly SequenceEpochPlan _plan;
    private readonly SequenceTrainer _trainer;

    public SequenceEpochTrainer(SequenceEpochPlan plan)
    {
        _plan = plan;
        var config = new SequenceVaeConfig(plan.Data.Vocabulary.Count, SequenceEpochPlan.EmbeddingSize, SequenceEpochPlan.HiddenSize,
            SequenceEpochPlan.LatentSize, SequenceEpochPlan.WordDropout);
        var model = new SequenceVae(config, new Rng(SequenceEpochPlan.Seed));
        _trainer = new SequenceTrainer(model, new SequenceTrainingOptions
        {
            BatchSize = SequenceEpochPlan.BatchSize,
            Seed = SequenceEpochPlan.Seed,
            ClipGradientNorm = SequenceEpochPlan.ClipGradientNorm,
            EvaluateEachEpoch = false,
        });
    }

    /// <summary>Trains epoch <paramref name="epoch"/> (1: the warm-up) and returns its seconds (batch assembly included) and mean loss, nats per sentence.</summary>
    public (double Seconds, double MeanLoss) Epoch(int epoch)
    {
        var metrics = _trainer.TrainEpoch(_plan.DataOf(epoch), epoch);
        return (metrics.Seconds, metrics.TrainLoss);
    }
}
