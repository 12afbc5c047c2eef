using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels;

// The micro-kernel: C tile (MR × NR = 6 × 16) = α·Σ_p a[:, p]·b[p, :] + β·C tile, on packed micro-panels.
//
// With AVX2 + FMA the tile lives in 12 ymm accumulators (6 rows × 2 vectors of 8) for the whole kc loop;
// per p it loads two B vectors and broadcasts six A values, issuing 12 independent FMAs (enough to hide
// the 4-5 cycle FMA latency on 2 FMA pipes). That is 15 of the 16 ymm registers, the shape of the
// BLIS Haswell/Zen sgemm kernel. C is read and written once per rank-KC update.
//
// Edge tiles do not pay for the full tile: the row count is a type parameter (TRows, 1..6), so the JIT
// compiles one kernel per height with the unused rows removed, and a tile at most 8 wide runs a one-vector
// loop. Partial widths are stored with AVX masked loads/stores, so no scratch tile is needed.
internal static unsafe partial class Gemm
{
    /// <summary>Compile-time row count of a micro-kernel instantiation.</summary>
    private interface IRowCount { static abstract int Count { get; } }
    private struct Rows1 : IRowCount { public static int Count => 1; }
    private struct Rows2 : IRowCount { public static int Count => 2; }
    private struct Rows3 : IRowCount { public static int Count => 3; }
    private struct Rows4 : IRowCount { public static int Count => 4; }
    private struct Rows5 : IRowCount { public static int Count => 5; }
    private struct Rows6 : IRowCount { public static int Count => 6; }

