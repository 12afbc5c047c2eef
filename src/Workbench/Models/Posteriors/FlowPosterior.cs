using Workbench.Tensors;

namespace Workbench.Models.Posteriors;

/// <summary>
/// A normalizing-flow posterior (Rezende &amp; Mohamed 2015): z_0 ~ q_0 = N(μ, diag σ²) from the encoder,
/// pushed through K invertible steps z_k = f_k(z_{k−1}) whose parameters the encoder also produced, so
/// log q(z_K|x) = log q_0(z_0) − Σ_k log |det ∂f_k/∂z_{k−1}|. The density is known along the forward pass
/// only (the steps have no cheap inverse): <see cref="SampleWithLogDensity"/> gives it, while
/// <see cref="LogDensity"/> at an arbitrary z is not supported, and the mean and standard deviation are
/// Monte-Carlo estimates from <see cref="MomentSamples"/> draws per row.
/// </summary>
/// <remarks>A new flow subclasses this and writes <see cref="Step"/> and <see cref="Posterior.GatherRows"/>.</remarks>
public abstract class FlowPosterior : Posterior
{
    /// <summary>Draws per row behind <see cref="Mean"/> and <see cref="StandardDeviation"/>.</summary>
    public const int MomentSamples = 64;

    /// <summary>Seed of the noise behind the moment estimates: the same ε for every row, so a row's estimate does not depend on its batch.</summary>
    public const ulong MomentSeed = 0x5EED_F10Cu;

    private (Tensor Mean, Tensor StandardDeviation)? _moments;

    /// <param name="initial">q_0 = N(μ, diag σ²), (B, latent).</param>
    /// <param name="steps">K ≥ 0, the number of flow steps.</param>
    protected FlowPosterior(DiagonalGaussian initial, int steps)
    {
        ArgumentNullException.ThrowIfNull(initial);
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "A flow has zero or more steps.");
        Initial = initial;
        Steps = steps;
    }

    /// <summary>q_0, the diagonal Gaussian the flow starts from.</summary>
    public DiagonalGaussian Initial { get; }

    /// <summary>K.</summary>
    public int Steps { get; }

    /// <summary>The family's name in messages ("planar flow").</summary>
    public abstract string FamilyName { get; }

    public override int Count => Initial.Count;

    public override int LatentSize => Initial.LatentSize;

    public override bool HasDensityEverywhere => false;

    public override bool MomentsAreEstimates => true;

    /// <summary>E[z_K] estimated from <see cref="MomentSamples"/> draws per row. (B, latent)</summary>
    public override Tensor Mean => Moments().Mean;

    /// <summary>The standard deviation of each coordinate of z_K, estimated from <see cref="MomentSamples"/> draws per row. (B, latent)</summary>
    public override Tensor StandardDeviation => Moments().StandardDeviation;

    /// <summary>Step k applied to z (B, latent): the next z and log |det ∂f_k/∂z| per row, (B).</summary>
    protected abstract (Tensor Z, Tensor LogDeterminant) Step(int step, Tensor z);

    /// <summary>z_0 = μ + σ ⊙ ε through the K steps, with log q(z_K|x) tracked along the way.</summary>
    public override PosteriorSample SampleWithLogDensity(Tensor noise)
    {
        var z = Initial.Sample(noise);                                                  // z_0, (B, latent)
        var logDensity = Initial.LogDensity(z);                                         // log q_0(z_0), (B)
        for (int k = 0; k < Steps; k++)
        {
            var (next, logDeterminant) = Step(k, z);
            z = next;
            logDensity = logDensity - logDeterminant;
        }
        return new PosteriorSample(z, logDensity);
    }

    public override Tensor Sample(Tensor noise) => SampleWithLogDensity(noise).Z;

    /// <summary>Not supported: a flow knows the density of its own samples only (use <see cref="SampleWithLogDensity"/>).</summary>
    public override Tensor LogDensity(Tensor z) =>
        throw new NotSupportedException(
            $"The {FamilyName} posterior has no log-density at an arbitrary z (its steps have no cheap inverse), which was asked for here " +
            "(a VampPrior's pseudo-input mixture, β-TCVAE's pairwise densities, or LogDensity called directly); " +
            "it gives the density of its own samples through SampleWithLogDensity. Use the diagonal posterior for this combination.");

    private (Tensor Mean, Tensor StandardDeviation) Moments()
    {
        if (_moments is { } known) return known;
        int count = Count, latent = LatentSize, samples = MomentSamples;
        var rows = new int[count * samples];
        var noiseRows = new int[count * samples];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = i / samples;                                                      // image-major
            noiseRows[i] = i % samples;                                                 // the same ε for every row
        }
        var noise = Tensor.Randn(new Rng(MomentSeed), samples, latent).GatherRows(noiseRows); // (B·S, latent)
        var z = GatherRows(rows).Sample(noise).Reshape(count, samples, latent);          // (B, S, latent)
        _moments = (z.Mean(1), z.Var(1).Sqrt());
        return _moments.Value;
    }
}
