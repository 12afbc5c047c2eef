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
    /// <exception cref="NotSupportedException">When <see cref="HasDensityEverywhere"/> is false.</exception>
    public abstract Tensor LogDensity(Tensor z);

    /// <summary>
    /// A reparameterized sample and its log-density in one pass: what the ELBO's Monte-Carlo KL, the
    /// importance-weighted objective and bound use. The default is <see cref="Sample"/> then
    /// <see cref="LogDensity"/>; a normalizing flow, which has no cheap inverse, overrides it with the
    /// log-density it tracks along the forward pass (log q(z_K) = log q(z_0) − Σ_k log |det ∂z_k/∂z_{k−1}|).
    /// </summary>
    /// <param name="noise">ε ~ N(0, I), (B, latent).</param>
    public virtual PosteriorSample SampleWithLogDensity(Tensor noise)
    {
        var z = Sample(noise);                                                           // (B, latent)
        return new PosteriorSample(z, LogDensity(z));
    }

    /// <summary>
    /// Whether <see cref="LogDensity"/> (and so <see cref="PairwiseLogDensity"/>) can be evaluated at an
    /// arbitrary z. False for a flow: only the density of its own samples is known
    /// (<see cref="SampleWithLogDensity"/>), so a mixture of posteriors (the VampPrior) or the β-TCVAE
    /// aggregate-posterior estimate cannot use it.
    /// </summary>
    public virtual bool HasDensityEverywhere => true;

    /// <summary>
    /// Whether <see cref="Mean"/> and <see cref="StandardDeviation"/> are Monte-Carlo estimates rather than
    /// exact moments (true for a flow); pictures, active units and reports built on them say so.
    /// </summary>
    public virtual bool MomentsAreEstimates => false;

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
