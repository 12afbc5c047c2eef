using Workbench.Tensors;

namespace Workbench.Models.Posteriors;

/// <summary>
/// N(μ, diag σ²) per row, parameterized by μ and log σ² (Kingma &amp; Welling 2014): the encoder's
/// usual output. Sampling is the reparameterization z = μ + exp(½ log σ²) ⊙ ε.
/// </summary>
public sealed class DiagonalGaussian : Posterior
{
    private static readonly float HalfLogTwoPi = 0.5f * MathF.Log(2 * MathF.PI);

    /// <param name="mean">μ, (B, latent).</param>
    /// <param name="logVariance">log σ², (B, latent).</param>
    public DiagonalGaussian(Tensor mean, Tensor logVariance)
    {
        if (mean.Rank != 2 || !mean.Dims.SequenceEqual(logVariance.Dims))
            throw new ArgumentException($"μ and log σ² must both be (B, latent); got {Tensor.ShapeText(mean.Dims)} and {Tensor.ShapeText(logVariance.Dims)}.");
        Mean = mean;
        LogVariance = logVariance;
    }

    public override Tensor Mean { get; }

    /// <summary>log σ². (B, latent)</summary>
    public Tensor LogVariance { get; }

    public override int Count => Mean.Dim(0);

    public override int LatentSize => Mean.Dim(1);

    public override Tensor StandardDeviation => (LogVariance * 0.5f).Exp();

    public override Tensor Sample(Tensor noise)
    {
        if (!noise.Dims.SequenceEqual(Mean.Dims))
            throw new ArgumentException($"The noise ε must have shape {Tensor.ShapeText(Mean.Dims)} (B, latent); got {Tensor.ShapeText(noise.Dims)}.");
        return Mean + (LogVariance * 0.5f).Exp() * noise;
    }

    /// <summary>−½ Σ_d [(z_d − μ_d)² / σ_d² + log σ_d² + log 2π].</summary>
    public override Tensor LogDensity(Tensor z) =>
        ((z - Mean).Square() * (-LogVariance).Exp() + LogVariance).Sum(1) * -0.5f - HalfLogTwoPi * LatentSize;

    /// <summary>
    /// Expands the square so the (N, B) table costs two matrix products instead of N·B·latent
    /// temporaries: Σ_d (z_d − μ_d)²/σ_d² = z²·(1/σ²)ᵀ − 2 z·(μ/σ²)ᵀ + Σ_d μ_d²/σ_d².
    /// </summary>
    public override Tensor PairwiseLogDensity(Tensor z)
    {
        var precision = (-LogVariance).Exp();                                        // (B, latent)
        var quadratic = z.Square().MatMul(precision, transposeOther: true)            // (N, B)
                        - z.MatMul(Mean * precision, transposeOther: true) * 2f;
        var perDistribution = (Mean.Square() * precision + LogVariance).Sum(1).Reshape(1, Count); // (1, B)
        return (quadratic + perDistribution) * -0.5f - HalfLogTwoPi * LatentSize;
    }

    /// <summary>−½ [(z_i,d − μ_k,d)² / σ_k,d² + log σ_k,d² + log 2π] by broadcasting (N, 1, latent) against (1, B, latent).</summary>
    public override Tensor PairwiseLogDensityPerDimension(Tensor z)
    {
        if (z.Rank != 2 || z.Dim(1) != LatentSize)
            throw new ArgumentException($"z must have shape (N, {LatentSize}); got {Tensor.ShapeText(z.Dims)}.");
        int n = z.Dim(0);
        var difference = z.Reshape(n, 1, LatentSize) - Mean.Reshape(1, Count, LatentSize);                  // (N, B, latent)
        var logVariance = LogVariance.Reshape(1, Count, LatentSize);
        return (difference.Square() * (-logVariance).Exp() + logVariance) * -0.5f - HalfLogTwoPi;
    }

    public override Posterior GatherRows(ReadOnlySpan<int> rows) => new DiagonalGaussian(Mean.GatherRows(rows), LogVariance.GatherRows(rows));
}
