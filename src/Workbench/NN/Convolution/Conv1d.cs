using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// A 1-D convolution layer as PyTorch's <c>nn.Conv1d</c>: (N, in, L) → (N, out, ⌊(L + 2p − d·(k − 1) − 1)/s⌋ + 1).
/// The weight is (out, in, k) and initialised like PyTorch with fan_in = in·k: W ~ U(±1/√fan_in), b ~ U(±1/√fan_in).
/// </summary>
public sealed class Conv1d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer, drawing its initial weights from <paramref name="rng"/> (weight first, then bias).</summary>
    public Conv1d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, int dilation = 1, bool bias = true)
    {
        ConvArguments.Check(nameof(Conv1d), inChannels, outChannels, kernelSize, stride, padding);
        if (dilation < 1) throw new ArgumentOutOfRangeException(nameof(dilation), $"Conv1d: dilation must be ≥ 1, got {dilation}.");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Weight = RegisterParameter("weight", Init.DefaultWeight(rng, outChannels, inChannels, kernelSize)); // (out, in, k)
        if (bias) Bias = RegisterParameter("bias", Init.DefaultBias(rng, outChannels, Weight)); // (out)
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int Dilation { get; }

    /// <summary>(out, in, k).</summary>
    public Tensor Weight { get; }

    /// <summary>(out), or null for a layer without bias.</summary>
    public Tensor? Bias { get; }

    /// <summary>(N, in, L) → (N, out, Lo).</summary>
    public override Tensor Forward(Tensor input) => Tensor.Conv1d(input, Weight, Bias, Stride, Padding, Dilation);

    /// <summary>PyTorch's form: "3, 4, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,)", defaults omitted.</summary>
    protected override string ExtraRepr()
    {
        var text = $"{InChannels}, {OutChannels}, kernel_size=({KernelSize},), stride=({Stride},)";
        if (Padding != 0) text += $", padding=({Padding},)";
        if (Dilation != 1) text += $", dilation=({Dilation},)";
        if (Bias is null) text += ", bias=False";
        return text;
    }
}
