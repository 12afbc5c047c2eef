using Workbench.Models.Posteriors;
using Workbench.Models.Priors;
using Workbench.Tensors;

namespace Workbench.Tests.Models.OpenApi;

/// <summary>
/// A learnable mixture of K diagonal Gaussians, p(z) = Σ_k π_k N(z; m_k, diag s_k²), written the way
/// a user writes one: only the library's public API (the notebook 06 cell holds the same class).
/// </summary>
internal sealed class GaussianMixturePrior : Prior
{
    public GaussianMixturePrior(int components, int latentSize, Rng rng)
    {
        Means = RegisterParameter("means", Tensor.Randn(rng, components, latentSize));   // (K, latent)
        LogVariances = RegisterParameter("log_variances", Tensor.Zeros(components, latentSize));
        Logits = RegisterParameter("logits", Tensor.Zeros(1, components));               // (1, K): π = softmax
    }

    public Tensor Means { get; }
    public Tensor LogVariances { get; }
    public Tensor Logits { get; }

    public override Tensor LogDensity(Tensor z)
    {
        var logWeights = Logits - Logits.LogSumExp(1, keepDim: true);                    // log π, (1, K)
        var components = new DiagonalGaussian(Means, LogVariances).PairwiseLogDensity(z); // (N, K)
        return (components + logWeights).LogSumExp(1);                                   // (N)
    }

    public override Tensor Sample(int count, Rng rng)
    {
        using var _ = GradMode.NoGrad();
        var logits = Logits.ToArray();
        double max = logits.Max();
        var weights = logits.Select(l => Math.Exp(l - max)).ToArray();
        double total = weights.Sum();
        var chosen = new int[count];
        for (int i = 0; i < count; i++)
        {
            double u = rng.NextDouble() * total;
            int k = 0;
            while (k < weights.Length - 1 && (u -= weights[k]) > 0) k++;
            chosen[i] = k;
        }
        var noise = Tensor.Randn(rng, count, Means.Dim(1));
        return new DiagonalGaussian(Means, LogVariances).GatherRows(chosen).Sample(noise);
    }
}

/// <summary>N(0, I) that does not reveal its closed-form KL: the model must estimate the KL by Monte Carlo.</summary>
internal sealed class OpaqueStandardNormalPrior(int latentSize) : Prior
{
    private readonly StandardNormalPrior _inner = new(latentSize);

    public override Tensor LogDensity(Tensor z) => _inner.LogDensity(z);

    public override Tensor Sample(int count, Rng rng) => _inner.Sample(count, rng);
}
