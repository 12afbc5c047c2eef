using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// A linear layer whose weight is multiplied by a fixed 0/1 mask: y = x·(W ⊙ M)ᵀ + b, x (B, in) → (B, out).
/// MADE's building block (Germain et al. 2015): the mask cuts the connections that would let output j see
/// inputs it must not depend on. PyTorch has no such layer; the usual one (karpathy/pytorch-made
/// <c>MaskedLinear</c>) is <c>F.linear(x, mask * weight, bias)</c> with the mask a buffer, and so is this.
/// Initialised as <see cref="Linear"/> (the masked-out weights are drawn but never used).
/// </summary>
public sealed class MaskedLinear : Module<Tensor, Tensor>
{
    /// <param name="mask">M, (out, in), entries 0 or 1.</param>
    public MaskedLinear(int inFeatures, int outFeatures, Tensor mask, Rng rng, bool bias = true)
    {
        if (inFeatures < 1 || outFeatures < 1)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"MaskedLinear needs positive feature counts, got in={inFeatures}, out={outFeatures}.");
        if (mask.Rank != 2 || mask.Dim(0) != outFeatures || mask.Dim(1) != inFeatures)
            throw new ArgumentException($"The mask must have shape ({outFeatures}, {inFeatures}) (out, in); got {Tensor.ShapeText(mask.Dims)}.");
        if (mask.ToArray().Any(m => m != 0f && m != 1f)) throw new ArgumentException("The mask's entries must be 0 or 1.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Init.DefaultWeight(rng, outFeatures, inFeatures)); // (out, in)
        if (bias) Bias = RegisterParameter("bias", Init.DefaultBias(rng, outFeatures, Weight)); // (out)
        Mask = RegisterBuffer("mask", mask.Detach());
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }

    /// <summary>(out, in), before masking.</summary>
    public Tensor Weight { get; }

    /// <summary>(out), or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>M, (out, in): 1 where output j may read input i.</summary>
    public Tensor Mask { get; }

    /// <summary>(B, in) → (B, out). The weight's gradient is zero where the mask is.</summary>
    public override Tensor Forward(Tensor input) => Tensor.Linear(input, Weight * Mask, Bias);

    protected override string ExtraRepr() =>
        $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is null ? "False" : "True")}";
}
