using Workbench.Data;
using Workbench.Models;
using Workbench.Display;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>ELBO components of a model on a whole dataset, in nats per image.</summary>
/// <param name="Loss">The training objective with the final KL weight.</param>
/// <param name="Reconstruction">E_q[−log p(x|z)] with one z per image.</param>
/// <param name="Kl">KL(q(z|x) ‖ p(z)): closed form where the prior has one, else a one-sample Monte-Carlo estimate.</param>
/// <param name="KlPerDimension">KL of each latent dimension, (latent); empty when the KL has no per-dimension closed form.</param>
/// <param name="Images">Number of images evaluated.</param>
[TypeFormatterSource(typeof(HtmlFormatterSource<ElboEvaluation>), PreferredMimeTypes = ["text/html"])]
public sealed record ElboEvaluation(double Loss, double Reconstruction, double Kl, float[] KlPerDimension, int Images) : IHtmlDisplayable
{
    /// <summary>−ELBO = reconstruction + KL: an upper bound on −log p(x).</summary>
    public double NegativeElbo => Reconstruction + Kl;

    /// <summary>The terms as a one-row table (nats per image).</summary>
    public string ToHtml() =>
        new HtmlTable(["images", "reconstruction", "KL", "−ELBO", "training loss"], "ELBO on the evaluation set (nats per image)")
            .AddRow(Images, Reconstruction, Kl, NegativeElbo, Loss).ToHtml();
}

/// <summary>Measures trained models: ELBO components on a test set, the importance-weighted bound, active units.</summary>
public static class Evaluator
{
    /// <summary>
    /// The ELBO components averaged over <paramref name="data"/>, with ε drawn from a generator seeded by
    /// <paramref name="seed"/> (so the same model gives the same numbers every time).
    /// </summary>
    public static ElboEvaluation Elbo(VariationalAutoencoder model, ImageDataset data, int batchSize = 500, ulong seed = 0, BufferPool? pool = null)
    {
        if (data.Count == 0) throw new ArgumentException("Cannot evaluate on an empty dataset.");
        var rng = new Rng(seed);
        double loss = 0, reconstruction = 0, kl = 0;
        double[]? klPerDimension = null;
        ForEachBatch(model, data, batchSize, pool, (_, count, images, condition) =>
        {
            var output = model.Forward(new VaeBatch(images, model.Noise(count, rng), condition, DatasetSize: data.Count));
            loss += output.Loss.Item() * count;
            reconstruction += output.ReconstructionTerm.Item() * count;
            kl += output.KlTerm.Item() * count;
            if (output.KlPerDimension is { } perDimensionTensor)
            {
                var perDimension = perDimensionTensor.Span;
                klPerDimension ??= new double[perDimension.Length];
                for (int d = 0; d < perDimension.Length; d++) klPerDimension[d] += perDimension[d] * count;
            }
        });
        int n = data.Count;
        return new ElboEvaluation(loss / n, reconstruction / n, kl / n, klPerDimension?.Select(v => (float)(v / n)).ToArray() ?? [], n);
    }

    /// <summary>
    /// Mean σ = exp(½ log σ²) of q(z|x) over the first <paramref name="maxImages"/> images and all
    /// dimensions: near 0 when the encoder ignores the prior (reconstruction-only training), near 1
    /// when q(z|x) has collapsed onto it.
    /// </summary>
    public static double MeanPosteriorSigma(VariationalAutoencoder model, ImageDataset data, int maxImages = 1000)
    {
        if (data.Count == 0) throw new ArgumentException("Cannot evaluate on an empty dataset.");
        using var _ = GradMode.NoGrad();
        int count = Math.Min(data.Count, maxImages);
        var (images, condition) = Batching.Make(model, data, Batching.Sequential(0, count));
        return model.Encode(images, condition).StandardDeviation.Mean().Item(); // mean over (count, latent)
    }

    /// <summary>
    /// RMS pixel difference between reconstructions E[x | z = μ(x)] of the first <paramref name="maxImages"/>
    /// images and <paramref name="meanImage"/> (usually the training set's, (D) or (1, D)): near 0 when the
    /// latent code carries no information about x, so every reconstruction is the mean image.
    /// </summary>
    public static double ReconstructionToMeanImageRms(VariationalAutoencoder model, Tensor meanImage, ImageDataset data, int maxImages = 1000)
    {
        if (data.Count == 0) throw new ArgumentException("Cannot evaluate on an empty dataset.");
        using var _ = GradMode.NoGrad();
        int count = Math.Min(data.Count, maxImages);
        var (images, condition) = Batching.Make(model, data, Batching.Sequential(0, count));
        var reconstructions = model.Reconstruct(images, condition);                               // (count, D)
        var mean = meanImage.Reshape(1, meanImage.Size);                                          // (1, D)
        return Math.Sqrt((reconstructions - mean).Square().Mean().Item());
    }

    /// <summary>What <see cref="ForEachBatch"/> does with one batch: rows [start, start + count) of the data.</summary>
    internal delegate void BatchAction(int start, int count, Tensor images, Tensor? condition);

    /// <summary>
    /// Runs <paramref name="action"/> on the data in order, <paramref name="batchSize"/> images at a time, with
    /// the model in evaluation mode (its training mode is restored afterwards), without gradients, and each
    /// batch's tensors drawn from <paramref name="pool"/> (the shared pool when null) and released after it.
    /// </summary>
    internal static void ForEachBatch(VariationalAutoencoder model, ImageDataset data, int batchSize, BufferPool? pool, BatchAction action)
    {
        var ranges = Ranges(data.Count, batchSize);
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            foreach (var (start, count) in ranges)
            {
                using var scope = TensorScope.Begin(pool);
                var (images, condition) = Batching.Make(model, data, Batching.Sequential(start, count)); // (B, D)
                action(start, count, images, condition);
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    internal static IEnumerable<(int Start, int Count)> Ranges(int total, int batchSize)
    {
        // Checked here, before iterating: a batch size of 0 would otherwise loop forever.
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The evaluation batch size must be at least 1.");
        return RangesOf(total, batchSize);
    }

    private static IEnumerable<(int Start, int Count)> RangesOf(int total, int batchSize)
    {
        for (int start = 0; start < total; start += batchSize) yield return (start, Math.Min(batchSize, total - start));
    }
}
