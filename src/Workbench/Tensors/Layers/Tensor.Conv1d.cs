using Workbench.Kernels;

namespace Workbench.Tensors;

// 1-D convolution: the same im2col + GEMM driver as Conv2d (Tensor.ColumnConv.cs) with a 1-D unrolling
// that also knows dilation. A (N, C, L) signal is not run as a (N, C, 1, L) image through Conv2d because
// that op pads both axes alike and has no dilation; its own unrolling keeps it exact and just as fast.
public sealed partial class Tensor
{
    /// <summary>
    /// 1-D cross-correlation as PyTorch's <c>conv1d</c>: y[n, o, t] = b[o] + Σ_{c,j} W[o, c, j] · x[n, c, t·s − p + j·d],
    /// zero outside the signal. x (N, C, L), W (O, C, k), b (O) → (N, O, Lo) with Lo = ⌊(L + 2p − d·(k − 1) − 1)/s⌋ + 1.
    /// </summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1)
    {
        const string op = "Conv1d";
        if (input.Rank != 3)
            throw new ArgumentException($"{op}: input must be (N, C, L), got shape {ShapeText(input.Dims)}.");
        if (weight.Rank != 3)
            throw new ArgumentException($"{op}: weight must be (out, in, k), got shape {ShapeText(weight.Dims)}.");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: stride must be ≥ 1, got {stride}.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: padding must be ≥ 0, got {padding}.");
        if (dilation < 1) throw new ArgumentOutOfRangeException(nameof(dilation), $"{op}: dilation must be ≥ 1, got {dilation}.");
        int batch = input.Dims[0], inC = input.Dims[1], length = input.Dims[2];
        int outC = weight.Dims[0], kernel = weight.Dims[2];
        if (kernel < 1) throw new ArgumentException($"{op}: kernel size must be positive, weight shape {ShapeText(weight.Dims)}.");
        if (weight.Dims[1] != inC)
            throw new ArgumentException($"{op}: input has {inC} channels but weight {ShapeText(weight.Dims)} expects {weight.Dims[1]} (weight is (out, in, k)).");
        RequireBias(op, bias, outC);
        int span = dilation * (kernel - 1) + 1;
        if (length + 2 * padding < span)
            throw new ArgumentException($"{op}: kernel {kernel} with dilation {dilation} spans {span} values, more than the padded input length {length + 2 * padding} (input {ShapeText(input.Dims)}, padding {padding}).");

        var geo = new Conv1dGeometry(inC, length, kernel, stride, padding, dilation, (length + 2 * padding - span) / stride + 1);
        return ConvolveByColumns(op, input, weight, bias, geo, [batch, outC, geo.OutLength], relu: false);
    }
}
