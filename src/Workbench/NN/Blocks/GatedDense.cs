using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// The gated dense layer of the VampPrior paper (Tomczak &amp; Welling, "VAE with a VampPrior", AISTATS 2018,
/// code <c>GatedDense</c> in jmtomczak/vae_vampprior): y = a(x·Hᵀ + b_h) ⊙ σ(x·Gᵀ + b_g), a gated linear unit
/// with an optional activation a on the value part. (B, in) → (B, out). Children are named as in that code
/// ("activation" when given, "sigmoid", "h", "g"), so parameters read "h.weight", "h.bias", "g.weight", "g.bias".
/// </summary>
public sealed class GatedDense : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; <paramref name="rng"/> initialises h and then g as PyTorch's <c>nn.Linear</c>.</summary>
    public GatedDense(int inFeatures, int outFeatures, Rng rng, Module<Tensor, Tensor>? activation = null)
    {
        if (activation is not null) Activation = RegisterModule("activation", activation);
        RegisterModule("sigmoid", new Sigmoid());
        Hidden = RegisterModule("h", new Linear(inFeatures, outFeatures, rng));
        Gate = RegisterModule("g", new Linear(inFeatures, outFeatures, rng));
    }

    /// <summary>The activation of the value part, or null for none.</summary>
    public Module<Tensor, Tensor>? Activation { get; }

    /// <summary>The value part's linear map, registered as "h".</summary>
    public Linear Hidden { get; }

    /// <summary>The gate's linear map, registered as "g".</summary>
    public Linear Gate { get; }

    /// <summary>(B, in) → (B, out).</summary>
    public override Tensor Forward(Tensor input)
    {
        var value = Hidden.Forward(input);              // (B, out)
        if (Activation is not null) value = Activation.Forward(value);
        return value * Gate.Forward(input).Sigmoid();   // (B, out)
    }
}
