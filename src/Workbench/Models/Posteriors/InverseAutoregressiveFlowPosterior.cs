using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Posteriors;

/// <summary>
/// Inverse autoregressive flow (Kingma et al. 2016, Algorithm 2): K steps, each a MADE network reading the
/// current z and the encoder's context h, giving a shift m and a gate pre-activation s, and the numerically
/// stable LSTM-type update σ = sigmoid(s + <see cref="ForgetBias"/>), z ← σ ⊙ z + (1 − σ) ⊙ m. Since m and s at
/// dimension d depend only on the dimensions before d, the Jacobian is triangular with diagonal σ, and
/// log |det| = Σ_d log σ_d. Alternating steps use the reversed ordering, which is the paper's reversal of z
/// between steps without moving the data. The networks are shared across images; the amortisation is
/// through μ, σ and h, all from the encoder.
/// </summary>
public sealed class InverseAutoregressiveFlowPosterior : FlowPosterior
{
    /// <summary>
    /// Added to s before the sigmoid so that σ starts near sigmoid(1) ≈ 0.73 and each step starts close to
    /// the identity (the paper's "sufficiently positive bias", §5).
    /// </summary>
    public const float ForgetBias = 1f;

    private readonly IReadOnlyList<Made> _networks;

    /// <param name="initial">q_0 = N(μ, diag σ²), (B, latent).</param>
    /// <param name="context">h, (B, C).</param>
    /// <param name="networks">One MADE per step, in order.</param>
    public InverseAutoregressiveFlowPosterior(DiagonalGaussian initial, Tensor context, IReadOnlyList<Made> networks) : base(initial, networks.Count)
    {
        if (context.Rank != 2 || context.Dim(0) != initial.Count)
            throw new ArgumentException($"The context h must have one row per posterior, ({initial.Count}, C); got {Tensor.ShapeText(context.Dims)}.");
        if (networks.Any(n => n.LatentSize != initial.LatentSize))
            throw new ArgumentException($"Every MADE must act on {initial.LatentSize} latent dimensions.");
        Context = context;
        _networks = networks;
    }

    /// <summary>The MADE of each step, shared by every row.</summary>
    public IReadOnlyList<Made> Networks => _networks;

    /// <summary>h, the encoder's context. (B, C)</summary>
    public Tensor Context { get; }

    public override string FamilyName => "inverse autoregressive flow";

    protected override (Tensor Z, Tensor LogDeterminant) Step(int step, Tensor z)
    {
        var (shift, gate) = _networks[step].Forward(z, Context);                         // (B, latent) each
        var sigma = (gate + ForgetBias).Sigmoid();                                      // (B, latent)
        var next = sigma * z + (1f - sigma) * shift;                                    // (B, latent)
        var logSigma = -(-(gate + ForgetBias)).Softplus();                              // log sigmoid, stable, (B, latent)
        return (next, logSigma.Sum(1));                                                 // Σ_d log σ_d, (B)
    }

    public override Posterior GatherRows(ReadOnlySpan<int> rows) =>
        new InverseAutoregressiveFlowPosterior((DiagonalGaussian)Initial.GatherRows(rows), Context.GatherRows(rows), _networks);
}
