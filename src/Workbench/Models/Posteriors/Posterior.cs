using Workbench.Tensors;

namespace Workbench.Models.Posteriors;

/// <summary>
/// The approximate posterior q(z|x) of a batch: one distribution over the latent space per image,
/// produced by an encoder. Implementations give reparameterized samples and log-densities, so the
/// ELBO, its Monte-Carlo KL and the importance-weighted bound are written once for every family.
/// </summary>
public abstract class Posterior
{
    /// <summary>Number of distributions (rows).</summary>
    public abstract int Count { get; }

    /// <summary>Latent dimensions.</summary>
    public abstract int LatentSize { get; }

    /// <summary>E[z] of each row: what reconstructions, traversals and active units use. (B, latent)</summary>
    public abstract Tensor Mean { get; }

    /// <summary>The standard deviation of each coordinate. (B, latent)</summary>
    public abstract Tensor StandardDeviation { get; }

    /// <summary>A reparameterized sample z = g(ε) with ε ~ N(0, I) of shape (B, latent): differentiable in the posterior's parameters.</summary>
    public abstract Tensor Sample(Tensor noise);

    /// <summary>log q(z_b | x_b) of row b at z_b. (B, latent) → (B), nats.</summary>
    public abstract Tensor LogDensity(Tensor z);

    /// <summary>
    /// log q_k(z_i) for every z row i and every distribution k: (N, latent) → (N, B), nats. Mixtures
    /// of posteriors (the VampPrior) are built on it. The default evaluates <see cref="LogDensity"/>
    /// on repeated rows; families with a cheaper form override it.
    /// </summary>
    public virtual Tensor PairwiseLogDensity(Tensor z)
    {
        int n = z.Dim(0), k = Count;
        var zRows = new int[n * k];
        var distributionRows = new int[n * k];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++)
            {
                zRows[i * k + j] = i;
                distributionRows[i * k + j] = j;
            }
        return GatherRows(distributionRows).LogDensity(z.GatherRows(zRows)).Reshape(n, k);
    }

    /// <summary>
    /// log q_k(z_i,d) of every z row i under the one-dimensional marginal d of every distribution k:
    /// (N, latent) → (N, B, latent), nats, for families that factorise over dimensions (summing over d
    /// gives <see cref="PairwiseLogDensity"/>). Objectives that estimate the marginals of the aggregate
    /// posterior (β-TCVAE) need it; null for families that do not factorise.
    /// </summary>
    public virtual Tensor? PairwiseLogDensityPerDimension(Tensor z) => null;

    /// <summary>The distributions of the given rows, in that order (rows may repeat): for k samples per image.</summary>
    public abstract Posterior GatherRows(ReadOnlySpan<int> rows);
}
