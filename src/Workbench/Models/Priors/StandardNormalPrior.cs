using Workbench.Models.Posteriors;
using Workbench.Tensors;

namespace Workbench.Models.Priors;

/// <summary>p(z) = N(0, I), the prior of the VAE (Kingma &amp; Welling 2014). Its KL against a diagonal Gaussian posterior is analytic.</summary>
public sealed class StandardNormalPrior(int latentSize) : Prior
{
    private static readonly float HalfLogTwoPi = 0.5f * MathF.Log(2 * MathF.PI);

    /// <summary>Latent dimensions.</summary>
    public int LatentSize { get; } = latentSize > 0 ? latentSize : throw new ArgumentOutOfRangeException(nameof(latentSize), latentSize, "must be positive");

    /// <summary>−½ Σ_d (z_d² + log 2π).</summary>
    public override Tensor LogDensity(Tensor z) => z.Square().Sum(1) * -0.5f - HalfLogTwoPi * LatentSize;

    public override Tensor Sample(int count, Rng rng) => Tensor.Randn(rng, count, LatentSize);

    /// <summary>½ (μ² + σ² − 1 − log σ²) per dimension for a <see cref="DiagonalGaussian"/> posterior (Kingma &amp; Welling 2014, appendix B).</summary>
    public override Tensor? AnalyticKl(Posterior posterior) =>
        posterior is DiagonalGaussian q ? Losses.GaussianKlToStandardNormal(q.Mean, q.LogVariance, Reduction.None) : null;

    protected override string ExtraRepr() => $"latent={LatentSize}";
}
