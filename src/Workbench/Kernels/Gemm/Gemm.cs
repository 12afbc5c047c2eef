using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major storage:
/// C = α·op(A)·op(B) + β·C, where op(X) is X or Xᵀ.
/// </summary>
/// <remarks>
/// Structured like BLIS/OpenBLAS (Goto &amp; van de Geijn, "Anatomy of High-Performance Matrix
/// Multiplication", ACM TOMS 2008; Van Zee &amp; van de Geijn, "BLIS", ACM TOMS 2015):
/// <list type="bullet">
/// <item>Gemm.cs (this file): argument checks, trivial cases, the small-problem path, dispatch.</item>
/// <item>Gemm.Blocking.cs: the MC/KC/NC block sizes, the five loops around the micro-kernel, and the
/// choice to compute a narrow result as Cᵀ = op(B)ᵀ·op(A)ᵀ.</item>
/// <item>Gemm.Packing.cs: copies of A and B blocks into micro-panels (transposes are absorbed here).</item>
/// <item>Gemm.MicroKernel.cs: the 6×16 AVX2/FMA register-blocked kernel (and its edge-tile variants).</item>
/// <item>Gemm.PortableKernel.cs: the Vector128 fallback kernel for CPUs without AVX2/FMA.</item>
/// <item>Gemm.Threading.cs: splitting C among threads; WorkerPool.cs: the threads that run the parts.</item>
/// </list>
/// </remarks>
internal static partial class Gemm
{
    /// <summary>Problems with m·n·k below this take a simple single-threaded loop: packing would cost more than it saves.</summary>
    internal const long SmallProblemVolume = 32 * 1024;

    private static int maxThreads = Environment.ProcessorCount;

    /// <summary>Upper bound on the threads one multiply uses (default: <see cref="Environment.ProcessorCount"/>).</summary>
    internal static int MaxThreads
    {
        get => maxThreads;
        set => maxThreads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Gemm.MaxThreads must be at least 1.");
    }

    /// <summary>While set, every product's shape is recorded in it (<see cref="GemmLog.Record"/>); null otherwise.</summary>
    internal static GemmLog? Log;

    /// <summary>Which micro-kernel the blocked path runs.</summary>
    internal enum Kernel
    {
        /// <summary>AVX2 + FMA when the CPU has them, otherwise portable.</summary>
        Best,
        /// <summary>Vector128 multiply-then-add, runs anywhere (used as the fallback and to test it).</summary>
        Portable,
    }

    /// <summary>True when the 6×16 FMA micro-kernel can run on this CPU.</summary>
    internal static bool HasFma => Fma.IsSupported && Avx2.IsSupported;

    /// <param name="transA">Use Aᵀ: A is stored (k × m) with row stride <paramref name="lda"/>.</param>
    /// <param name="transB">Use Bᵀ: B is stored (n × k) with row stride <paramref name="ldb"/>.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="beta">Weight of the existing C; when 0, C is only written (NaNs in it do not propagate).</param>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Multiply(Kernel.Best, MaxThreads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, default, false);

    /// <summary>
    /// C = α·op(A)·op(B) + 1·bias (bias[j] added to column j; none when empty), then max(C, 0) when
    /// <paramref name="relu"/>: a fully connected layer and its ReLU in one pass over C. Each micro-tile of C
    /// is filled with the bias just before its first rank-KC update (β = 1 from there) and clamped right after
    /// its last, while it is in L1; the bits are those of filling C with the broadcast bias, multiplying with
    /// β = 1 and applying <c>TensorPrimitives.Max(C, 0)</c> afterwards.
    /// </summary>
    public static void MultiplyBiasRelu(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<float> bias, bool relu, Span<float> c, int ldc)
        => Multiply(Kernel.Best, MaxThreads, transA, transB, m, n, k, alpha, a, lda, b, ldb, 0f, c, ldc, bias, relu);

