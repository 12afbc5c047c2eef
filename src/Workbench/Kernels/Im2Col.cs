using System.Numerics.Tensors;

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
    public static void Unfold(in ConvGeometry g, ReadOnlySpan<float> image, Span<float> columns, int ld, int offset)
    {
        int positions = g.Positions;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            var plane = image.Slice(c * g.Height * g.Width, g.Height * g.Width);
            for (int i = 0; i < g.KernelH; i++)
            {
                for (int j = 0; j < g.KernelW; j++, row++)
                {
                    var dst = columns.Slice(row * ld + offset, positions);
                    var (oxLo, oxHi) = ValidRange(j, g.Width, g.OutW, g.Stride, g.Padding);
                    for (int oy = 0; oy < g.OutH; oy++)
                    {
                        var line = dst.Slice(oy * g.OutW, g.OutW);
                        int iy = oy * g.Stride - g.Padding + i;
                        if ((uint)iy >= (uint)g.Height || oxLo >= oxHi)
                        {
                            line.Clear();
                            continue;
                        }
                        line[..oxLo].Clear();
                        line[oxHi..].Clear();
                        var src = plane.Slice(iy * g.Width, g.Width);
                        int ix = oxLo * g.Stride - g.Padding + j;
                        if (g.Stride == 1)
                        {
                            src.Slice(ix, oxHi - oxLo).CopyTo(line[oxLo..oxHi]);
                        }
                        else
                        {
                            for (int ox = oxLo; ox < oxHi; ox++, ix += g.Stride) line[ox] = src[ix];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold"/>: adds every column entry back onto the image pixel it was
    /// read from (<paramref name="image"/> += col2im(<paramref name="columns"/>)); overlapping windows sum.
    /// </summary>
    public static void FoldAdd(in ConvGeometry g, ReadOnlySpan<float> columns, Span<float> image)
        => FoldAdd(g, columns, g.Positions, 0, image);

    /// <summary>As <see cref="FoldAdd(in ConvGeometry, ReadOnlySpan{float}, Span{float})"/>, from one image's block of a wider column matrix.</summary>
    public static void FoldAdd(in ConvGeometry g, ReadOnlySpan<float> columns, int ld, int offset, Span<float> image)
    {
        int positions = g.Positions;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            var plane = image.Slice(c * g.Height * g.Width, g.Height * g.Width);
            for (int i = 0; i < g.KernelH; i++)
            {
                for (int j = 0; j < g.KernelW; j++, row++)
                {
                    var src = columns.Slice(row * ld + offset, positions);
                    var (oxLo, oxHi) = ValidRange(j, g.Width, g.OutW, g.Stride, g.Padding);
                    if (oxLo >= oxHi) continue;
                    for (int oy = 0; oy < g.OutH; oy++)
                    {
                        int iy = oy * g.Stride - g.Padding + i;
                        if ((uint)iy >= (uint)g.Height) continue;
                        var line = src.Slice(oy * g.OutW, g.OutW);
                        var dst = plane.Slice(iy * g.Width, g.Width);
                        int ix = oxLo * g.Stride - g.Padding + j;
                        if (g.Stride == 1)
                        {
                            var target = dst.Slice(ix, oxHi - oxLo);
                            TensorPrimitives.Add(target, line[oxLo..oxHi], target);
                        }
                        else
                        {
                            for (int ox = oxLo; ox < oxHi; ox++, ix += g.Stride) dst[ix] += line[ox];
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
