using Workbench.Data;
using Workbench.Models;
using Workbench.Display;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>The importance-weighted bound on a dataset, nats per image.</summary>
/// <param name="NegativeLogLikelihoodBound">−L_k = −E[log (1/k) Σ_i p(x, z_i) / q(z_i|x)] ≥ −log p(x); decreases toward −log p(x) as k grows.</param>
/// <param name="Samples">k.</param>
/// <param name="Images">Images evaluated.</param>
[TypeFormatterSource(typeof(HtmlFormatterSource<ImportanceWeightedEvaluation>), PreferredMimeTypes = ["text/html"])]
public sealed record ImportanceWeightedEvaluation(double NegativeLogLikelihoodBound, int Samples, int Images) : IHtmlDisplayable
{
    public string ToHtml() =>
        new HtmlTable(["k", "images", "−L_k (nats per image)"], "Importance-weighted bound").AddRow(Samples, Images, NegativeLogLikelihoodBound).ToHtml();
}

/// <summary>
/// The importance-weighted bound of Burda et al. (2016):
/// L_k = E[log (1/k) Σ_{i=1..k} p(x|z_i) p(z_i) / q(z_i|x)], z_i ~ q(z|x). k = 1 is the ELBO.
/// </summary>
/// <remarks>
/// The weights come from the model's own log-densities (<see cref="VariationalAutoencoder.ImportanceSample(Models.Posteriors.Posterior, Tensor, Tensor?, Tensor, int[])"/>:
/// its likelihood, prior and posterior), so the bound is right for any prior or posterior family.
/// Images are encoded a block at a time; the block's B·k samples, in image-major order, are decoded in
/// chunks of <c>maxRows</c> rows that may span images, so every decoder product has the same large shape
/// and memory stays bounded for any k (k = 5000 included). The noise is drawn chunk by chunk in that
/// same order, so it does not depend on <c>maxRows</c>. A chunk is weighed in runs of 256 samples that
/// the kernel worker threads share out, each run decoded start to finish on one thread, so the model's
/// <see cref="VariationalAutoencoder.ImportanceSample(Models.Posteriors.Posterior, Tensor, Tensor?, Tensor, int[])"/>
/// runs on several threads at once (on disjoint samples, with gradients off): an override must not
/// change the model's state. Log-weights are combined with a log-sum-exp in double precision.
/// </remarks>
public static class ImportanceWeightedBound
{
    public static ImportanceWeightedEvaluation Evaluate(VariationalAutoencoder model, ImageDataset data, int samples,
        ulong seed = 0, int maxRows = 4096, IProgress<double>? progress = null)
    {
        var perImage = PerImage(model, data, samples, seed, maxRows, progress);
        double total = 0;
        foreach (var value in perImage) total += value;
        return new ImportanceWeightedEvaluation(total / data.Count, samples, data.Count);
    }

