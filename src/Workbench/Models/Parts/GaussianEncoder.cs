using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Parts;

/// <summary>
/// An encoder with a diagonal Gaussian posterior: a body network (B, D[+C]) → (B, F) followed by two
/// linear heads for μ and log σ², (B, F[+C]) → (B, latent) each. The body's layers are registered
/// directly under this module ("0", "1", …) beside "fc_mu" and "fc_logvar", as a PyTorch module
/// with those attributes would name them.
/// </summary>
public sealed class GaussianEncoder : Module<EncoderInput, Posterior>
{
    private readonly Sequential _body;
    private readonly bool _conditionAfterBody;

    /// <param name="body">The feature network; its layers become this module's children.</param>
    /// <param name="features">F, the body's output width.</param>
    /// <param name="latentSize">Latent dimensions.</param>
    /// <param name="conditionSize">Length of the condition vector (0 when unconditional).</param>
    /// <param name="conditionAfterBody">Join the condition to the body's features instead of to the
    /// image (for convolutional bodies, which take images only).</param>
    public GaussianEncoder(Sequential body, int features, int latentSize, int conditionSize, Rng rng, bool conditionAfterBody = false)
    {
        _body = body;
        _conditionAfterBody = conditionAfterBody;
        foreach (var (name, layer) in body.NamedChildren) RegisterModule(name, layer);
        int headInput = features + (conditionAfterBody ? conditionSize : 0);
        MeanHead = RegisterModule("fc_mu", new Linear(headInput, latentSize, rng));
        LogVarianceHead = RegisterModule("fc_logvar", new Linear(headInput, latentSize, rng));
    }

    /// <summary>The μ head.</summary>
    public Linear MeanHead { get; }

    /// <summary>The log σ² head.</summary>
    public Linear LogVarianceHead { get; }

    /// <summary>q(z|x[, y]) = N(μ, diag σ²).</summary>
    public override Posterior Forward(EncoderInput input)
    {
        var (images, condition) = (input.Images, input.Condition);
        var x = !_conditionAfterBody && condition is not null ? Tensor.Concat([images, condition], 1) : images;
        var features = _body.Forward(x);                                                            // (B, F)
        if (_conditionAfterBody && condition is not null) features = Tensor.Concat([features, condition], 1);
        return new DiagonalGaussian(MeanHead.Forward(features), LogVarianceHead.Forward(features)); // (B, latent) each
    }
}
