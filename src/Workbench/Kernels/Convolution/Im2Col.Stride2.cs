using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels;

// The row forms at stride 2, for image rows of up to 32 pixels and window rows of up to 16 (the conv VAE's 28×28 ↔
// 14×14 and 14×14 ↔ 7×7 layers). Window column ox of kernel column j reads pixel 2·ox − p + j, so a tap's window row
// is every other pixel of the image row from pixel j − p on: per 8 windows, two loads, an in-lane shuffle and a qword
// permute (the general row form takes two lane permutations and a blend; the table form, for rows wider than 16,
// a gather). The adjoint splits an image row into its even and odd pixels once; there tap j's terms for window row
// oy are its column row loaded from a fixed shift and added to one of the halves, which are interleaved back once
// per row. Every entry and every pixel's terms, in their order, are those of the one-image forms (Im2Col.cs).
internal static unsafe partial class Im2Col
{
    /// <summary>Lanes p[0], p[2], …, p[14] of the 16 floats whose halves are <paramref name="low"/> and <paramref name="high"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> EvenLanes(Vector256<float> low, Vector256<float> high) =>
        Avx2.Permute4x64(Avx.Shuffle(low, high, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();

    /// <summary>Lanes p[1], p[3], …, p[15].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> OddLanes(Vector256<float> low, Vector256<float> high) =>
        Avx2.Permute4x64(Avx.Shuffle(low, high, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();

    /// <summary>Whether a geometry takes the stride-2 row forms beyond <see cref="UsesRowPermutes"/>' (rows of 9 to 32 pixels, up to 16 windows).</summary>
    internal static bool UsesStride2Rows(in ConvGeometry g) =>
        Avx2.IsSupported && g.Stride == 2 && g.Width > 8 && g.Width <= 32 && g.OutW <= 16 && g.KernelW <= 16;

    /// <summary>Whether a geometry is unrolled and folded by rows (Im2Col.Rows.cs, this file) rather than by the table forms.</summary>
    private static bool UsesRowForms(in ConvGeometry g) => UsesRowPermutes(g) || UsesStride2Rows(g);

    /// <summary>Whether the fold takes <see cref="FoldRowsStride2"/> (stride 2, rows of 9 to 32 pixels, the row forms' window widths).</summary>
    private static bool FoldsByHalves(in ConvGeometry g) => UsesRowForms(g) && g.Stride == 2 && g.Width > 8;

    /// <summary>Whether window column ox of kernel column j reads a pixel inside the image row (ox &lt; OutW).</summary>
    private static bool ReadsInside(in ConvGeometry g, int j, int ox) => ox >= 0 && ox < g.OutW && (uint)(2 * ox - g.Padding + j) < (uint)g.Width;

    /// <summary>A lane mask: all bits of lane L set where bit L of <paramref name="lanes"/> is.</summary>
    private static Vector256<float> LaneMask(int lanes) =>
        Vector256.Equals(Vector256.Create(lanes) & Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128), Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128)).AsSingle();

    /// <summary>The column matrix entries of images [start, start + length) at stride 2 (see UnfoldRows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnfoldRowsStride2(in ConvGeometry g, float* images, float* columns, int count, int start, int length)
    {
        int kh = g.KernelH, kw = g.KernelW, taps = kh * kw, positions = g.Positions, planeSize = g.Height * g.Width;
        long ld = (long)count * positions;
        bool two = g.OutW > 8; // window rows of 9 to 16: windows 8 to 15 are a second vector, read from 16 pixels further
        int secondCount = g.OutW - 8;
        Vector256<float>* inside = stackalloc Vector256<float>[2 * kw]; // tap j's windows 8v .. 8v + 7 at 2j + v
        for (int j = 0; j < kw; j++)
            for (int v = 0; v < 2; v++)
            {
                int lanes = 0;
                for (int lane = 0; lane < 8; lane++) lanes |= ReadsInside(g, j, 8 * v + lane) ? 1 << lane : 0;
                inside[2 * j + v] = LaneMask(lanes);
            }
        float* imagesEnd = images + (long)count * g.ImageSize;
        int reach = two ? 32 : 16; // floats a tap's loads span from its first pixel
        for (int n = start; n < start + length; n++)
            for (int c = 0; c < g.Channels; c++)
            {
                float* plane = images + (long)n * g.ImageSize + (long)c * planeSize;
                // Tap j loads from pixel j − p of a row on: whole-vector loads stay in the batch except, at most, in the
                // first plane of its first image and the last plane of its last, which are read pixel by pixel.
                if (plane - g.Padding < images || plane + planeSize - g.Width + kw - 1 - g.Padding + reach > imagesEnd)
                {
                    UnfoldPlane(g, plane, columns + (long)c * taps * ld + (long)n * positions, ld);
                    continue;
                }
                for (int i = 0; i < kh; i++)
                {
                    float* dst = columns + (c * taps + i * kw) * ld + (long)n * positions;
                    for (int oy = 0; oy < g.OutH; oy++, dst += g.OutW)
                    {
                        int iy = 2 * oy - g.Padding + i;
                        // The window row's last vector spills into the next rows of this image's block, written next;
                        // at the block's end only the row's own lanes are stored.
                        bool whole = oy * g.OutW + (two ? 16 : 8) <= positions;
                        if ((uint)iy >= (uint)g.Height)
                        {
                            for (int j = 0; j < kw; j++)
                                if (two)
                                {
                                    Avx.Store(dst + j * ld, Vector256<float>.Zero);
                                    if (whole) Avx.Store(dst + j * ld + 8, Vector256<float>.Zero);
                                    else StoreFirst(dst + j * ld + 8, Vector256<float>.Zero, secondCount);
                                }
                                else if (whole) Avx.Store(dst + j * ld, Vector256<float>.Zero);
                                else StoreFirst(dst + j * ld, Vector256<float>.Zero, g.OutW);
                            continue;
                        }
                        // Pixels from j − p on; lanes outside the row (in other rows) are cleared.
                        float* from = plane + iy * g.Width - g.Padding;
                        for (int j = 0; j < kw; j++, from++)
                        {
                            var value = Avx.And(EvenLanes(Avx.LoadVector256(from), Avx.LoadVector256(from + 8)), inside[2 * j]);
                            if (two)
                            {
                                Avx.Store(dst + j * ld, value);
                                value = Avx.And(EvenLanes(Avx.LoadVector256(from + 16), Avx.LoadVector256(from + 24)), inside[2 * j + 1]);
                                if (whole) Avx.Store(dst + j * ld + 8, value);
                                else StoreFirst(dst + j * ld + 8, value, secondCount);
                            }
                            else if (whole) Avx.Store(dst + j * ld, value);
                            else StoreFirst(dst + j * ld, value, g.OutW);
                        }
                    }
                }
            }
    }

    /// <summary>The kh·kw tap rows of one channel plane (<paramref name="dst"/>: its first tap row's block), by the one-image form.</summary>
    private static void UnfoldPlane(in ConvGeometry g, float* plane, float* dst, long ld)
    {
        var onePlane = g with { Channels = 1 };
        Unfold(onePlane, new ReadOnlySpan<float>(plane, g.Height * g.Width), new Span<float>(dst, (int)((onePlane.PatchSize - 1) * ld) + g.Positions), (int)ld, 0);
    }

    /// <summary>
    /// Adds the column matrix back onto images [start, start + length) at stride 2, rows of 9 to 32 pixels (see FoldRows):
    /// pixel 2·m + parity of a row is lane m of its even (parity 0) or odd half, and tap j adds its window column m − shift
    /// to lane m of the half of parity (j − p) mod 2, shift = (j − p − parity) / 2. A half is one vector for rows of up
    /// to 16 pixels, two (lanes 0-7 and 8-15) for wider rows.
    /// </summary>
    /// <param name="write">
    /// Write the images rather than add to them: each pixel starts from <paramref name="channelStart"/>[c] (0 when null)
    /// in registers, so the images are neither cleared nor read first; with <paramref name="relu"/> each row is then
    /// clamped at 0 as it is stored (as <c>TensorPrimitives.Max(x, 0)</c>: −0 becomes +0, NaN stays NaN).
    /// </param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldRowsStride2(in ConvGeometry g, float* columns, float* images, int count, int start, int length,
        bool write = false, float* channelStart = null, bool relu = false)
    {
        int kh = g.KernelH, kw = g.KernelW, taps = kh * kw, positions = g.Positions, planeSize = g.Height * g.Width;
        long ld = (long)count * positions;
        bool two = g.Width > 16;
        int* parity = stackalloc int[kw];
        int* shift = stackalloc int[kw];
        Vector256<float>* reached = stackalloc Vector256<float>[2 * kw]; // the lanes 8v .. 8v + 7 of its half that tap j adds to, at 2j + v
        int leastShift = int.MaxValue, mostShift = int.MinValue;
        for (int j = 0; j < kw; j++)
        {
            parity[j] = (j - g.Padding) & 1;
            shift[j] = (j - g.Padding - parity[j]) / 2;
            for (int v = 0; v < 2; v++)
            {
                int lanes = 0;
                for (int lane = 0; lane < 8; lane++)
                {
                    int m = 8 * v + lane;
                    lanes |= 2 * m + parity[j] < g.Width && ReadsInside(g, j, m - shift[j]) ? 1 << lane : 0;
                }
                reached[2 * j + v] = LaneMask(lanes);
            }
            (leastShift, mostShift) = (Math.Min(leastShift, shift[j]), Math.Max(mostShift, shift[j]));
        }
        // The row's vectors 8v .. 8v + 7 past the image's last pixel, read and written masked in its last row only.
        Vector256<float>* rowLanes = stackalloc Vector256<float>[4];
        for (int v = 0; v < 4; v++) rowLanes[v] = LaneMask((1 << Math.Clamp(g.Width - 8 * v, 0, 8)) - 1);
        int vectors = two ? 4 : 2;
        Span<int> windowRow = stackalloc int[g.Height * kh];
        WindowRows(g, windowRow);
        float* columnsEnd = columns + (long)g.PatchSize * ld;
        for (int n = start; n < start + length; n++)
            for (int c = 0; c < g.Channels; c++)
            {
                float* plane = images + (long)n * g.ImageSize + (long)c * planeSize;
                // Tap j loads from its window row's start − shift: inside the column matrix except, at most, for the first
                // plane of the first image and the last plane of the last, which receive their terms one by one.
                float* block = columns + (long)c * taps * ld + (long)n * positions;
                float startValue = channelStart is null ? 0f : channelStart[c];
                if (block - mostShift < columns || block + (taps - 1) * ld + (g.OutH - 1) * g.OutW - leastShift + (two ? 16 : 8) > columnsEnd)
                {
                    var pixels = new Span<float>(plane, planeSize);
                    if (write) pixels.Fill(startValue); // after the previous plane's last row ran into it
                    FoldPlaneAdd(g, block, ld, plane);
                    if (write && relu) System.Numerics.Tensors.TensorPrimitives.Max(pixels, 0f, pixels);
                    continue;
                }
                var startLanes = Vector256.Create(startValue);
                for (int iy = 0; iy < g.Height; iy++)
                {
                    float* row = plane + iy * g.Width;
                    // The row's vectors run into the next row, stored back unchanged, except at the image's end, where
                    // the vectors past its last pixel are read and written masked, so no other thread's image is touched.
                    bool lastRow = c == g.Channels - 1 && iy == g.Height - 1;
                    Vector256<float> even = startLanes, odd = startLanes, even1 = startLanes, odd1 = startLanes;
                    if (!write)
                    {
                        var r0 = Load(row, 0, lastRow, rowLanes, g.Width);
                        var r1 = Load(row, 1, lastRow, rowLanes, g.Width);
                        even = EvenLanes(r0, r1);
                        odd = OddLanes(r0, r1);
                    }
                    if (two && !write)
                    {
                        var r2 = Load(row, 2, lastRow, rowLanes, g.Width);
                        var r3 = Load(row, 3, lastRow, rowLanes, g.Width);
                        even1 = EvenLanes(r2, r3);
                        odd1 = OddLanes(r2, r3);
                    }
                    for (int i = 0; i < kh; i++)
                    {
                        int oy = windowRow[iy * kh + i];
                        if (oy < 0) continue;
                        float* window = columns + (c * taps + i * kw) * ld + (long)n * positions + oy * g.OutW;
                        for (int j = 0; j < kw; j++, window += ld)
                        {
                            float* from = window - shift[j];
                            var terms = Avx.LoadVector256(from);
                            // Select rather than add zero, so pixels this tap does not reach keep their bits.
                            if (parity[j] == 0) even = Avx.BlendVariable(even, even + terms, reached[2 * j]);
                            else odd = Avx.BlendVariable(odd, odd + terms, reached[2 * j]);
                            if (!two) continue;
                            terms = Avx.LoadVector256(from + 8);
                            if (parity[j] == 0) even1 = Avx.BlendVariable(even1, even1 + terms, reached[2 * j + 1]);
                            else odd1 = Avx.BlendVariable(odd1, odd1 + terms, reached[2 * j + 1]);
                        }
                    }
                    var firstHalves = Avx.UnpackLow(even, odd);   // pixels 0-3 | 8-11
                    var secondHalves = Avx.UnpackHigh(even, odd); // pixels 4-7 | 12-15
                    // Written, the lanes past the row (the next row's first pixels, or the next plane's) hold the start value until
                    // that row is stored; added to, they hold what was read.
                    Store(row, 0, Avx.Permute2x128(firstHalves, secondHalves, 0x20), lastRow, rowLanes, g.Width, relu);
                    Store(row, 1, Avx.Permute2x128(firstHalves, secondHalves, 0x31), lastRow, rowLanes, g.Width, relu);
                    if (!two) continue;
                    firstHalves = Avx.UnpackLow(even1, odd1);   // pixels 16-19 | 24-27
                    secondHalves = Avx.UnpackHigh(even1, odd1); // pixels 20-23 | 28-31
                    Store(row, 2, Avx.Permute2x128(firstHalves, secondHalves, 0x20), lastRow, rowLanes, g.Width, relu);
                    Store(row, 3, Avx.Permute2x128(firstHalves, secondHalves, 0x31), lastRow, rowLanes, g.Width, relu);
                }
            }
    }

    /// <summary>Pixels 8v .. 8v + 7 of a row: masked in the image's last row where they run past it (zero there).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(float* row, int v, bool lastRow, Vector256<float>* rowLanes, int width) =>
        lastRow && 8 * v + 8 > width ? Avx.MaskLoad(row + 8 * v, rowLanes[v]) : Avx.LoadVector256(row + 8 * v);

    /// <summary>Stores pixels 8v .. 8v + 7 of a row (masked as <see cref="Load"/> reads them), clamped at 0 first when <paramref name="relu"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, int v, Vector256<float> value, bool lastRow, Vector256<float>* rowLanes, int width, bool relu)
    {
        if (relu) value = ActivationKernels.ClampAtZero(value);
        if (lastRow && 8 * v + 8 > width) Avx.MaskStore(row + 8 * v, rowLanes[v], value);
        else Avx.Store(row + 8 * v, value);
    }

    /// <summary>Adds one channel plane's kh·kw tap rows (<paramref name="block"/>: its first tap row's block) onto it, by the one-image form.</summary>
    private static void FoldPlaneAdd(in ConvGeometry g, float* block, long ld, float* plane)
    {
        var onePlane = g with { Channels = 1 };
        FoldAdd(onePlane, new ReadOnlySpan<float>(block, (int)((onePlane.PatchSize - 1) * ld) + g.Positions), (int)ld, 0, new Span<float>(plane, g.Height * g.Width));
    }

    /// <summary>
    /// windowRow[iy·kh + i]: the window row oy whose kernel row i lands on image row iy (oy·s − p + i = iy), or −1;
    /// listed once, so the folds divide by the stride nowhere.
    /// </summary>
    private static void WindowRows(in ConvGeometry g, Span<int> windowRow)
    {
        int kh = g.KernelH;
        for (int iy = 0; iy < g.Height; iy++)
            for (int i = 0; i < kh; i++)
            {
                int shifted = iy + g.Padding - i;
                windowRow[iy * kh + i] = shifted >= 0 && shifted % g.Stride == 0 && shifted / g.Stride < g.OutH ? shifted / g.Stride : -1;
            }
    }
}
