using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Parts;

/// <summary>
/// An encoder with a diagonal Gaussian posterior: a body network (B, D[+C]) → (B, F) followed by two
/// linear heads for μ and log σ², (B, F[+C]) → (B, latent) each. The body is any tensor module; a
/// <see cref="Sequential"/> body's layers are registered directly under this module ("0", "1", …) beside
/// "fc_mu" and "fc_logvar", as a PyTorch module with those attributes would name them, any other body
/// under "body" ("body.…").
/// </summary>
/// <remarks>Subclass and override <see cref="Features"/> to change what the heads see, or <see cref="Forward"/>.</remarks>
public class GaussianEncoder : Module<EncoderInput, Posterior>
{
    private readonly bool _conditionAfterBody;

    /// <param name="body">The feature network, (B, D[+C]) → (B, F).</param>
    /// <param name="features">F, the body's output width.</param>
    /// <param name="latentSize">Latent dimensions.</param>
    /// <param name="conditionSize">Length of the condition vector (0 when unconditional).</param>
    /// <param name="conditionAfterBody">Join the condition to the body's features instead of to the
    /// image (for convolutional bodies, which take images only).</param>
    public GaussianEncoder(Module<Tensor, Tensor> body, int features, int latentSize, int conditionSize, Rng rng, bool conditionAfterBody = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        Body = body;
        _conditionAfterBody = conditionAfterBody;
        ModuleParts.RegisterBody(this, body, "body");
        int headInput = features + (conditionAfterBody ? conditionSize : 0);
        MeanHead = RegisterModule("fc_mu", new Linear(headInput, latentSize, rng));
        LogVarianceHead = RegisterModule("fc_logvar", new Linear(headInput, latentSize, rng));
    }

    /// <summary>The feature network.</summary>
    public Module<Tensor, Tensor> Body { get; }

    /// <summary>Whether the condition joins the body's features (true) or the image (false); see <see cref="Features"/>.</summary>
    public bool ConditionAfterBody => _conditionAfterBody;

    /// <summary>The μ head.</summary>
    public Linear MeanHead { get; }

    /// <summary>The log σ² head.</summary>
    public Linear LogVarianceHead { get; }

    /// <summary>q(z|x[, y]) = N(μ, diag σ²), μ and log σ² the heads applied to <see cref="Features"/>.</summary>
    public override Posterior Forward(EncoderInput input)
    {
        var features = Features(input);                                                             // (B, F[+C])
        return new DiagonalGaussian(MeanHead.Forward(features), LogVarianceHead.Forward(features)); // (B, latent) each
    }

    /// <summary>What the heads read: the body's features, with the condition joined before or after the body. (B, F[+C])</summary>
    protected virtual Tensor Features(EncoderInput input)
    {
        var (images, condition) = (input.Images, input.Condition);
        var x = !_conditionAfterBody && condition is not null ? Tensor.Concat([images, condition], 1) : images;
        var features = Body.Forward(x);                                                             // (B, F)
        return _conditionAfterBody && condition is not null ? Tensor.Concat([features, condition], 1) : features;
    }
}
