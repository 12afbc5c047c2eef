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

    /// <summary>N(μ_d, σ_d²) of each dimension d: the family is a product over dimensions.</summary>
    public override IReadOnlyList<Posterior> Marginals()
    {
        var ones = Enumerable.Repeat(1, LatentSize).ToArray();
        var means = Mean.Split(ones, axis: 1);                 // latent × (B, 1)
        var logVariances = LogVariance.Split(ones, axis: 1);
        return means.Zip(logVariances, (m, v) => (Posterior)new DiagonalGaussian(m, v)).ToArray();
    }

    public override Posterior GatherRows(ReadOnlySpan<int> rows) => new DiagonalGaussian(Mean.GatherRows(rows), LogVariance.GatherRows(rows));
}
