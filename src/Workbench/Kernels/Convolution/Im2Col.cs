namespace Workbench.Kernels;

/// <summary>
/// The geometry of one 2-D convolution window sweep: a (C, H, W) image, a kh × kw kernel moved with
/// <see cref="Stride"/> over the image zero-padded by <see cref="Padding"/> on every side, giving an
/// (OutH, OutW) grid of window positions.
/// </summary>
internal readonly record struct ConvGeometry(int Channels, int Height, int Width, int KernelH, int KernelW,
    int Stride, int Padding, int OutH, int OutW)
{
    /// <summary>Rows of the column matrix: one per (channel, kernel row, kernel column).</summary>
    public int PatchSize => Channels * KernelH * KernelW;

    /// <summary>Columns of the column matrix: one per window position.</summary>
    public int Positions => OutH * OutW;

    /// <summary>Elements of one image.</summary>
    public int ImageSize => Channels * Height * Width;
}

/// <summary>
/// im2col and its adjoint col2im: the unrolling that turns a convolution into one matrix product
/// (Chellapilla, Puri &amp; Simard, "High Performance Convolutional Neural Networks for Document
/// Processing", 2006).
/// </summary>
/// <remarks>
/// The column matrix is (C·kh·kw, OutH·OutW), row-major, row index (c·kh + i)·kw + j, column index
/// oy·OutW + ox, holding image[c, oy·s − p + i, ox·s − p + j] (zero outside the image).
/// </remarks>
internal static partial class Im2Col
{
    /// <summary>Writes the column matrix of <paramref name="image"/> (C, H, W) into <paramref name="columns"/>.</summary>
    public static void Unfold(in ConvGeometry g, ReadOnlySpan<float> image, Span<float> columns)
        => Unfold(g, image, columns, g.Positions, 0);

    /// <summary>
    /// As <see cref="Unfold(in ConvGeometry, ReadOnlySpan{float}, Span{float})"/>, into the
    /// <paramref name="offset"/>-th column onward of a wider matrix with row stride <paramref name="ld"/>
    /// (one image's block of a batch's column matrix).
    /// </summary>
    public static unsafe void Unfold(in ConvGeometry g, ReadOnlySpan<float> image, Span<float> columns, int ld, int offset)
    {
        if (image.Length < g.ImageSize || (g.PatchSize > 0 && columns.Length < (long)(g.PatchSize - 1) * ld + offset + g.Positions))
            throw new ArgumentException("Im2Col.Unfold: image or column matrix too small for the geometry.");
        int outW = g.OutW, stride = g.Stride, planeSize = g.Height * g.Width;
        fixed (float* imagePtr = image, columnsPtr = columns)
        {
            int row = 0;
            for (int c = 0; c < g.Channels; c++)
            {
                float* plane = imagePtr + c * planeSize;
                for (int i = 0; i < g.KernelH; i++)
                {
                    for (int j = 0; j < g.KernelW; j++, row++)
                    {
                        float* dst = columnsPtr + (long)row * ld + offset;
                        var (oxLo, oxHi) = ValidRange(j, g.Width, outW, stride, g.Padding);
                        for (int oy = 0; oy < g.OutH; oy++)
                        {
                            float* line = dst + oy * outW;
                            int iy = oy * stride - g.Padding + i;
                            if ((uint)iy >= (uint)g.Height || oxLo >= oxHi)
                            {
                                for (int ox = 0; ox < outW; ox++) line[ox] = 0f;
                                continue;
                            }
                            for (int ox = 0; ox < oxLo; ox++) line[ox] = 0f;
                            for (int ox = oxHi; ox < outW; ox++) line[ox] = 0f;
                            float* src = plane + iy * g.Width + (oxLo * stride - g.Padding + j);
                            if (stride == 1)
                                Buffer.MemoryCopy(src, line + oxLo, (oxHi - oxLo) * sizeof(float), (oxHi - oxLo) * sizeof(float));
                            else
                                for (int ox = oxLo; ox < oxHi; ox++, src += stride) line[ox] = *src;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold(in ConvGeometry, ReadOnlySpan{float}, Span{float})"/>: adds every column entry back onto the image pixel it was
    /// read from (<paramref name="image"/> += col2im(<paramref name="columns"/>)); overlapping windows sum.
    /// </summary>
    public static void FoldAdd(in ConvGeometry g, ReadOnlySpan<float> columns, Span<float> image)
        => FoldAdd(g, columns, g.Positions, 0, image);

    /// <summary>As <see cref="FoldAdd(in ConvGeometry, ReadOnlySpan{float}, Span{float})"/>, from one image's block of a wider column matrix.</summary>
    public static unsafe void FoldAdd(in ConvGeometry g, ReadOnlySpan<float> columns, int ld, int offset, Span<float> image)
    {
        if (image.Length < g.ImageSize || (g.PatchSize > 0 && columns.Length < (long)(g.PatchSize - 1) * ld + offset + g.Positions))
            throw new ArgumentException("Im2Col.FoldAdd: image or column matrix too small for the geometry.");
        int outW = g.OutW, stride = g.Stride, planeSize = g.Height * g.Width;
        fixed (float* imagePtr = image, columnsPtr = columns)
        {
            int row = 0;
            for (int c = 0; c < g.Channels; c++)
            {
                float* plane = imagePtr + c * planeSize;
                for (int i = 0; i < g.KernelH; i++)
                {
                    for (int j = 0; j < g.KernelW; j++, row++)
                    {
                        float* src = columnsPtr + (long)row * ld + offset;
                        var (oxLo, oxHi) = ValidRange(j, g.Width, outW, stride, g.Padding);
                        if (oxLo >= oxHi) continue;
                        for (int oy = 0; oy < g.OutH; oy++)
                        {
                            int iy = oy * stride - g.Padding + i;
                            if ((uint)iy >= (uint)g.Height) continue;
                            float* line = src + oy * outW;
                            float* dst = plane + iy * g.Width + (oxLo * stride - g.Padding + j);
                            // Pixel by pixel in ox order, as the adds of a vectorised stride-1 row would be: the sum order per pixel is fixed.
                            for (int ox = oxLo; ox < oxHi; ox++, dst += stride) *dst += line[ox];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The window positions ox in [lo, hi) whose kernel column <paramref name="j"/> lands inside the
    /// image: 0 ≤ ox·s − p + j &lt; width.
    /// </summary>
    private static (int Lo, int Hi) ValidRange(int j, int width, int outW, int stride, int padding)
    {
        int offset = j - padding;                                   // ix = ox·s + offset
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride; // first ox with ix ≥ 0
        int hi = width - offset <= 0 ? 0 : (width - offset - 1) / stride + 1; // first ox with ix ≥ width
        lo = Math.Min(lo, outW);
        hi = Math.Clamp(hi, lo, outW);
        return (lo, hi);
    }
}
