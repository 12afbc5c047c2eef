using System.Diagnostics;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Models.VectorQuantized;
using Workbench.Optim;
using Workbench.Tensors;

namespace Workbench.Training;

/// <summary>One epoch of fitting a VQ-VAE's PixelCNN prior: mean −log p(c) per image (nats) on the training and test codes.</summary>
public sealed record CodePriorEpoch(int Epoch, double TrainNll, double? TestNll, double Seconds);

/// <summary>What fitting the PixelCNN prior did (<c>prior-fit.json</c> in a run folder).</summary>
/// <param name="UniformNll">−log p(c) under the uniform prior, h·w·log K nats per image: the training-time convention it replaces.</param>
public sealed record CodePriorFit(int Epochs, int BatchSize, double LearningRate, ulong Seed, double UniformNll, IReadOnlyList<CodePriorEpoch> History)
{
    public const string FileName = "prior-fit.json";
}

/// <summary>
/// The second stage of the VQ-VAE (van den Oord et al. 2017, §3.2): with the encoder and codebook frozen, the
/// training images' code grids are computed once and the <see cref="PixelCnn"/> prior is trained on them by
/// maximum likelihood (cross-entropy at every position), with Adam, shuffled per epoch by (seed, epoch); then it
/// becomes the model's prior (<see cref="CodeGridPrior.IsFitted"/>). Same seed and thread count, same bits.
/// </summary>
public static class CodePriorTraining
{
    private const int StreamId = 0x71C0;
    private const int EncodeBatch = 500;

    /// <summary>
    /// After a model has trained: fits the parts it fits afterwards (a <see cref="VqVae"/> from a <see cref="VqVaeConfig"/>
    /// with prior epochs: its PixelCNN prior), reporting each epoch on <paramref name="log"/>; null when there is nothing to fit.
    /// </summary>
    public static CodePriorFit? AfterTraining(VariationalAutoencoder model, ImageDataset train, ImageDataset? test, ulong seed, TextWriter? log = null)
    {
        if (model is not VqVae vq || vq.Config is not VqVaeConfig config || config.PriorEpochs == 0) return null;
        log?.WriteLine($"  fitting the PixelCNN prior over {vq.GridHeight}×{vq.GridWidth} codes for {config.PriorEpochs} epochs");
        return Fit(vq, train, test, config.PriorEpochs, config.PriorBatchSize, config.PriorLearningRate, seed,
            e => log?.WriteLine(System.FormattableString.Invariant(
                $"  prior epoch {e.Epoch}/{config.PriorEpochs}: code NLL {e.TrainNll:F2} nats/image (test {e.TestNll:F2}) [{e.Seconds:F1} s]")));
    }

    /// <summary>Fits <paramref name="model"/>'s PixelCNN to the codes of <paramref name="train"/> and makes it the prior.</summary>
    public static CodePriorFit Fit(VqVae model, ImageDataset train, ImageDataset? test, int epochs, int batchSize, float learningRate, ulong seed,
        Action<CodePriorEpoch>? epochDone = null)
    {
        if (train.Count == 0) throw new ArgumentException("The training set is empty.");
        var prior = model.CodePrior;
        int positions = model.Positions;
        var codes = CodesOf(model, train);
        var testCodes = test is null ? null : CodesOf(model, test);
        var optimizer = new Adam(prior.PixelCnn.Parameters(), learningRate);
        var pool = new BufferPool();
        var history = new List<CodePriorEpoch>();
        prior.IsFitted = true; // the PixelCNN's log-likelihood from here on, also for the test measurement below
        prior.PixelCnn.Train();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var order = new Rng(SeedMix.Combine(seed, epoch, StreamId)).Permutation(train.Count);
            double sum = 0;
            for (int start = 0; start < order.Length; start += batchSize)
            {
                int count = Math.Min(batchSize, order.Length - start);
                var batch = new int[count * positions];
                for (int b = 0; b < count; b++) codes.AsSpan(order[start + b] * positions, positions).CopyTo(batch.AsSpan(b * positions, positions));
                using var scope = TensorScope.Begin(pool);
                var nll = prior.LogProbability(batch).Mean() * -1f;                          // nats per image
                optimizer.ZeroGrad();
                nll.Backward();
                optimizer.Step();
                sum += nll.Item() * count;
            }
            var measured = new CodePriorEpoch(epoch, sum / train.Count, testCodes is null ? null : MeanNll(prior, testCodes, positions, pool), clock.Elapsed.TotalSeconds);
            history.Add(measured);
            epochDone?.Invoke(measured);
        }
        prior.PixelCnn.Eval();
        return new CodePriorFit(epochs, batchSize, learningRate, seed, positions * Math.Log(prior.Codes), history);
    }

    /// <summary>The code grid of every image, image-major (N·P).</summary>
    public static int[] CodesOf(VqVae model, ImageDataset data)
    {
        var codes = new int[data.Count * model.Positions];
        Evaluator.ForEachBatch(model, data, EncodeBatch, null, (start, count, images, _) =>
            model.CodesOf(images).CopyTo(codes.AsSpan(start * model.Positions, count * model.Positions)));
        return codes;
    }

    /// <summary>Mean −log p(c) per grid of <paramref name="codes"/> under the prior, nats.</summary>
    private static double MeanNll(CodeGridPrior prior, int[] codes, int positions, BufferPool pool)
    {
        using var _ = GradMode.NoGrad();
        int n = codes.Length / positions;
        double sum = 0;
        for (int start = 0; start < n; start += EncodeBatch)
        {
            int count = Math.Min(EncodeBatch, n - start);
            using var scope = TensorScope.Begin(pool);
            sum -= prior.LogProbability(codes.AsSpan(start * positions, count * positions).ToArray()).Sum().Item();
        }
        return sum / n;
    }
}
