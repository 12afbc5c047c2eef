using Workbench.Data.Text;
using Workbench.Models.Posteriors;
using Workbench.Models.Sequences;
using Workbench.Tensors;

namespace Workbench.Evaluation.Sequences;

// The posterior-collapse diagnostics of a sentence VAE: how many latent dimensions are used, and how much the code says
// about the sentence.
public static partial class SequenceEvaluation
{
    /// <summary>
    /// Active units (Burda et al. 2016), as <see cref="Evaluation.ActiveUnits"/> for images: A_d = Cov_x(E_q[z_d]), the unbiased
    /// variance of μ_d over the sentences; a dimension is active when A_d exceeds <paramref name="threshold"/>.
    /// </summary>
    public static ActiveUnitsEvaluation ActiveUnits(SequenceVae model, SequenceDataset data, double threshold = 0.01, int batchSize = 256)
    {
        RequireData(data, batchSize);
        if (data.Count < 2) throw new ArgumentException("Active units need at least two sentences.", nameof(data));
        var (mean, _) = PosteriorParameters(model, data, batchSize);
        int latent = model.LatentSize, n = data.Count;
        var activity = new float[latent];
        for (int d = 0; d < latent; d++)
        {
            double sum = 0, sumOfSquares = 0;
            for (int i = 0; i < n; i++)
            {
                double m = mean[i * latent + d];
                sum += m;
                sumOfSquares += m * m;
            }
            activity[d] = (float)((sumOfSquares - sum * sum / n) / (n - 1));
        }
        return new ActiveUnitsEvaluation(activity, threshold);
    }

    /// <summary>
    /// The mutual information I(x; z) under q(x, z) = p_data(x) q(z|x), nats, by the estimator of Hoffman &amp; Johnson (2016) as
    /// He et al. (2019) compute it: E_x E_q(z|x)[log q(z|x)] (closed form) − E_x E_q(z|x)[log q(z)], with the aggregate posterior
    /// q(z) = (1/N) Σⱼ q(z|xⱼ) over the whole of <paramref name="data"/> (He et al. take each batch as the dataset) and one
    /// z per sentence unless <paramref name="samplesPerSentence"/> says more. The true value lies between 0 and log N; the estimate
    /// is that up to sampling noise (its standard error is about √(L/2 / (N·samples)) nats when the posteriors barely differ).
    /// </summary>
    public static double MutualInformation(SequenceVae model, SequenceDataset data, ulong seed = 0, int batchSize = 256, int samplesPerSentence = 1)
    {
        RequireData(data, batchSize);
        var (mean, logVariance) = PosteriorParameters(model, data, batchSize);
        return MutualInformation(mean, logVariance, model.LatentSize, new Rng(seed), samplesPerSentence);
    }

    /// <summary>
    /// The estimator of <see cref="MutualInformation(SequenceVae, SequenceDataset, ulong, int, int)"/> on given posteriors N(μᵢ, diag σᵢ²),
    /// row-major (N, L), with <paramref name="samplesPerRow"/> draws zᵢ ~ q(z|xᵢ) per row drawn from <paramref name="rng"/>.
    /// </summary>
    public static double MutualInformation(float[] mean, float[] logVariance, int latent, Rng rng, int samplesPerRow = 1)
    {
        if (latent < 1 || mean.Length == 0 || mean.Length % latent != 0 || logVariance.Length != mean.Length)
            throw new ArgumentException($"μ and log σ² must both be (N, {latent}) with N ≥ 1; got {mean.Length} and {logVariance.Length} values.");
        if (samplesPerRow < 1) throw new ArgumentOutOfRangeException(nameof(samplesPerRow), samplesPerRow, "At least one sample per row.");
        int n = mean.Length / latent;
        double negativeEntropy = 0; // E_q[log q(z|x)] = −½ Σ_d (log 2π + 1 + log σ_d²), averaged over rows
        foreach (var v in logVariance) negativeEntropy -= 0.5 * (1 + v);
        negativeEntropy = negativeEntropy / n - latent * HalfLogTwoPi;

        using var _ = GradMode.NoGrad();
        var all = new DiagonalGaussian(Tensor.FromArray(mean, n, latent), Tensor.FromArray(logVariance, n, latent));
        double logAggregate = 0; // Σ over samples of log q(z) = log (1/N) Σⱼ q(z|xⱼ)
        const int block = 256;
        for (int start = 0; start < n; start += block)
        {
            int rows = Math.Min(block, n - start);
            var indices = new int[rows * samplesPerRow];
            for (int r = 0; r < indices.Length; r++) indices[r] = start + r / samplesPerRow;
            var z = all.GatherRows(indices).Sample(Tensor.Randn(rng, indices.Length, latent));   // (rows·s, L)
            var table = all.PairwiseLogDensity(z).Span;                                            // (rows·s, N): log q(zᵢ|xⱼ)
            var row = new double[n];
            for (int i = 0; i < indices.Length; i++)
            {
                for (int j = 0; j < n; j++) row[j] = table[i * n + j];
                logAggregate += LogMeanExp(row);
            }
        }
        return negativeEntropy - logAggregate / (n * (double)samplesPerRow);
    }

    /// <summary>μ and log σ² of every sentence, row-major (N, L), in evaluation mode.</summary>
    private static (float[] Mean, float[] LogVariance) PosteriorParameters(SequenceVae model, SequenceDataset data, int batchSize)
    {
        int latent = model.LatentSize;
        var mean = new float[data.Count * latent];
        var logVariance = new float[data.Count * latent];
        int offset = 0;
        RunEvaluation(model, () =>
        {
            foreach (var batch in SequenceBatches.InOrder(data, batchSize))
            {
                var posterior = model.Encode(batch);
                posterior.Mean.Span.CopyTo(mean.AsSpan(offset));
                posterior.LogVariance.Span.CopyTo(logVariance.AsSpan(offset));
                offset += batch.Size * latent;
            }
        });
        return (mean, logVariance);
    }
}