    /// <summary>
    /// As the public overload, with the micro-kernel and the thread bound chosen explicitly; the small-problem
    /// shortcut is skipped when <paramref name="kernel"/> is <see cref="Kernel.Portable"/> so tests reach the blocked path.
    /// </summary>
    internal static unsafe void Multiply(Kernel kernel, int threads, bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool relu = false)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"Gemm: dimensions must be non-negative (m={m}, n={n}, k={k}).");
        RequireMatrix("C", c.Length, m, n, ldc);
        if (!bias.IsEmpty && (bias.Length != n || beta != 0f))
            throw new ArgumentException($"Gemm: a bias needs one value per column of C ({n}, got {bias.Length}) and β = 0 (got {beta}).");
        if (m == 0 || n == 0) return;
        Log?.Add(transA, transB, m, n, k, threads);
        if (k == 0 || alpha == 0 || (kernel == Kernel.Best && (long)m * n * k < SmallProblemVolume))
        {
            // Without packing: C starts from the broadcast bias (β = 1 on it) as the blocked path's tiles do.
            if (!bias.IsEmpty)
                for (int i = 0; i < m; i++) bias.CopyTo(c.Slice(i * ldc, n));
            float start = bias.IsEmpty ? beta : 1f;
            if (k == 0 || alpha == 0)
            {
                // op(A)·op(B) contributes nothing; A and B may legitimately be empty.
                ScaleC(c, m, n, ldc, start);
            }
            else
            {
                RequireMatrix("A", a.Length, transA ? k : m, transA ? m : k, lda);
                RequireMatrix("B", b.Length, transB ? n : k, transB ? k : n, ldb);
                MultiplySmall(transA, transB, m, n, k, alpha, a, lda, b, ldb, start, c, ldc);
            }
            if (relu)
                for (int i = 0; i < m; i++) System.Numerics.Tensors.TensorPrimitives.Max(c.Slice(i * ldc, n), 0f, c.Slice(i * ldc, n));
            return;
        }
        RequireMatrix("A", a.Length, transA ? k : m, transA ? m : k, lda);
        RequireMatrix("B", b.Length, transB ? n : k, transB ? k : n, ldb);

        bool useFma = kernel == Kernel.Best && HasFma;
        fixed (float* pa = a, pb = b, pc = c, pbias = bias)
        {
            var problem = new Problem(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, 1, useFma,
                bias.IsEmpty ? null : pbias, biasPerRow: false, relu);
            Run(PrefersTransposed(m, n) ? problem.Transposed() : problem, Math.Max(1, threads));
        }
    }

    /// <summary>Throws unless a (rows × cols) matrix with row stride <paramref name="ld"/> fits in <paramref name="length"/> floats.</summary>
    private static void RequireMatrix(string name, int length, int rows, int cols, int ld)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentException($"Gemm: leading dimension of {name} is {ld} but its rows have {cols} elements.");
        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"Gemm: {name} ({rows} × {cols}, stride {ld}) needs {needed} elements but has {length}.");
    }

    /// <summary>C = β·C over the (m × n) window, writing zeros (not β·NaN) when β = 0.</summary>
    private static void ScaleC(Span<float> c, int m, int n, int ldc, float beta)
    {
        for (int i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>
    /// Tiny problems: row-by-row products with no packing. C rows are formed as Σ_p op(A)[i,p]·op(B)[p,:]
    /// (contiguous B rows) or, when B is transposed, as dot products with B's rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplySmall(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        Span<float> aRow = k <= 1024 ? stackalloc float[k] : new float[k];
        for (int i = 0; i < m; i++)
        {
            // op(A)[i, :] gathered once per row.
            if (!transA) a.Slice(i * lda, k).CopyTo(aRow);
            else for (int p = 0; p < k; p++) aRow[p] = a[p * lda + i];

            var cRow = c.Slice(i * ldc, n);
            if (transB)
            {
                for (int j = 0; j < n; j++)
                {
                    float dot = System.Numerics.Tensors.TensorPrimitives.Dot(aRow, b.Slice(j * ldb, k));
                    cRow[j] = beta == 0 ? alpha * dot : alpha * dot + beta * cRow[j];
                }
            }
            else
            {
                if (beta == 0) cRow.Clear();
                else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(cRow, beta, cRow);
                for (int p = 0; p < k; p++)
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), alpha * aRow[p], cRow, cRow);
            }
        }
    }
}
