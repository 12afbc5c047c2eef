using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels;

// The micro-kernel: C tile (MR × NR = 6 × 16) = α·Σ_p a[:, p]·b[p, :] + β·C tile, on packed micro-panels.
//
// With AVX2 + FMA the tile lives in 12 ymm accumulators (6 rows × 2 vectors of 8) for the whole kc loop;
// per p it loads two B vectors and broadcasts six A values, issuing 12 independent FMAs (enough to hide
// the 4-5 cycle FMA latency on 2 FMA pipes). That is 15 of the 16 ymm registers, the shape of the
// BLIS Haswell/Zen sgemm kernel. C is touched only once per rank-KC update.
internal static unsafe partial class Gemm
{
    /// <param name="kc">Depth (columns of the A micro-panel, rows of the B micro-panel).</param>
    /// <param name="a">Packed A micro-panel: element (i, p) at p·MR + i.</param>
    /// <param name="b">Packed B micro-panel, 32-byte aligned: element (p, j) at p·NR + j.</param>
    /// <param name="c">Top-left of the C tile, row stride <paramref name="ldc"/>; with β = 0 it is only written.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernelFma(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;

        // Two p-steps per iteration halve the loop overhead; the remainder step follows.
        int q = kc;
        for (; q >= 2; q -= 2, a += 2 * MR, b += 2 * NR)
        {
            var b0 = Avx.LoadAlignedVector256(b);
            var b1 = Avx.LoadAlignedVector256(b + 8);
            var ai = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(ai, b0, c00); c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(ai, b0, c10); c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(ai, b0, c20); c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(ai, b0, c30); c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(ai, b0, c40); c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(ai, b0, c50); c51 = Fma.MultiplyAdd(ai, b1, c51);

            b0 = Avx.LoadAlignedVector256(b + NR);
            b1 = Avx.LoadAlignedVector256(b + NR + 8);
            ai = Avx.BroadcastScalarToVector256(a + MR);
            c00 = Fma.MultiplyAdd(ai, b0, c00); c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(a + MR + 1);
            c10 = Fma.MultiplyAdd(ai, b0, c10); c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(a + MR + 2);
            c20 = Fma.MultiplyAdd(ai, b0, c20); c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(a + MR + 3);
            c30 = Fma.MultiplyAdd(ai, b0, c30); c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Avx.BroadcastScalarToVector256(a + MR + 4);
            c40 = Fma.MultiplyAdd(ai, b0, c40); c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Avx.BroadcastScalarToVector256(a + MR + 5);
            c50 = Fma.MultiplyAdd(ai, b0, c50); c51 = Fma.MultiplyAdd(ai, b1, c51);
        }
        if (q == 1)
        {
            var b0 = Avx.LoadAlignedVector256(b);
            var b1 = Avx.LoadAlignedVector256(b + 8);
            var ai = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(ai, b0, c00); c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(ai, b0, c10); c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(ai, b0, c20); c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(ai, b0, c30); c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(ai, b0, c40); c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(ai, b0, c50); c51 = Fma.MultiplyAdd(ai, b1, c51);
        }

        var va = Vector256.Create(alpha);
        if (beta == 0)
        {
            StoreRow(c, c00, c01, va);
            StoreRow(c + ldc, c10, c11, va);
            StoreRow(c + 2 * ldc, c20, c21, va);
            StoreRow(c + 3 * ldc, c30, c31, va);
            StoreRow(c + 4 * ldc, c40, c41, va);
            StoreRow(c + 5 * ldc, c50, c51, va);
        }
        else
        {
            var vb = Vector256.Create(beta);
            UpdateRow(c, c00, c01, va, vb);
            UpdateRow(c + ldc, c10, c11, va, vb);
            UpdateRow(c + 2 * ldc, c20, c21, va, vb);
            UpdateRow(c + 3 * ldc, c30, c31, va, vb);
            UpdateRow(c + 4 * ldc, c40, c41, va, vb);
            UpdateRow(c + 5 * ldc, c50, c51, va, vb);
        }
    }

    /// <summary>c[0..16] = α·(x0, x1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> alpha)
    {
        Avx.Store(c, Avx.Multiply(alpha, x0));
        Avx.Store(c + 8, Avx.Multiply(alpha, x1));
    }

    /// <summary>c[0..16] = α·(x0, x1) + β·c[0..16].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateRow(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> alpha, Vector256<float> beta)
    {
        Avx.Store(c, Fma.MultiplyAdd(beta, Avx.LoadVector256(c), Avx.Multiply(alpha, x0)));
        Avx.Store(c + 8, Fma.MultiplyAdd(beta, Avx.LoadVector256(c + 8), Avx.Multiply(alpha, x1)));
    }

    /// <summary>
    /// The same tile computation for any CPU: one row of the tile at a time in four Vector128 accumulators
    /// (the B micro-panel is re-read per row from L1). Slower, but it keeps packing and blocking shared.
    /// </summary>
    private static void MicroKernelPortable(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        for (int i = 0; i < MR; i++)
        {
            Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default;
            float* ap = a + i;
            float* bp = b;
            for (int q = 0; q < kc; q++, ap += MR, bp += NR)
            {
                var ai = Vector128.Create(*ap);
                s0 += ai * Vector128.Load(bp);
                s1 += ai * Vector128.Load(bp + 4);
                s2 += ai * Vector128.Load(bp + 8);
                s3 += ai * Vector128.Load(bp + 12);
            }
            float* row = c + i * ldc;
            if (beta == 0)
            {
                (alpha * s0).Store(row);
                (alpha * s1).Store(row + 4);
                (alpha * s2).Store(row + 8);
                (alpha * s3).Store(row + 12);
            }
            else
            {
                (alpha * s0 + beta * Vector128.Load(row)).Store(row);
                (alpha * s1 + beta * Vector128.Load(row + 4)).Store(row + 4);
                (alpha * s2 + beta * Vector128.Load(row + 8)).Store(row + 8);
                (alpha * s3 + beta * Vector128.Load(row + 12)).Store(row + 12);
            }
        }
    }
}
