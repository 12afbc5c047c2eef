using Workbench.Kernels;

namespace Workbench.Tensors;

/// <summary>How <see cref="Tensor.Interpolate"/> fills the upsampled grid (PyTorch's <c>mode</c>).</summary>
public enum UpsampleMode
{
    /// <summary>PyTorch's 'nearest': each output pixel copies source ⌊o·in/out⌋ (PyTorch 1.13's rule, not 'nearest-exact').</summary>
    Nearest,

    /// <summary>PyTorch's 'bilinear': a weighted mean of the four nearest source pixels.</summary>
    Bilinear,
}

// Upsampling (N, C, H, W) → (N, C, Ho, Wo) by nearest neighbour or bilinear interpolation, with PyTorch 1.13's
// index and weight rules; each backward rule is the forward's adjoint. Kernels in Kernels/UpsampleKernels.cs.
public sealed partial class Tensor
{
    /// <summary>
    /// Resizes the last two axes as PyTorch's <c>F.interpolate</c>: to <paramref name="size"/>, or by
    /// <paramref name="scaleFactor"/> to ⌊H·scale⌋ × ⌊W·scale⌋, in which case the sampling ratio is 1/scale (as
    /// PyTorch, which passes the scale on; for a non-integer scale this differs from in/out).
    /// <paramref name="alignCorners"/> applies to bilinear only (default false, half-pixel centres).
    /// </summary>
    public static Tensor Interpolate(Tensor input, (int Height, int Width)? size = null, double? scaleFactor = null,
        UpsampleMode mode = UpsampleMode.Nearest, bool? alignCorners = null)
    {
        RequireImages("Interpolate", input);
        if (size is null == scaleFactor is null)
            throw new ArgumentException("Interpolate: give exactly one of size and scaleFactor.");
        if (mode == UpsampleMode.Nearest && alignCorners is not null)
            throw new ArgumentException("Interpolate: alignCorners can only be set with the interpolating mode Bilinear, not Nearest.", nameof(alignCorners));
        int outH, outW;
        if (scaleFactor is double scale)
        {
            if (!(scale > 0) || double.IsInfinity(scale))
                throw new ArgumentOutOfRangeException(nameof(scaleFactor), $"Interpolate: scaleFactor must be a positive finite number, got {scale}.");
            (outH, outW) = ((int)Math.Floor(input.Dims[2] * scale), (int)Math.Floor(input.Dims[3] * scale));
        }
        else (outH, outW) = size!.Value;
        return mode == UpsampleMode.Nearest
            ? UpsampleNearest2d(input, outH, outW, scaleFactor, scaleFactor)
            : UpsampleBilinear2d(input, outH, outW, alignCorners ?? false, scaleFactor, scaleFactor);
    }

    /// <summary>
    /// PyTorch's <c>upsample_nearest2d</c>: y[n, c, oy, ox] = x[n, c, ⌊oy·rh⌋, ⌊ox·rw⌋] (indices at most H − 1, W − 1) with
    /// r = 1/scale when a scale is given and in/out otherwise. (N, C, H, W) → (N, C, outHeight, outWidth).
    /// </summary>
    public static Tensor UpsampleNearest2d(Tensor input, int outHeight, int outWidth, double? scaleHeight = null, double? scaleWidth = null)
    {
        RequireUpsample("UpsampleNearest2d", input, outHeight, outWidth);
        int planes = input.Dims[0] * input.Dims[1], height = input.Dims[2], width = input.Dims[3];
        var rows = AxisSampling.Nearest(height, outHeight, scaleHeight);
        var columns = AxisSampling.Nearest(width, outWidth, scaleWidth);
        var y = Uninitialized([input.Dims[0], input.Dims[1], outHeight, outWidth]);
        UpsampleKernels.Nearest(input.Storage, planes, height, width, rows, columns, y.Storage);
        if (!Tracks(input)) return y;
        var x = input;
        return y.Record("UpsampleNearest2d", [x], g =>
        {
            var (dx, beta) = x.GradForUpdate();
            UpsampleKernels.NearestBackward(g.Storage, planes, height, width, rows, columns, dx, overwrite: beta == 0f);
        });
    }

    /// <summary>
    /// PyTorch's <c>upsample_bilinear2d</c>: each output pixel is the bilinear mix of the four source pixels around its
    /// source position (see <see cref="UpsampleMode.Bilinear"/>; half-pixel centres clamped at 0 unless
    /// <paramref name="alignCorners"/>, which maps corner to corner). (N, C, H, W) → (N, C, outHeight, outWidth).
    /// </summary>
    public static Tensor UpsampleBilinear2d(Tensor input, int outHeight, int outWidth, bool alignCorners, double? scaleHeight = null, double? scaleWidth = null)
    {
        RequireUpsample("UpsampleBilinear2d", input, outHeight, outWidth);
        int planes = input.Dims[0] * input.Dims[1], height = input.Dims[2], width = input.Dims[3];
        var rows = AxisSampling.Linear(height, outHeight, alignCorners, scaleHeight);
        var columns = AxisSampling.Linear(width, outWidth, alignCorners, scaleWidth);
        var y = Uninitialized([input.Dims[0], input.Dims[1], outHeight, outWidth]);
        UpsampleKernels.Bilinear(input.Storage, planes, height, width, rows, columns, y.Storage);
        if (!Tracks(input)) return y;
        var x = input;
        return y.Record("UpsampleBilinear2d", [x], g =>
        {
            var (dx, beta) = x.GradForUpdate();
            UpsampleKernels.BilinearBackward(g.Storage, planes, height, width, rows, columns, dx, overwrite: beta == 0f);
        });
    }

    private static void RequireUpsample(string op, Tensor input, int outHeight, int outWidth)
    {
        RequireImages(op, input);
        if (input.Dims[2] < 1 || input.Dims[3] < 1 || outHeight < 1 || outWidth < 1)
            throw new ArgumentException($"{op}: input and output sizes must be positive, got input {input.Dims[2]}×{input.Dims[3]} and output {outHeight}×{outWidth}.");
    }

    private static void RequireImages(string op, Tensor input)
    {
        if (input.Rank != 4) throw new ArgumentException($"{op}: input must be (N, C, H, W), got shape {ShapeText(input.Dims)}.");
    }
}
