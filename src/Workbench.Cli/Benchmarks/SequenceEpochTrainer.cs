using System.Diagnostics;
using Workbench.Models.Sequences;
using Workbench.Optim;
using Workbench.Tensors;

namespace Workbench.Cli.Benchmarks;

/// <summary>Our side of the sequence epoch benchmark: the sequence VAE trained with Adam on the plan's batches, timed per epoch.</summary>
internal sealed class SequenceEpochTrainer
{
    private readonly SequenceEpochPlan _plan;
    private readonly SequenceVae _model;
    private readonly Adam _optimizer;
    private readonly BufferPool _pool = new();

    public SequenceEpochTrainer(int vocabularySize, SequenceEpochPlan plan)
    {
        _plan = plan;
        var config = new SequenceVaeConfig(vocabularySize, SequenceEpochPlan.EmbeddingSize, SequenceEpochPlan.HiddenSize, SequenceEpochPlan.LatentSize,
            SequenceEpochPlan.WordDropout);
        _model = new SequenceVae(config, new Rng(SequenceEpochPlan.Seed));
        _optimizer = new Adam(_model.Parameters(), 1e-3f);
    }

    /// <summary>Trains on the batches of <paramref name="epoch"/>; its seconds (batch assembly included) and mean loss, nats per sentence.</summary>
    public (double Seconds, double MeanLoss) Epoch(int epoch)
    {
        var noise = new Rng(Workbench.Data.SeedMix.Combine(SequenceEpochPlan.Seed + 1, epoch));
        double lossSum = 0;
        int steps = 0;
        var clock = Stopwatch.StartNew();
        _model.Train();
        foreach (var batch in _plan.Batches(epoch))
        {
            using var scope = TensorScope.Begin(_pool);
            using var random = ForwardRandom.Use(noise);
            _optimizer.ZeroGrad();
            var tokens = new TokenBatch(batch.Size, batch.Steps, batch.Tokens, batch.Lengths);
            var output = _model.Forward(new SequenceVaeBatch(tokens, Tensor.Randn(noise, batch.Size, SequenceEpochPlan.LatentSize)));
            output.Loss.Backward();
            _optimizer.Step();
            lossSum += output.Loss.Item();
            steps++;
        }
        return (clock.Elapsed.TotalSeconds, lossSum / steps);
    }
}
