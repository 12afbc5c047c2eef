using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels;

// Packing copies a block of op(A) or op(B) into the order the micro-kernel reads it, so the kernel
// only ever walks two contiguous arrays whatever the transposes and leading dimensions are:
//
//   A block (mc × kc) → micro-panels of MR rows:  panel[ir] at ir·kc, element (i, p) at p·MR + i
//   B block (kc × nc) → micro-panels of NR cols:  panel[jr] at jr·kc, element (p, j) at p·NR + j
//
// Rows/columns past the edge of the matrix are zero-filled, so a kernel may compute whole vectors (the FMA
// kernel) or whole tiles (the portable one) past the edge and only ever multiplies zeros there.
// Two of the four cases are plain row copies (Aᵀ stored k × m; B stored k × n). The other two gather a
// column of MR or NR elements per p; on AVX they are done as 8 × 8 in-register transposes.
internal static unsafe partial class Gemm
{
    /// <summary>Packs op(A)[ic .. ic+mc, pc .. pc+kc] into MR-row micro-panels at <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(in Problem p, int ic, int mc, int pc, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            int rows = Math.Min(MR, mc - ir);
            float* panel = dst + (nint)ir * kc;
            if (p.TransA)
            {
                // A stored (k × m): op(A)[i, p] = A[p, i], so MR consecutive floats of a stored row per p.
                float* src = p.A + (nint)pc * p.Lda + ic + ir;
                for (int q = 0; q < kc; q++, src += p.Lda, panel += MR)
                {
                    int i = 0;
                    for (; i < rows; i++) panel[i] = src[i];
                    for (; i < MR; i++) panel[i] = 0;
                }
            }
            else
            {
                // A stored (m × k): each stored row is one row of the panel; interleave MR rows.
                float* src = p.A + (nint)(ic + ir) * p.Lda + pc;
                int q = 0;
                if (p.UseFma && rows == MR) q = PackSixRowsAvx(src, p.Lda, kc, panel);
                for (; q < kc; q++)
                {
                    int i = 0;
                    for (; i < rows; i++) panel[q * MR + i] = src[i * (nint)p.Lda + q];
                    for (; i < MR; i++) panel[q * MR + i] = 0;
                }
            }
        }
    }

    /// <summary>Packs op(B)[pc .. pc+kc, jc .. jc+nc] into NR-column micro-panels at <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(in Problem p, int pc, int kc, int jc, int nc, float* dst)
    {
        for (int jr = 0; jr < nc; jr += NR)
        {
            int cols = Math.Min(NR, nc - jr);
            float* panel = dst + (nint)jr * kc;
            if (!p.TransB)
            {
                // B stored (k × n): NR consecutive floats of a stored row per p.
                float* src = p.B + (nint)pc * p.Ldb + jc + jr;
                if (cols == NR && p.UseFma)
                {
                    for (int q = 0; q < kc; q++, src += p.Ldb, panel += NR)
                    {
                        Avx.StoreAligned(panel, Avx.LoadVector256(src));
                        Avx.StoreAligned(panel + 8, Avx.LoadVector256(src + 8));
                    }
                }
                else
                {
                    for (int q = 0; q < kc; q++, src += p.Ldb, panel += NR)
                    {
                        int j = 0;
                        for (; j < cols; j++) panel[j] = src[j];
                        for (; j < NR; j++) panel[j] = 0;
                    }
                }
            }
            else
            {
                // B stored (n × k): op(B)[p, j] = B[j, p]; each stored row is one column of the panel.
                float* src = p.B + (nint)(jc + jr) * p.Ldb + pc;
                int q = 0;
                if (p.UseFma && cols == NR)
                {
                    for (; q + 8 <= kc; q += 8)
                    {
                        TransposeStore8x8(src + q, p.Ldb, panel + q * NR, NR);
                        TransposeStore8x8(src + 8 * (nint)p.Ldb + q, p.Ldb, panel + q * NR + 8, NR);
                    }
                }
                for (; q < kc; q++)
                {
                    int j = 0;
                    for (; j < cols; j++) panel[q * NR + j] = src[j * (nint)p.Ldb + q];
                    for (; j < NR; j++) panel[q * NR + j] = 0;
                }
            }
        }
    }

    /// <summary>
    /// Interleaves six rows (stride <paramref name="ld"/>) eight columns at a time with an 8 × 8 transpose whose
    /// two extra rows are zero. Each transposed column is stored as 8 floats at q·6, so its last two
    /// (garbage) lanes are overwritten by the next column; the final block spills 2 floats past the panel,
    /// into the next panel (packed after this one) or the buffer's slack. Returns the columns done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int PackSixRowsAvx(float* src, nint ld, int kc, float* panel)
    {
        int q = 0;
        for (; q + 8 <= kc; q += 8)
        {
            var r0 = Avx.LoadVector256(src + q);
            var r1 = Avx.LoadVector256(src + ld + q);
            var r2 = Avx.LoadVector256(src + 2 * ld + q);
            var r3 = Avx.LoadVector256(src + 3 * ld + q);
            var r4 = Avx.LoadVector256(src + 4 * ld + q);
            var r5 = Avx.LoadVector256(src + 5 * ld + q);
            var r6 = Vector256<float>.Zero;
            var r7 = Vector256<float>.Zero;
            Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            float* d = panel + q * MR;
            Avx.Store(d, r0);
            Avx.Store(d + MR, r1);
            Avx.Store(d + 2 * MR, r2);
            Avx.Store(d + 3 * MR, r3);
            Avx.Store(d + 4 * MR, r4);
            Avx.Store(d + 5 * MR, r5);
            Avx.Store(d + 6 * MR, r6);
            Avx.Store(d + 7 * MR, r7);
        }
        return q;
    }

    /// <summary>dst[q·ldd + r] = src[r·lds + q] for an 8 × 8 block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeStore8x8(float* src, nint lds, float* dst, nint ldd)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + lds);
        var r2 = Avx.LoadVector256(src + 2 * lds);
        var r3 = Avx.LoadVector256(src + 3 * lds);
        var r4 = Avx.LoadVector256(src + 4 * lds);
        var r5 = Avx.LoadVector256(src + 5 * lds);
        var r6 = Avx.LoadVector256(src + 6 * lds);
        var r7 = Avx.LoadVector256(src + 7 * lds);
        Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Avx.Store(dst, r0);
        Avx.Store(dst + ldd, r1);
        Avx.Store(dst + 2 * ldd, r2);
        Avx.Store(dst + 3 * ldd, r3);
        Avx.Store(dst + 4 * ldd, r4);
        Avx.Store(dst + 5 * ldd, r5);
        Avx.Store(dst + 6 * ldd, r6);
        Avx.Store(dst + 7 * ldd, r7);
    }

    /// <summary>In-register transpose: on return rq holds element q of every input row, in row order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        // Interleave pairs of rows, then pairs of pairs (within 128-bit lanes), then swap lane halves.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(s0, s4, 0x20); r1 = Avx.Permute2x128(s1, s5, 0x20);
        r2 = Avx.Permute2x128(s2, s6, 0x20); r3 = Avx.Permute2x128(s3, s7, 0x20);
        r4 = Avx.Permute2x128(s0, s4, 0x31); r5 = Avx.Permute2x128(s1, s5, 0x31);
        r6 = Avx.Permute2x128(s2, s6, 0x31); r7 = Avx.Permute2x128(s3, s7, 0x31);
    }
}
