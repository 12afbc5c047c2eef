using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// A 2-D convolution layer as PyTorch's <c>nn.Conv2d</c> with a square kernel:
/// (N, in, H, W) → (N, out, ⌊(H + 2p − k)/s⌋ + 1, …). Initialised like PyTorch with
/// fan_in = in·k²: W ~ U(±1/√fan_in), b ~ U(±1/√fan_in).
/// </summary>
public sealed class Conv2d : Module<Tensor, Tensor>, IReluFusable
{
    /// <summary>Creates the layer, drawing its initial weights from <paramref name="rng"/> (weight first, then bias).</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, bool bias = true)
    {
        ConvArguments.Check(nameof(Conv2d), inChannels, outChannels, kernelSize, stride, padding);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Weight = RegisterParameter("weight", Init.DefaultWeight(rng, outChannels, inChannels, kernelSize, kernelSize)); // (out, in, k, k)
        if (bias) Bias = RegisterParameter("bias", Init.DefaultBias(rng, outChannels, Weight)); // (out)
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }

    /// <summary>(out, in, k, k).</summary>
    public Tensor Weight { get; }

    /// <summary>(out), or null for a layer without bias.</summary>
    public Tensor? Bias { get; }

    /// <summary>(N, in, H, W) → (N, out, Ho, Wo).</summary>
    public override Tensor Forward(Tensor input) => Tensor.Conv2d(input, Weight, Bias, Stride, Padding);

    Tensor IReluFusable.ForwardRelu(Tensor input) => Tensor.Conv2dRelu(input, Weight, Bias, Stride, Padding);

    protected override string ExtraRepr() =>
        ConvArguments.Repr(InChannels, OutChannels, KernelSize, Stride, Padding, outputPadding: 0, Bias is not null);
}

/// <summary>Argument checks and the printed form shared by the convolution layers.</summary>
internal static class ConvArguments
{
    public static void Check(string layer, int inChannels, int outChannels, int kernelSize, int stride, int padding)
    {
        if (inChannels < 1 || outChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"{layer} needs positive channel counts, got in={inChannels}, out={outChannels}.");
        if (kernelSize < 1) throw new ArgumentOutOfRangeException(nameof(kernelSize), $"{layer}: kernelSize must be ≥ 1, got {kernelSize}.");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), $"{layer}: stride must be ≥ 1, got {stride}.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"{layer}: padding must be ≥ 0, got {padding}.");
    }

    /// <summary>PyTorch's form: "1, 32, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1)", defaults omitted.</summary>
    public static string Repr(int inChannels, int outChannels, int kernelSize, int stride, int padding, int outputPadding, bool bias)
    {
        var text = $"{inChannels}, {outChannels}, kernel_size=({kernelSize}, {kernelSize}), stride=({stride}, {stride})";
        if (padding != 0) text += $", padding=({padding}, {padding})";
        if (outputPadding != 0) text += $", output_padding=({outputPadding}, {outputPadding})";
        if (!bias) text += ", bias=False";
        return text;
    }
}
