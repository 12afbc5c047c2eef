using Workbench.Kernels;

namespace Workbench.Tensors;

// 2-D pooling over the last two axes of (N, C, H, W) or (C, H, W): max (gradient to the argmax), average
// (gradient spread over the window) and adaptive average. The kernels are in Kernels/PoolKernels*.cs.
public sealed partial class Tensor
{
    /// <summary>
    /// Max pooling as PyTorch's <c>max_pool2d</c> (dilation 1, floor mode): y[…, oy, ox] = max of x[…, iy, ix] over
    /// the k × k window at (oy·s − p, ox·s − p), the padding counting as −∞. (…, H, W) → (…, Ho, Wo) with
    /// Ho = ⌊(H + 2p − k)/s⌋ + 1. The gradient goes to the window's maximum only: the first one in row-major
    /// window order when several are equal, as PyTorch's CPU kernel.
    /// </summary>
    /// <param name="stride">Defaults to <paramref name="kernelSize"/>, as in PyTorch.</param>
    public static Tensor MaxPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0)
    {
        var (geo, planes, dims) = PoolShape("MaxPool2d", input, kernelSize, stride ?? kernelSize, padding);
        var y = Uninitialized(dims);
        bool tracking = Tracks(input);
        var argMax = tracking ? new int[y.Size] : null;
        PoolKernels.MaxPool(geo, input.Storage, planes, y.Storage, argMax);
        if (!tracking) return y;
        var x = input;
        return y.Record("MaxPool2d", [x], g =>
        {
            var (dx, beta) = x.GradForUpdate();
            PoolKernels.MaxPoolBackward(geo, g.Storage, argMax, planes, dx, overwrite: beta == 0f);
        });
    }

    /// <summary>
    /// Average pooling as PyTorch's <c>avg_pool2d</c> (floor mode): y[…, oy, ox] = Σ of x over the k × k window at
    /// (oy·s − p, ox·s − p) / divisor, with divisor k² when <paramref name="countIncludePad"/> (PyTorch's default)
    /// and else the number of the window's pixels inside the input. (…, H, W) → (…, Ho, Wo), Ho = ⌊(H + 2p − k)/s⌋ + 1.
    /// </summary>
    /// <param name="stride">Defaults to <paramref name="kernelSize"/>, as in PyTorch.</param>
    public static Tensor AvgPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool countIncludePad = true)
    {
        var (geo, planes, dims) = PoolShape("AvgPool2d", input, kernelSize, stride ?? kernelSize, padding);
        var y = Uninitialized(dims);
        PoolKernels.AvgPool(geo, input.Storage, planes, y.Storage, countIncludePad);
        if (!Tracks(input)) return y;
        var x = input;
        return y.Record("AvgPool2d", [x], g =>
        {
            var (dx, beta) = x.GradForUpdate();
            PoolKernels.AvgPoolBackward(geo, g.Storage, planes, dx, countIncludePad, overwrite: beta == 0f);
        });
    }

    /// <summary>
    /// Adaptive average pooling as PyTorch's <c>adaptive_avg_pool2d</c>: (…, H, W) → (…, outHeight, outWidth), cell
    /// (oy, ox) averaging rows [⌊oy·H/outHeight⌋, ⌈(oy + 1)·H/outHeight⌉) and the columns alike (windows may overlap).
    /// </summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int outHeight, int outWidth)
    {
        RequirePlanes("AdaptiveAvgPool2d", input);
        if (outHeight < 1 || outWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(outHeight), $"AdaptiveAvgPool2d: output size must be positive, got {outHeight}×{outWidth}.");
        int height = input.Dims[^2], width = input.Dims[^1], planes = input.Size / Math.Max(1, height * width);
        if (height < 1 || width < 1)
            throw new ArgumentException($"AdaptiveAvgPool2d: input {ShapeText(input.Dims)} has an empty plane.");
        var dims = (int[])input.Dims.Clone();
        (dims[^2], dims[^1]) = (outHeight, outWidth);
        var y = Uninitialized(dims);
        PoolKernels.AdaptiveAvgPool(input.Storage, planes, height, width, outHeight, outWidth, y.Storage);
        if (!Tracks(input)) return y;
        var x = input;
        return y.Record("AdaptiveAvgPool2d", [x],
            g => PoolKernels.AdaptiveAvgPoolBackward(g.Storage, planes, height, width, outHeight, outWidth, x.GradStorage()));
    }

    /// <summary>Checks a pooling's arguments against the input; returns its geometry, plane count and output shape.</summary>
    private static (PoolGeometry Geometry, int Planes, int[] Dims) PoolShape(string op, Tensor input, int kernelSize, int stride, int padding)
    {
        RequirePlanes(op, input);
        if (kernelSize < 1) throw new ArgumentOutOfRangeException(nameof(kernelSize), $"{op}: kernelSize must be ≥ 1, got {kernelSize}.");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: stride must be ≥ 1, got {stride}.");
        if (padding < 0 || padding > kernelSize / 2)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: padding must be in [0, kernelSize/2] = [0, {kernelSize / 2}], got {padding}.");
        int height = input.Dims[^2], width = input.Dims[^1];
        if (height + 2 * padding < kernelSize || width + 2 * padding < kernelSize)
            throw new ArgumentException($"{op}: kernel {kernelSize}×{kernelSize} is larger than the padded input {height + 2 * padding}×{width + 2 * padding} (input {ShapeText(input.Dims)}, padding {padding}).");
        var geo = new PoolGeometry(height, width, kernelSize, stride, padding,
            (height + 2 * padding - kernelSize) / stride + 1, (width + 2 * padding - kernelSize) / stride + 1);
        var dims = (int[])input.Dims.Clone();
        (dims[^2], dims[^1]) = (geo.OutH, geo.OutW);
        return (geo, input.Size / Math.Max(1, geo.PlaneSize), dims);
    }

    private static void RequirePlanes(string op, Tensor input)
    {
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"{op}: input must be (N, C, H, W) or (C, H, W), got shape {ShapeText(input.Dims)}.");
    }
}
