using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// A fully connected layer as PyTorch's <c>nn.Linear</c>: y = x·Wᵀ + b, x (B, in) → (B, out).
/// Initialised like PyTorch: W ~ U(±1/√in), b ~ U(±1/√in).
/// </summary>
public sealed class Linear : Module<Tensor, Tensor>, IReluFusable
{
    /// <summary>Creates the layer, drawing its initial weights from <paramref name="rng"/> (weight first, then bias).</summary>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true)
    {
        if (inFeatures < 1 || outFeatures < 1)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear needs positive feature counts, got in={inFeatures}, out={outFeatures}.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Init.DefaultWeight(rng, outFeatures, inFeatures)); // (out, in)
        if (bias) Bias = RegisterParameter("bias", Init.DefaultBias(rng, outFeatures, Weight)); // (out)
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }

    /// <summary>(out, in).</summary>
    public Tensor Weight { get; }

    /// <summary>(out), or null for a layer without bias.</summary>
    public Tensor? Bias { get; }

    /// <summary>(B, in) → (B, out).</summary>
    public override Tensor Forward(Tensor input) => Tensor.Linear(input, Weight, Bias);

    Tensor IReluFusable.ForwardRelu(Tensor input) => Tensor.LinearRelu(input, Weight, Bias);

    protected override string ExtraRepr() =>
        $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is null ? "False" : "True")}";
}
