namespace Workbench.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major storage:
/// C = α·op(A)·op(B) + β·C, where op(X) is X or Xᵀ.
/// </summary>
internal static partial class Gemm
{
    /// <param name="transA">Use Aᵀ: A is stored (k × m) with row stride <paramref name="lda"/>.</param>
    /// <param name="transB">Use Bᵀ: B is stored (n × k) with row stride <paramref name="ldb"/>.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        // Reference implementation; replaced by the blocked SIMD kernel.
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += av * bv;
                }
                c[i * ldc + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * ldc + j]);
            }
        }
    }
}