    /// <summary>−L_k of every image of <paramref name="data"/>, nats: the per-image terms whose mean <see cref="Evaluate"/> reports. (N)</summary>
    public static double[] PerImage(VariationalAutoencoder model, ImageDataset data, int samples,
        ulong seed = 0, int maxRows = 4096, IProgress<double>? progress = null)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "k must be at least 1.");
        if (maxRows < 1) throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "maxRows must be at least 1.");
        if (data.Count == 0) throw new ArgumentException("Cannot evaluate on an empty dataset.");
        var rng = new Rng(seed);
        var pool = new BufferPool();
        // About 64 chunks of samples per block (at least one image, at most maxRows images), so that at most one
        // chunk in ~64 is a short one at the block's end; the block's log-weights are 64·maxRows doubles (2 MB).
        int imagesPerBlock = (int)Math.Clamp(64L * maxRows / samples, 1, Math.Min(maxRows, data.Count));
        var logWeights = new double[(long)imagesPerBlock * samples];
        var perImage = new double[data.Count];
        bool wasTraining = model.Training;
        model.Eval();
        using (GradMode.NoGrad())
        {
            foreach (var (start, count) in Evaluator.Ranges(data.Count, imagesPerBlock))
            {
                var rows = Batching.Sequential(start, count);
                long blockRows = (long)count * samples;
                for (long first = 0; first < blockRows; first += maxRows)
                {
                    int chunk = (int)Math.Min(maxRows, blockRows - first);
                    using var scope = TensorScope.Begin(pool);
                    var chunkWeights = LogWeights(model, data, rows, first, chunk, samples, rng).Span; // (chunk)
                    for (int r = 0; r < chunk; r++) logWeights[first + r] = chunkWeights[r];
                }
                for (int b = 0; b < count; b++) perImage[start + b] = -LogMeanExp(logWeights.AsSpan(b * samples, samples));
                progress?.Report((double)(start + count) / data.Count);
            }
        }
        model.Train(wasTraining);
        return perImage;
    }

    /// <summary>
    /// log w of the samples [<paramref name="first"/>, first + <paramref name="chunk"/>) of a block of images
    /// (<paramref name="rows"/> of the dataset), k = <paramref name="samplesPerImage"/> each in image-major
    /// order: (chunk). Only the images the chunk touches are encoded.
    /// </summary>
    internal static Tensor LogWeights(VariationalAutoencoder model, ImageDataset data, int[] rows, long first, int chunk, int samplesPerImage, Rng rng)
    {
        int firstImage = (int)(first / samplesPerImage), lastImage = (int)((first + chunk - 1) / samplesPerImage);
        var (images, condition) = Batching.Make(model, data, rows.AsSpan(firstImage, lastImage - firstImage + 1)); // (b, D)
        var posterior = model.Encode(images, condition);
        var imageOfRow = new int[chunk];
        for (int r = 0; r < chunk; r++) imageOfRow[r] = (int)((first + r) / samplesPerImage) - firstImage;
        var noise = Tensor.Randn(rng, chunk, model.LatentSize);                     // ε, (chunk, latent)
        int parts = (chunk + RowsPerPart - 1) / RowsPerPart;
        if (parts == 1) return model.ImportanceSample(posterior, images, condition, noise, imageOfRow).LogWeights;

        // Runs of RowsPerPart samples are shared out among the worker threads, each decoded and weighed start to
        // finish on one thread (ParallelParts). The runs are fixed by the chunk alone and a run computes the
        // same bits on any thread, so the result does not depend on the thread count.
        var logWeights = Tensor.Zeros(chunk);
        float[] weights = logWeights.Storage;
        ParallelParts.Run(parts, part =>
        {
            int start = part * RowsPerPart, count = Math.Min(RowsPerPart, chunk - start), latent = noise.Dim(1);
            var partNoise = Tensor.FromArray(noise.Span.Slice(start * latent, count * latent), count, latent);
            var partWeights = model.ImportanceSample(posterior, images, condition, partNoise, imageOfRow[start..(start + count)]).LogWeights;
            partWeights.Span.CopyTo(weights.AsSpan(start, count));
        });
        return logWeights;
    }

    /// <summary>Samples per part of a chunk: (256, 784) logits are 800 KB, within one core's L2 with the hidden activations.</summary>
    internal const int RowsPerPart = 256;

    /// <summary>log w for <paramref name="samplesPerImage"/> samples of each image: (images · samples), image-major.</summary>
    internal static Tensor LogWeights(VariationalAutoencoder model, ImageDataset data, int[] rows, int samplesPerImage, Rng rng) =>
        LogWeights(model, data, rows, 0, rows.Length * samplesPerImage, samplesPerImage, rng);

    /// <summary>log((1/n) Σ exp(v_i)), stable.</summary>
    internal static double LogMeanExp(ReadOnlySpan<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (var v in values) max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (var v in values) sum += Math.Exp(v - max);
        return max + Math.Log(sum / values.Length);
    }
}
