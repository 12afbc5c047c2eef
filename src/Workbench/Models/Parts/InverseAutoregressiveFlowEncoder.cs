using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Parts;

/// <summary>
/// An encoder producing an <see cref="InverseAutoregressiveFlowPosterior"/> (Kingma et al. 2016): the
/// <see cref="GaussianEncoder"/>'s body and μ, log σ² heads give q_0, a linear head gives the context h, and K
/// <see cref="Made"/> networks (alternately in the forward and the reversed order) make the steps. Children beside
/// the Gaussian encoder's: "fc_h", then "iaf.0", "iaf.1", ….
/// </summary>
public class InverseAutoregressiveFlowEncoder : GaussianEncoder
{
    private readonly Made[] _networks;

    /// <param name="steps">K ≥ 1.</param>
    /// <param name="hiddenSize">Width of the context h and of each MADE's two hidden layers.</param>
    public InverseAutoregressiveFlowEncoder(Module<Tensor, Tensor> body, int features, int latentSize, int conditionSize, int steps, int hiddenSize, Rng rng, bool conditionAfterBody = false)
        : base(body, features, latentSize, conditionSize, rng, conditionAfterBody)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "An inverse autoregressive flow needs at least one step.");
        if (hiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, "The MADE hidden size must be positive.");
        ContextHead = RegisterModule("fc_h", new Linear(MeanHead.InFeatures, hiddenSize, rng));
        var flow = RegisterModule("iaf", new FlowSteps());
        _networks = new Made[steps];
        for (int k = 0; k < steps; k++)
            _networks[k] = flow.RegisterModule(k.ToString(System.Globalization.CultureInfo.InvariantCulture), new Made(latentSize, hiddenSize, hiddenSize, reversed: k % 2 == 1, rng));
    }

    /// <summary>The context head, features → h.</summary>
    public Linear ContextHead { get; }

    /// <summary>The MADE of each step.</summary>
    public IReadOnlyList<Made> Networks => _networks;

    /// <summary>q(z|x[, y]): N(μ, diag σ²) followed by K IAF steps conditioned on h.</summary>
    public override Posterior Forward(EncoderInput input)
    {
        var features = Features(input);                                                 // (B, F[+C])
        var initial = new DiagonalGaussian(MeanHead.Forward(features), LogVarianceHead.Forward(features)); // (B, latent) each
        return new InverseAutoregressiveFlowPosterior(initial, ContextHead.Forward(features), _networks); // h (B, hidden)
    }

    /// <summary>The container the steps are registered in ("iaf.k…").</summary>
    private sealed class FlowSteps : Module;
}
