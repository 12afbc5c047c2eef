using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels;

// Narrow images (an input row within 16 floats, an output row within 8, as in the conv VAE's 14×14 → 7×7
// layers): one output row of one kernel tap is a fixed permutation of the input row's two 8-float halves,
// so it is unrolled with two masked loads, two lane permutations and one masked store instead of a table
// lookup and a branch per entry; the adjoint adds a permuted column row onto the image row the same way.
// Lanes outside the image row are never read or written (AVX masked loads and stores), so a thread never
// touches another thread's image, and every pixel receives its terms in the same order as the scalar form.
internal static unsafe partial class Im2Col
{
    /// <summary>Whether a geometry takes the row-permutation forms (AVX2, width ≤ 16, output width ≤ 8).</summary>
    internal static bool UsesRowPermutes(in ConvGeometry g) => Avx2.IsSupported && g.Width <= 16 && g.OutW <= 8 && g.KernelW <= 16;

    /// <summary>For kernel column j: output lane ox reads input column ox·s − p + j (the low 3 bits), from the high half, when inside the image.</summary>
    private readonly struct UnfoldLanes
    {
        public readonly Vector256<int> Index;
        public readonly Vector256<float> FromHigh, Valid;

        public UnfoldLanes(in ConvGeometry g, int j)
        {
            Span<int> index = stackalloc int[8];
            Span<int> high = stackalloc int[8];
            Span<int> valid = stackalloc int[8];
            for (int ox = 0; ox < 8; ox++)
            {
                int ix = ox * g.Stride - g.Padding + j;
                bool inside = ox < g.OutW && (uint)ix < (uint)g.Width;
                index[ox] = inside ? ix & 7 : 0;
                high[ox] = inside && ix >= 8 ? -1 : 0;
                valid[ox] = inside ? -1 : 0;
            }
            Index = Vector256.Create<int>(index);
            FromHigh = Vector256.Create<int>(high).AsSingle();
            Valid = Vector256.Create<int>(valid).AsSingle();
        }
    }

    /// <summary>For kernel column j: image lane L (low half; L + 8 in the high half) receives output column ox when ox·s − p + j = L.</summary>
    private readonly struct FoldLanes
    {
        public readonly Vector256<int> LowSource, HighSource;
        public readonly Vector256<float> LowValid, HighValid;

        public FoldLanes(in ConvGeometry g, int j)
        {
            Span<int> source = stackalloc int[16];
            Span<int> valid = stackalloc int[16];
            for (int ox = 0; ox < g.OutW; ox++)
            {
                int ix = ox * g.Stride - g.Padding + j;
                if ((uint)ix >= (uint)g.Width) continue;
                source[ix] = ox;
                valid[ix] = -1;
            }
            LowSource = Vector256.Create<int>(source[..8]);
            HighSource = Vector256.Create<int>(source[8..]);
            LowValid = Vector256.Create<int>(valid[..8]).AsSingle();
            HighValid = Vector256.Create<int>(valid[8..]).AsSingle();
        }
    }

    /// <summary>Lanes of an image row's low and high halves, and of an output row, for masked loads and stores.</summary>
    private readonly struct RowMasks(in ConvGeometry g)
    {
        public readonly Vector256<float> Low = LaneMask(Math.Min(g.Width, 8)), High = LaneMask(g.Width - 8), Out = LaneMask(g.OutW);

        private static Vector256<float> LaneMask(int count) =>
            Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();
    }

    /// <summary>The column matrix entries of images [start, start + length) of a batch (see UnfoldImages).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnfoldRows(in ConvGeometry g, float* images, float* columns, int count, int start, int length)
    {
        if (g.Stride == 2) UnfoldRowsStride2(g, images, columns, count, start, length);
        else UnfoldRowsByPermutes(g, images, columns, count, start, length);
    }

    /// <summary>As <see cref="UnfoldRows"/>, at any stride: each tap's window row is two lane permutations of the image row's halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnfoldRowsByPermutes(in ConvGeometry g, float* images, float* columns, int count, int start, int length)
    {
        int kh = g.KernelH, kw = g.KernelW, taps = kh * kw, positions = g.Positions, planeSize = g.Height * g.Width;
        long ld = (long)count * positions;
        Span<UnfoldLanes> lanes = stackalloc UnfoldLanes[kw];
        for (int j = 0; j < kw; j++) lanes[j] = new UnfoldLanes(g, j);
        var masks = new RowMasks(g);
        float* imagesEnd = images + (long)count * g.ImageSize;
        for (int n = start; n < start + length; n++)
            for (int c = 0; c < g.Channels; c++)
            {
                float* plane = images + (long)n * g.ImageSize + (long)c * planeSize;
                for (int i = 0; i < kh; i++)
                {
                    // Tap row (c, i, j) of this image starts at dst + j·ld: each input row is loaded once for all kw taps.
                    float* dst = columns + (c * taps + i * kw) * ld + (long)n * positions;
                    for (int oy = 0; oy < g.OutH; oy++, dst += g.OutW)
                    {
                        int iy = oy * g.Stride - g.Padding + i;
                        // A whole-vector store spills into the next output rows of this image's block, written
                        // next; near the block's end only the row's own lanes are stored, piece by piece (a masked
                        // store there cost AMD cores more than the rest of the unrolling).
                        bool whole = oy * g.OutW + 8 <= positions;
                        if ((uint)iy >= (uint)g.Height)
                        {
                            for (int j = 0; j < kw; j++)
                                if (whole) Avx.Store(dst + j * ld, Vector256<float>.Zero);
                                else StoreFirst(dst + j * ld, Vector256<float>.Zero, g.OutW);
                            continue;
                        }
                        float* row = plane + iy * g.Width;
                        // Whole-vector loads read a little past the row (harmless) except at the end of the batch.
                        bool inside = row + 16 <= imagesEnd;
                        var low = inside ? Avx.LoadVector256(row) : Avx.MaskLoad(row, masks.Low);
                        var high = inside ? Avx.LoadVector256(row + 8) : Avx.MaskLoad(row + 8, masks.High);
                        for (int j = 0; j < kw; j++)
                        {
                            ref readonly var lane = ref lanes[j];
                            var value = Avx.And(Avx.BlendVariable(Avx2.PermuteVar8x32(low, lane.Index), Avx2.PermuteVar8x32(high, lane.Index), lane.FromHigh), lane.Valid);
                            if (whole) Avx.Store(dst + j * ld, value);
                            else StoreFirst(dst + j * ld, value, g.OutW);
                        }
                    }
                }
            }
    }

