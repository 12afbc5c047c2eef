using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

// A convolution's forward product W·cols (and a transposed convolution's input gradient) reads the column matrix
// only through the GEMM's packed blocks of cols, whose micro-panels hold 16 consecutive windows per tap row. The
// column matrix of a group of images (up to 768 KB) does not fit a 512 KB L2: unrolled whole, it is written out
// and read back by the packing. Packed block by block as the GEMM reaches each block, the unrolling instead fills a
// small staging buffer, a few kernel rows' taps over up to StageWindows windows at a time, by the same row forms,
// and each staged tap row goes straight into its panels. The panels hold exactly what PackB writes from the
// column matrix UnfoldBatch writes, so the product has the same bits.
internal static unsafe partial class Im2Col
{
    /// <summary>Windows staged at a time: four tap rows of them take 16 KB, within L1.</summary>
    private const int StageWindows = 1024;

    /// <summary>Whether <see cref="MultiplyColumns"/> handles <paramref name="g"/>: the geometries unrolled by the row forms, with AVX2 and FMA.</summary>
    public static bool PacksWindows(in ConvGeometry g) => UsesRowForms(g) && Gemm.HasFma;

    /// <summary>
    /// C (m × count·Positions) = A·cols + β·C on the calling thread, cols being the column matrix (PatchSize × count·Positions)
    /// <see cref="UnfoldBatch"/> writes for <paramref name="count"/> images, packed block by block straight from the images:
    /// the bits of <see cref="Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    /// on that matrix whenever it takes its blocked path. Only for geometries where <see cref="PacksWindows"/> holds.
    /// </summary>
    /// <param name="a">A stored (m × PatchSize) with row stride <paramref name="lda"/>.</param>
    public static void MultiplyColumns(in ConvGeometry g, int m, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> images, int count,
        float beta, Span<float> c, int ldc)
    {
        if (!PacksWindows(g)) throw new ArgumentException($"Im2Col.MultiplyColumns: no window packing for a {g.KernelH}×{g.KernelW} kernel at stride {g.Stride} on {g.Height}×{g.Width} images.");
        if (images.Length != (long)count * g.ImageSize)
            throw new ArgumentException($"Im2Col.MultiplyColumns: {count} images of {g.ImageSize} floats need {(long)count * g.ImageSize}, got {images.Length}.");
        fixed (float* x = images)
            Gemm.MultiplyPacking(m, count * g.Positions, g.PatchSize, a, lda, new WindowPanels(g, x, count), beta, c, ldc);
    }

    /// <summary>
    /// Writes block (rows pc .. pc+kc, columns jc .. jc+nc) of the column matrix of <paramref name="count"/> images as
    /// <see cref="MultiplyColumns"/>' product packs it, into <paramref name="dst"/> (PanelColumns(nc)·kc floats).
    /// </summary>
    internal static void PackWindowBlock(in ConvGeometry g, ReadOnlySpan<float> images, int count, int pc, int kc, int jc, int nc, Span<float> dst)
    {
        if (!PacksWindows(g) || images.Length != (long)count * g.ImageSize || pc < 0 || kc < 1 || pc + kc > g.PatchSize
            || jc < 0 || jc % Gemm.NR != 0 || nc < 1 || jc + nc > count * g.Positions || dst.Length < (long)Gemm.PanelColumns(nc) * kc)
            throw new ArgumentException($"Im2Col.PackWindowBlock: no block (rows {pc}+{kc}, columns {jc}+{nc}) of {count} images of this geometry into {dst.Length} floats.");
        fixed (float* x = images, d = dst)
            new WindowPanels(g, x, count).PackBlock(pc, kc, jc, nc, d);
    }

    /// <summary>The column matrix of <paramref name="count"/> images at <paramref name="images"/> as a GEMM's B operand, packed block by block.</summary>
    private readonly struct WindowPanels(ConvGeometry g, float* images, int count) : Gemm.IPanelPacker
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void PackBlock(int pc, int kc, int jc, int nc, float* dst)
        {
            int kh = g.KernelH, kw = g.KernelW, taps = kh * kw, positions = g.Positions, planeSize = g.Height * g.Width;
            bool stride2 = g.Stride == 2;
            Vector256<float>* inside = stackalloc Vector256<float>[2 * kw];
            UnfoldLanes* lanes = stackalloc UnfoldLanes[kw];
            if (stride2) Stride2Lanes(g, inside);
            else
                for (int j = 0; j < kw; j++) lanes[j] = new UnfoldLanes(g, j);
            var masks = new RowMasks(g);
            float* imagesEnd = images + (long)count * g.ImageSize;
            int firstChannel = pc / taps, endChannel = (pc + kc + taps - 1) / taps;
            // Staged: the whole images whose windows cover [u0, u1), each tap row ld apart and followed by zeros,
            // which fill the last panel of the batch past its last window.
            int imagesPerStage = (StageWindows + positions - 1) / positions + 1;
            long ld = (long)imagesPerStage * positions + Gemm.NR;
            fixed (float* stage = ThreadScratch.Staging((int)(kw * ld)))
                for (int u0 = jc; u0 < jc + nc; u0 += StageWindows)
                {
                    int u1 = Math.Min(u0 + StageWindows, jc + nc);
                    int firstImage = u0 / positions, endImage = (u1 + positions - 1) / positions;
                    long staged = (long)(endImage - firstImage) * positions;
                    for (int j = 0; j < kw; j++) new Span<float>(stage + j * ld + staged, Gemm.NR).Clear();
                    for (int ch = firstChannel; ch < endChannel; ch++)
                        for (int i = 0; i < kh; i++)
                        {
                            int row0 = (ch * kh + i) * kw; // the tap row of (ch, i, 0)
                            if (row0 + kw <= pc || row0 >= pc + kc) continue;
                            for (int n = firstImage; n < endImage; n++)
                            {
                                float* plane = images + (long)n * g.ImageSize + (long)ch * planeSize;
                                float* to = stage + (long)(n - firstImage) * positions;
                                if (!stride2) UnfoldKernelRowByPermutes(g, plane, i, to, ld, lanes, masks, imagesEnd);
                                else if (Stride2LoadsOutside(g, plane, images, imagesEnd)) UnfoldPlaneRows(g, plane, to - i * kw * ld, ld, i, i + 1);
                                else UnfoldKernelRowStride2(g, plane, i, to, ld, inside);
                            }
                            for (int j = Math.Max(0, pc - row0); j < kw && row0 + j < pc + kc; j++)
                            {
                                float* from = stage + j * ld + (u0 - (long)firstImage * positions);
                                float* panel = dst + (long)(u0 - jc) * kc + (row0 + j - pc) * Gemm.NR;
                                for (int w = u0; w < u1; w += Gemm.NR, from += Gemm.NR, panel += Gemm.NR * kc)
                                {
                                    Vector256.Store(Vector256.Load(from), panel);
                                    Vector256.Store(Vector256.Load(from + 8), panel + 8);
                                }
                            }
                        }
                }
        }
    }
}
