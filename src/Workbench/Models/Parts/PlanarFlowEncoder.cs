using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Parts;

/// <summary>
/// An encoder producing a <see cref="PlanarFlowPosterior"/>: the <see cref="GaussianEncoder"/>'s body and μ, log σ²
/// heads give q_0, and three more linear heads on the same features give every step's u, w (K·latent each) and
/// b (K) per image, the amortised flow parameters of Rezende &amp; Mohamed (2015, §4.1 and §6). Children beside the
/// Gaussian encoder's: "fc_u", "fc_w", "fc_b", drawn in that order after the μ and log σ² heads.
/// </summary>
public class PlanarFlowEncoder : GaussianEncoder
{
    /// <param name="steps">K ≥ 1.</param>
    public PlanarFlowEncoder(Module<Tensor, Tensor> body, int features, int latentSize, int conditionSize, int steps, Rng rng, bool conditionAfterBody = false)
        : base(body, features, latentSize, conditionSize, rng, conditionAfterBody)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "A planar flow needs at least one step.");
        Steps = steps;
        int headInput = MeanHead.InFeatures;
        UHead = RegisterModule("fc_u", new Linear(headInput, steps * latentSize, rng));
        WHead = RegisterModule("fc_w", new Linear(headInput, steps * latentSize, rng));
        BHead = RegisterModule("fc_b", new Linear(headInput, steps, rng));
    }

    /// <summary>K.</summary>
    public int Steps { get; }

    public Linear UHead { get; }
    public Linear WHead { get; }
    public Linear BHead { get; }

    /// <summary>q(z|x[, y]): N(μ, diag σ²) followed by K planar steps, all parameters read from the same features.</summary>
    public override Posterior Forward(EncoderInput input)
    {
        var features = Features(input);                                                 // (B, F[+C])
        var initial = new DiagonalGaussian(MeanHead.Forward(features), LogVarianceHead.Forward(features)); // (B, latent) each
        return new PlanarFlowPosterior(initial, UHead.Forward(features), WHead.Forward(features), BHead.Forward(features)); // (B, K·latent), (B, K·latent), (B, K)
    }
}
