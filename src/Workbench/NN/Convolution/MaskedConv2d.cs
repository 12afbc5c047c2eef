using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>Which centre taps a <see cref="MaskedConv2d"/> keeps (van den Oord et al. 2016, PixelCNN).</summary>
public enum ConvMask
{
    /// <summary>The first layer: the centre tap is masked too, so position i never sees its own value.</summary>
    A,

    /// <summary>The layers after the first: the centre tap is kept (it already holds only what came before i).</summary>
    B,
}

/// <summary>
/// A 2-D convolution whose kernel only sees positions before the centre in raster order (PixelCNN, van den Oord
/// et al. 2016): the rows above and, in the centre row, the columns to the left (and the centre itself for mask
/// <see cref="ConvMask.B"/>). Stride 1 and "same" padding k/2, so (N, in, H, W) → (N, out, H, W). PyTorch has no such
/// layer; its usual form, and the fixture's, is <c>F.conv2d(x, conv.weight * mask, conv.bias, padding=k // 2)</c>.
/// Initialised as <see cref="Conv2d"/> (the masked taps are drawn too, then multiplied by zero in every forward).
/// </summary>
public sealed class MaskedConv2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer, drawing its initial weights from <paramref name="rng"/> (weight first, then bias).</summary>
    public MaskedConv2d(int inChannels, int outChannels, int kernelSize, ConvMask mask, Rng rng, bool bias = true)
    {
        ConvArguments.Check(nameof(MaskedConv2d), inChannels, outChannels, kernelSize, stride: 1, padding: 0);
        if (kernelSize % 2 == 0) throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "A masked convolution needs an odd kernel (a centre tap).");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        MaskType = mask;
        Weight = RegisterParameter("weight", Init.DefaultWeight(rng, outChannels, inChannels, kernelSize, kernelSize)); // (out, in, k, k)
        if (bias) Bias = RegisterParameter("bias", Init.DefaultBias(rng, outChannels, Weight));                          // (out)
        Mask = Tensor.FromArray(MaskValues(kernelSize, mask), 1, 1, kernelSize, kernelSize);                              // (1, 1, k, k), broadcast
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public ConvMask MaskType { get; }

    /// <summary>(out, in, k, k), masked taps included (they get zero gradient).</summary>
    public Tensor Weight { get; }

    /// <summary>(out), or null for a layer without bias.</summary>
    public Tensor? Bias { get; }

    /// <summary>1 where the kernel may look, 0 elsewhere. (1, 1, k, k)</summary>
    public Tensor Mask { get; }

    /// <summary>(N, in, H, W) → (N, out, H, W): conv2d(x, W ⊙ mask, b), stride 1, padding k/2.</summary>
    public override Tensor Forward(Tensor input) => Tensor.Conv2d(input, Weight * Mask, Bias, stride: 1, padding: KernelSize / 2);

    /// <summary>The k×k mask, row-major: 1 above the centre row, and left of (mask A) or up to (mask B) the centre in its row.</summary>
    public static float[] MaskValues(int kernelSize, ConvMask mask)
    {
        var values = new float[kernelSize * kernelSize];
        int centre = kernelSize / 2;
        for (int row = 0; row < kernelSize; row++)
            for (int column = 0; column < kernelSize; column++)
                values[row * kernelSize + column] = row < centre || (row == centre && (column < centre || (column == centre && mask == ConvMask.B))) ? 1f : 0f;
        return values;
    }

    protected override string ExtraRepr() =>
        ConvArguments.Repr(InChannels, OutChannels, KernelSize, 1, KernelSize / 2, outputPadding: 0, Bias is not null) + $", mask={MaskType}";
}
