using Workbench.Tensors;

namespace Workbench.NN;

// Pooling layers: parameter-free modules over the functional ops of Tensor.Pool.cs, printed as PyTorch prints them.

/// <summary>
/// Max pooling as PyTorch's <c>nn.MaxPool2d</c> (dilation 1, floor mode): (N, C, H, W) → (N, C, ⌊(H + 2p − k)/s⌋ + 1, …),
/// the padding counting as −∞; the gradient goes to each window's first maximum.
/// </summary>
public sealed class MaxPool2d : Module<Tensor, Tensor>
{
    /// <param name="stride">Defaults to <paramref name="kernelSize"/>, as in PyTorch.</param>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0)
    {
        (KernelSize, Stride, Padding) = PoolArguments.Check(nameof(MaxPool2d), kernelSize, stride, padding);
    }

    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }

    public override Tensor Forward(Tensor input) => Tensor.MaxPool2d(input, KernelSize, Stride, Padding);

    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation=1, ceil_mode=False";
}

/// <summary>
/// Average pooling as PyTorch's <c>nn.AvgPool2d</c> (floor mode): each output is its window's mean, the padding
/// counted as zeros in the divisor when <see cref="CountIncludePad"/> (the default) and left out otherwise.
/// </summary>
public sealed class AvgPool2d : Module<Tensor, Tensor>
{
    /// <param name="stride">Defaults to <paramref name="kernelSize"/>, as in PyTorch.</param>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool countIncludePad = true)
    {
        (KernelSize, Stride, Padding) = PoolArguments.Check(nameof(AvgPool2d), kernelSize, stride, padding);
        CountIncludePad = countIncludePad;
    }

    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public bool CountIncludePad { get; }

    public override Tensor Forward(Tensor input) => Tensor.AvgPool2d(input, KernelSize, Stride, Padding, CountIncludePad);

    // PyTorch prints neither count_include_pad nor ceil_mode for this layer.
    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

/// <summary>
/// Adaptive average pooling as PyTorch's <c>nn.AdaptiveAvgPool2d</c>: (N, C, H, W) → (N, C, outHeight, outWidth)
/// whatever H and W are; <c>new AdaptiveAvgPool2d(1)</c> is global average pooling.
/// </summary>
public sealed class AdaptiveAvgPool2d : Module<Tensor, Tensor>
{
    private readonly bool _square;

    /// <summary>A square output grid of <paramref name="outputSize"/> × <paramref name="outputSize"/>.</summary>
    public AdaptiveAvgPool2d(int outputSize) : this(outputSize, outputSize) => _square = true;

    public AdaptiveAvgPool2d(int outHeight, int outWidth)
    {
        if (outHeight < 1 || outWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(outHeight), $"AdaptiveAvgPool2d: output size must be positive, got {outHeight}×{outWidth}.");
        (OutHeight, OutWidth) = (outHeight, outWidth);
    }

    public int OutHeight { get; }
    public int OutWidth { get; }

    public override Tensor Forward(Tensor input) => Tensor.AdaptiveAvgPool2d(input, OutHeight, OutWidth);

    protected override string ExtraRepr() => _square ? $"output_size={OutHeight}" : $"output_size=({OutHeight}, {OutWidth})";
}

/// <summary>Argument checks shared by the pooling layers, made when the layer is built rather than at its first batch.</summary>
internal static class PoolArguments
{
    public static (int Kernel, int Stride, int Padding) Check(string layer, int kernelSize, int? stride, int padding)
    {
        if (kernelSize < 1) throw new ArgumentOutOfRangeException(nameof(kernelSize), $"{layer}: kernelSize must be ≥ 1, got {kernelSize}.");
        int s = stride ?? kernelSize;
        if (s < 1) throw new ArgumentOutOfRangeException(nameof(stride), $"{layer}: stride must be ≥ 1, got {s}.");
        if (padding < 0 || padding > kernelSize / 2)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{layer}: padding must be in [0, kernelSize/2] = [0, {kernelSize / 2}], got {padding}.");
        return (kernelSize, s, padding);
    }
}
