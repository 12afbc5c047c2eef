using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels;

// A convolution's weight gradient dW = dY·colsᵀ reads the column matrix only through the GEMM's packed panels of
// colsᵀ (windows × taps). Packing those panels straight from the images skips the column matrix, which the
// unrolling writes and the packing reads back and transposes 8 × 8 block by block. With a 4 × 4 kernel a 16-tap
// micro-panel column is one channel's whole kernel, so a panel row (one window) is four 4-pixel runs of four image
// rows: four loads and two stores, or, for a window that overhangs the image, each run shifted to zero the pixels
// outside it. The panels hold exactly what PackedMatrix.Pack(transB: true, …) writes for the column matrix.
internal static unsafe partial class Im2Col
{
    /// <summary>Whether <see cref="PackPatches"/> handles <paramref name="g"/>: 4 × 4 kernels on rows of at least 4 pixels, with AVX2 and FMA.</summary>
    public static bool PacksPatches(in ConvGeometry g) =>
        g.KernelH == 4 && g.KernelW == 4 && g.Width >= 4 && Gemm.HasFma && Ssse3.IsSupported;

    /// <summary>
    /// Packs colsᵀ ((<paramref name="count"/>·Positions) × PatchSize: row w is window w's patch) of <paramref name="count"/>
    /// images into <paramref name="packed"/>, as <see cref="Gemm.PackedMatrix.Pack"/> with transB packs the column matrix
    /// <see cref="UnfoldBatch"/> writes. Only for geometries where <see cref="PacksPatches"/> holds.
    /// </summary>
    public static void PackPatches(in ConvGeometry g, ReadOnlySpan<float> images, int count, Gemm.PackedMatrix packed)
    {
        if (!PacksPatches(g)) throw new ArgumentException($"Im2Col.PackPatches: no patch packing for a {g.KernelH}×{g.KernelW} kernel on {g.Width}-pixel rows.");
        if (images.Length < (long)count * g.ImageSize)
            throw new ArgumentException($"Im2Col.PackPatches: {count} images of {g.ImageSize} floats need {(long)count * g.ImageSize}, got {images.Length}.");
        int depth = count * g.Positions, columns = g.PatchSize;
        packed.Layout(depth, columns, fromTransposed: true); // op(B) = colsᵀ
        if (depth == 0) return;
        int kc = packed.BlockDepth, nc = packed.BlockColumns;
        float* block = packed.Panels;
        fixed (float* src = images)
        {
            for (int jc = 0; jc < columns; jc += nc)
            {
                int ncHere = Math.Min(nc, columns - jc); // a multiple of 16: whole channels, every panel full
                for (int pc = 0; pc < depth; pc += kc)
                {
                    int kcHere = Math.Min(kc, depth - pc);
                    for (int jr = 0; jr < ncHere; jr += Gemm.NR)
                        PackChannelPanel(g, src, (jc + jr) / 16, pc, kcHere, block + (nint)jr * kcHere);
                    block += (nint)Gemm.PanelColumns(ncHere) * kcHere;
                }
            }
        }
    }

    /// <summary>Rows <paramref name="first"/> … +<paramref name="rows"/>−1 of channel <paramref name="channel"/>'s micro-panel: 16 floats per window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackChannelPanel(in ConvGeometry g, float* images, int channel, int first, int rows, float* panel)
    {
        int height = g.Height, width = g.Width, outH = g.OutH, outW = g.OutW, stride = g.Stride, pad = g.Padding;
        int planeSize = height * width, imageSize = g.ImageSize, positions = g.Positions;
        int image = first / positions, within = first - image * positions, oy = within / outW, ox = within - oy * outW;
        float* plane = images + (nint)image * imageSize + (nint)channel * planeSize;
        for (int q = 0; q < rows; q++, panel += 16)
        {
            int iy = oy * stride - pad, ix = ox * stride - pad;
            if (iy >= 0 && iy + 4 <= height && ix >= 0 && ix + 4 <= width)
            {
                float* p = plane + iy * width + ix;
                Vector256.Create(Vector128.Load(p), Vector128.Load(p + width)).Store(panel);
                Vector256.Create(Vector128.Load(p + 2 * width), Vector128.Load(p + 3 * width)).Store(panel + 8);
            }
            else
            {
                // Load the 4-pixel run inside the row nearest to the window's, then shift it by the overhang, zeros in.
                int start = Math.Clamp(ix, 0, width - 4), shift = ix - start;
                var control = shift is > -4 and < 4 ? ShiftControls[shift + 3] : Vector128<byte>.AllBitsSet;
                for (int i = 0; i < 4; i++, iy++)
                {
                    var run = (uint)iy < (uint)height
                        ? Ssse3.Shuffle(Vector128.Load(plane + iy * width + start).AsByte(), control).AsSingle()
                        : Vector128<float>.Zero;
                    run.Store(panel + 4 * i);
                }
            }
            if (++ox == outW)
            {
                ox = 0;
                if (++oy == outH)
                {
                    oy = 0;
                    plane += imageSize;
                }
            }
        }
    }

    /// <summary>
    /// pshufb controls: entry d + 3 (d = −3 … 3) moves lane j + d of a 4-float run to lane j, zeroing lanes whose
    /// source is outside the run (a byte with its top bit set selects zero).
    /// </summary>
    private static readonly Vector128<byte>[] ShiftControls = MakeShiftControls();

    private static Vector128<byte>[] MakeShiftControls()
    {
        var controls = new Vector128<byte>[7];
        Span<byte> bytes = stackalloc byte[16];
        for (int d = -3; d <= 3; d++)
        {
            for (int lane = 0; lane < 4; lane++)
            {
                int source = lane + d;
                for (int b = 0; b < 4; b++) bytes[4 * lane + b] = source is >= 0 and < 4 ? (byte)(4 * source + b) : (byte)0x80;
            }
            controls[d + 3] = Vector128.Create((ReadOnlySpan<byte>)bytes);
        }
        return controls;
    }
}
