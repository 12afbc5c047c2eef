using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// A 2-D transposed convolution layer as PyTorch's <c>nn.ConvTranspose2d</c> with a square kernel:
/// (N, in, H, W) → (N, out, (H − 1)·s − 2p + k + outputPadding, …); the decoder's upsampling step.
/// The weight is (in, out, k, k) as in PyTorch, and so is PyTorch's initialisation, which takes
/// fan_in = out·k² from that layout: W ~ U(±1/√fan_in), b ~ U(±1/√fan_in).
/// </summary>
public sealed class ConvTranspose2d : Module<Tensor, Tensor>, IReluFusable
{
    /// <summary>Creates the layer, drawing its initial weights from <paramref name="rng"/> (weight first, then bias).</summary>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, int outputPadding = 0, bool bias = true)
    {
        ConvArguments.Check(nameof(ConvTranspose2d), inChannels, outChannels, kernelSize, stride, padding);
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentOutOfRangeException(nameof(outputPadding), $"ConvTranspose2d: outputPadding must be in [0, stride) = [0, {stride}), got {outputPadding}.");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        OutputPadding = outputPadding;
        Weight = RegisterParameter("weight", Init.DefaultWeight(rng, inChannels, outChannels, kernelSize, kernelSize)); // (in, out, k, k)
        if (bias) Bias = RegisterParameter("bias", Init.DefaultBias(rng, outChannels, Weight)); // (out)
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int OutputPadding { get; }

    /// <summary>(in, out, k, k).</summary>
    public Tensor Weight { get; }

    /// <summary>(out), or null for a layer without bias.</summary>
    public Tensor? Bias { get; }

    /// <summary>(N, in, H, W) → (N, out, Ho, Wo).</summary>
    public override Tensor Forward(Tensor input) => Tensor.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding);

    Tensor IReluFusable.ForwardRelu(Tensor input) => Tensor.ConvTranspose2dRelu(input, Weight, Bias, Stride, Padding, OutputPadding);

    protected override string ExtraRepr() =>
        ConvArguments.Repr(InChannels, OutChannels, KernelSize, Stride, Padding, OutputPadding, Bias is not null);
}
