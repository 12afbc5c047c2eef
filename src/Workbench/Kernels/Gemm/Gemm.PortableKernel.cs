using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

// The fallback micro-kernel for CPUs without AVX2/FMA (and for testing the packing/blocking on its own):
// same packed inputs, same full MR × NR tile, Vector128 multiply-then-add, which runs on SSE, NEON or in
// software. Edge tiles go through a scratch tile and only their valid part is merged into C.
internal static unsafe partial class Gemm
{
    /// <summary>C tile (rows × cols) = α·Σ_p a[:, p]·b[p, :] + β·C tile, through a scratch tile when partial.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernelPortable(int rows, int cols, int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        if (rows == MR && cols == NR)
        {
            MicroKernelPortable(kc, a, b, c, ldc, alpha, beta);
            return;
        }
        float* scratch = stackalloc float[MR * NR];
        MicroKernelPortable(kc, a, b, scratch, NR, 1f, 0f);
        for (int i = 0; i < rows; i++)
        {
            float* src = scratch + i * NR;
            float* dst = c + i * ldc;
            if (beta == 0) for (int j = 0; j < cols; j++) dst[j] = alpha * src[j];
            else for (int j = 0; j < cols; j++) dst[j] = alpha * src[j] + beta * dst[j];
        }
    }

    /// <summary>
    /// The full MR × NR tile, one row at a time in four Vector128 accumulators (the B micro-panel is re-read
    /// per row, from L1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