    /// <summary>Runs the FMA micro-kernel for a tile of <paramref name="rows"/> (1..MR) × <paramref name="cols"/> (1..NR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernelFma(int rows, int cols, int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        switch (rows)
        {
            case 6: MicroKernelFma<Rows6>(kc, a, b, c, ldc, alpha, beta, cols); break;
            case 5: MicroKernelFma<Rows5>(kc, a, b, c, ldc, alpha, beta, cols); break;
            case 4: MicroKernelFma<Rows4>(kc, a, b, c, ldc, alpha, beta, cols); break;
            case 3: MicroKernelFma<Rows3>(kc, a, b, c, ldc, alpha, beta, cols); break;
            case 2: MicroKernelFma<Rows2>(kc, a, b, c, ldc, alpha, beta, cols); break;
            default: MicroKernelFma<Rows1>(kc, a, b, c, ldc, alpha, beta, cols); break;
        }
    }

    /// <param name="kc">Depth (columns of the A micro-panel, rows of the B micro-panel).</param>
    /// <param name="a">Packed A micro-panel: element (i, p) at p·MR + i.</param>
    /// <param name="b">Packed B micro-panel, 32-byte aligned: element (p, j) at p·NR + j.</param>
    /// <param name="c">Top-left of the C tile, row stride <paramref name="ldc"/>; with β = 0 it is only written.</param>
    /// <param name="cols">Valid columns of the tile (1..NR); the rest of the panel is zero padding.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernelFma<TRows>(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta, int cols)
        where TRows : struct, IRowCount
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;

        if (cols > 8)
        {
            for (int q = 0; q < kc; q++, a += MR, b += NR)
            {
                var b0 = Avx.LoadAlignedVector256(b);
                var b1 = Avx.LoadAlignedVector256(b + 8);
                var a0 = Avx.BroadcastScalarToVector256(a + 0); c00 = Fma.MultiplyAdd(a0, b0, c00); c01 = Fma.MultiplyAdd(a0, b1, c01);
                if (TRows.Count > 1) { var a1 = Avx.BroadcastScalarToVector256(a + 1); c10 = Fma.MultiplyAdd(a1, b0, c10); c11 = Fma.MultiplyAdd(a1, b1, c11); }
                if (TRows.Count > 2) { var a2 = Avx.BroadcastScalarToVector256(a + 2); c20 = Fma.MultiplyAdd(a2, b0, c20); c21 = Fma.MultiplyAdd(a2, b1, c21); }
                if (TRows.Count > 3) { var a3 = Avx.BroadcastScalarToVector256(a + 3); c30 = Fma.MultiplyAdd(a3, b0, c30); c31 = Fma.MultiplyAdd(a3, b1, c31); }
                if (TRows.Count > 4) { var a4 = Avx.BroadcastScalarToVector256(a + 4); c40 = Fma.MultiplyAdd(a4, b0, c40); c41 = Fma.MultiplyAdd(a4, b1, c41); }
                if (TRows.Count > 5) { var a5 = Avx.BroadcastScalarToVector256(a + 5); c50 = Fma.MultiplyAdd(a5, b0, c50); c51 = Fma.MultiplyAdd(a5, b1, c51); }
            }
        }
        else
        {
            for (int q = 0; q < kc; q++, a += MR, b += NR)
            {
                var b0 = Avx.LoadAlignedVector256(b);
                var a0 = Avx.BroadcastScalarToVector256(a + 0); c00 = Fma.MultiplyAdd(a0, b0, c00);
                if (TRows.Count > 1) { var a1 = Avx.BroadcastScalarToVector256(a + 1); c10 = Fma.MultiplyAdd(a1, b0, c10); }
                if (TRows.Count > 2) { var a2 = Avx.BroadcastScalarToVector256(a + 2); c20 = Fma.MultiplyAdd(a2, b0, c20); }
                if (TRows.Count > 3) { var a3 = Avx.BroadcastScalarToVector256(a + 3); c30 = Fma.MultiplyAdd(a3, b0, c30); }
                if (TRows.Count > 4) { var a4 = Avx.BroadcastScalarToVector256(a + 4); c40 = Fma.MultiplyAdd(a4, b0, c40); }
                if (TRows.Count > 5) { var a5 = Avx.BroadcastScalarToVector256(a + 5); c50 = Fma.MultiplyAdd(a5, b0, c50); }
            }
        }

        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        bool betaZero = beta == 0, full = cols == NR;
        Vector256<float> mask0 = default, mask1 = default;
        if (!full)
        {
            var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            mask0 = Vector256.LessThan(lane, Vector256.Create(cols)).AsSingle();
            mask1 = Vector256.LessThan(lane, Vector256.Create(cols - 8)).AsSingle();
        }
            StoreRow(c + 0 * ldc, c00, c01, va, vb, betaZero, full, mask0, mask1);
            if (TRows.Count > 1) StoreRow(c + 1 * ldc, c10, c11, va, vb, betaZero, full, mask0, mask1);
            if (TRows.Count > 2) StoreRow(c + 2 * ldc, c20, c21, va, vb, betaZero, full, mask0, mask1);
            if (TRows.Count > 3) StoreRow(c + 3 * ldc, c30, c31, va, vb, betaZero, full, mask0, mask1);
            if (TRows.Count > 4) StoreRow(c + 4 * ldc, c40, c41, va, vb, betaZero, full, mask0, mask1);
            if (TRows.Count > 5) StoreRow(c + 5 * ldc, c50, c51, va, vb, betaZero, full, mask0, mask1);
    }

    /// <summary>
    /// c[0..16] = α·(x0, x1) + β·c[0..16] (C not read when β = 0); when not <paramref name="full"/>, only the lanes
    /// set in the masks are read or written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> alpha, Vector256<float> beta,
        bool betaZero, bool full, Vector256<float> mask0, Vector256<float> mask1)
    {
        x0 = Avx.Multiply(alpha, x0);
        x1 = Avx.Multiply(alpha, x1);
        if (full)
        {
            if (!betaZero)
            {
                x0 = Fma.MultiplyAdd(beta, Avx.LoadVector256(c), x0);
                x1 = Fma.MultiplyAdd(beta, Avx.LoadVector256(c + 8), x1);
            }
            Avx.Store(c, x0);
            Avx.Store(c + 8, x1);
        }
        else
        {
            if (!betaZero)
            {
                x0 = Fma.MultiplyAdd(beta, Avx.MaskLoad(c, mask0), x0);
                x1 = Fma.MultiplyAdd(beta, Avx.MaskLoad(c + 8, mask1), x1);
            }
            Avx.MaskStore(c, mask0, x0);
            Avx.MaskStore(c + 8, mask1, x1);
        }
    }
}
