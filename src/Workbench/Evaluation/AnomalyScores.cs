using Workbench.Data;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>
/// Three anomaly scores per image, higher meaning less like the training data (nats or squared pixel units).
/// </summary>
/// <param name="NegativeElbo">−ELBO = E_q[−log p(x|z)] (one z) + KL(q(z|x) ‖ p(z)), nats.</param>
/// <param name="ImportanceWeighted">−L_k, the importance-weighted bound on −log p(x) (Burda et al. 2016), nats; null when k = 0.</param>
/// <param name="ReconstructionError">Σ_pixels (x − E[x | z = μ(x)])²: the reconstruction alone, no likelihood and no KL.</param>
/// <param name="Labels">Each image's class.</param>
/// <param name="ImportanceSamples">k of <paramref name="ImportanceWeighted"/> (0 when it was not computed).</param>
public sealed record AnomalyScores(double[] NegativeElbo, double[]? ImportanceWeighted, double[] ReconstructionError, int[] Labels, int ImportanceSamples)
{
    /// <summary>The scores that were computed, by name: negative-elbo, importance-weighted, reconstruction-error.</summary>
    public IEnumerable<(string Name, double[] Values)> All()
    {
        yield return (NegativeElboName, NegativeElbo);
        if (ImportanceWeighted is { } iw) yield return (ImportanceWeightedName, iw);
        yield return (ReconstructionErrorName, ReconstructionError);
    }

    public const string NegativeElboName = "negative-elbo", ImportanceWeightedName = "importance-weighted", ReconstructionErrorName = "reconstruction-error";

    /// <summary>
    /// Scores every image of <paramref name="data"/>. The −ELBO draws its z in batches of <paramref name="batchSize"/>
    /// exactly as <see cref="Evaluator.Elbo"/> does with the same seed for a one-sample objective, so its mean is that evaluation's −ELBO;
    /// the importance-weighted score is <see cref="ImportanceWeightedBound.PerImage"/> with the same seed.
    /// </summary>
    /// <param name="importanceSamples">k of the importance-weighted score; 0 skips it.</param>
    public static AnomalyScores Compute(VariationalAutoencoder model, ImageDataset data, int importanceSamples, ulong seed = 0, int batchSize = 500)
    {
        if (data.Count == 0) throw new ArgumentException("Cannot score an empty dataset.");
        if (importanceSamples < 0) throw new ArgumentOutOfRangeException(nameof(importanceSamples), importanceSamples, "k must be 0 (skip) or at least 1.");
        var negativeElbo = new double[data.Count];
        var reconstructionError = new double[data.Count];
        var rng = new Rng(seed);
        Evaluator.ForEachBatch(model, data, batchSize, new BufferPool(), (start, count, images, condition) =>
        {
            var posterior = model.Encode(images, condition);
            var sample = posterior.SampleWithLogDensity(Tensor.Randn(rng, count, model.LatentSize)); // (B, latent), one z per image
            var reconstruction = model.Likelihood.NegativeLogLikelihood(model.Decode(sample.Z, condition), images); // (B)
            var kl = model.Kl(posterior, sample).PerImage;                                          // (B)
            var squaredError = (images - model.DecodeMean(posterior.Mean, condition)).Square().Sum(1);  // (B)
            for (int b = 0; b < count; b++)
            {
                negativeElbo[start + b] = reconstruction.Span[b] + kl.Span[b];
                reconstructionError[start + b] = squaredError.Span[b];
            }
        });
        var importanceWeighted = importanceSamples > 0 ? ImportanceWeightedBound.PerImage(model, data, importanceSamples, seed) : null;
        return new AnomalyScores(negativeElbo, importanceWeighted, reconstructionError, data.Labels.ToArray(), importanceSamples);
    }
}