    /// <summary>Stores lanes 0 .. <paramref name="count"/>−1 (at most 8) of <paramref name="value"/> at <paramref name="destination"/>, touching nothing after them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFirst(float* destination, Vector256<float> value, int count)
    {
        if (count == 8)
        {
            Avx.Store(destination, value);
            return;
        }
        var part = value.GetLower();
        if (count >= 4)
        {
            Sse.Store(destination, part);
            destination += 4;
            count -= 4;
            part = value.GetUpper();
        }
        if (count >= 2)
        {
            Sse.StoreLow(destination, part);
            destination += 2;
            count -= 2;
            part = Sse.MoveHighToLow(part, part);
        }
        if (count == 1) Sse.StoreScalar(destination, part);
    }

    /// <summary>
    /// Adds the column matrix back onto images [start, start + length) (see FoldImages): each image row is
    /// loaded once, receives its terms tap by tap in the scalar form's order in registers, and is stored once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldRows(in ConvGeometry g, float* columns, float* images, int count, int start, int length)
    {
        if (FoldsByHalves(g)) FoldRowsStride2(g, columns, images, count, start, length);
        else FoldRowsByPermutes(g, columns, images, count, start, length);
    }

    /// <summary>As <see cref="FoldRows"/>, at any stride: each tap's terms are permuted onto the image row's halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldRowsByPermutes(in ConvGeometry g, float* columns, float* images, int count, int start, int length)
    {
        int kh = g.KernelH, kw = g.KernelW, taps = kh * kw, positions = g.Positions, planeSize = g.Height * g.Width;
        long ld = (long)count * positions;
        Span<FoldLanes> lanes = stackalloc FoldLanes[kw];
        for (int j = 0; j < kw; j++) lanes[j] = new FoldLanes(g, j);
        var masks = new RowMasks(g);
        float* columnsEnd = columns + (long)g.PatchSize * ld;
        bool wide = g.Width > 8; // rows of 9-16 pixels: a high half, which runs at most 8 pixels into the next row
        Span<int> windowRow = stackalloc int[g.Height * kh];
        WindowRows(g, windowRow);
        for (int n = start; n < start + length; n++)
            for (int c = 0; c < g.Channels; c++)
            {
                float* plane = images + (long)n * g.ImageSize + (long)c * planeSize;
                for (int iy = 0; iy < g.Height; iy++)
                {
                    float* row = plane + iy * g.Width;
                    // The row and, in whole-vector form, the first pixels of the next row of the same image, which
                    // are stored back unchanged; the image's last row is read and written masked, so no other
                    // thread's image is touched (AMD's masked stores are slow, so only there).
                    bool lastRow = c == g.Channels - 1 && iy == g.Height - 1;
                    var low = g.Width >= 8 ? Avx.LoadVector256(row) : Avx.MaskLoad(row, masks.Low);
                    var high = !wide ? Vector256<float>.Zero : lastRow ? Avx.MaskLoad(row + 8, masks.High) : Avx.LoadVector256(row + 8);
                    for (int i = 0; i < kh; i++)
                    {
                        int oy = windowRow[iy * kh + i];
                        if (oy < 0) continue;
                        for (int j = 0; j < kw; j++)
                        {
                            ref readonly var lane = ref lanes[j];
                            float* src = columns + (c * taps + i * kw + j) * ld + (long)n * positions + oy * g.OutW;
                            var values = src + 8 <= columnsEnd ? Avx.LoadVector256(src) : Avx.MaskLoad(src, masks.Out);
                            // Select rather than add zero, so pixels this tap does not reach keep their bits.
                            low = Avx.BlendVariable(low, low + Avx2.PermuteVar8x32(values, lane.LowSource), lane.LowValid);
                            if (wide) high = Avx.BlendVariable(high, high + Avx2.PermuteVar8x32(values, lane.HighSource), lane.HighValid);
                        }
                    }
                    if (g.Width >= 8) Avx.Store(row, low);
                    else Avx.MaskStore(row, masks.Low, low);
                    if (!wide) continue;
                    if (lastRow) Avx.MaskStore(row + 8, masks.High, high);
                    else Avx.Store(row + 8, high);
                }
            }
    }
}
