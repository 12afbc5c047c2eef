using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Tests.Kernels;

public class GemmTests
{
    // Sizes that land on and around every tail: micro-tile rows (6), columns (16), the packing transposes (8)
    // and the block sizes (MC = 144, KC = 384).
    private static readonly int[] Sizes = [1, 2, 7, 15, 16, 17, 33, 64, 65, 145, 257, 401];

    // (α, β) pairs; β = 0 runs with a NaN-filled C that must not leak into the result.
    private static readonly (float Alpha, float Beta)[] Scalings = [(1f, 0f), (1f, 1f), (0.75f, 0.5f), (-1.5f, 0f), (2f, -1f)];

    public static TheoryData<bool, bool> Transposes => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    /// <summary>
    /// Every size appears once as m, once as n and once as k (the other two rotate through the list), with
    /// varying α/β and padded leading dimensions, through the default path, the portable kernel and an
    /// uneven 3-thread split.
    /// </summary>
    [Theory]
    [MemberData(nameof(Transposes))]
    public void Multiply_SizeSweep_MatchesDoubleReference(bool transA, bool transB)
    {
        int case_ = 0;
        for (int i = 0; i < Sizes.Length; i++)
        {
            int s = Sizes[i], x = Sizes[(i + 3) % Sizes.Length], y = Sizes[(i + 7) % Sizes.Length];
            foreach (var (m, n, k) in new[] { (s, x, y), (x, s, y), (x, y, s) })
            {
                var (alpha, beta) = Scalings[case_ % Scalings.Length];
                int pad = (case_ % 3) * 5; // 0, 5 or 10 extra floats per stored row
                var what = $"{(transA ? "T" : "N")}{(transB ? "T" : "N")} m={m} n={n} k={k} α={alpha} β={beta} pad={pad}";
                Check(Gemm.Kernel.Best, Gemm.MaxThreads, transA, transB, m, n, k, alpha, beta, pad, (ulong)case_, what);
                Check(Gemm.Kernel.Portable, 1, transA, transB, m, n, k, alpha, beta, pad, (ulong)case_, what + " portable");
                Check(Gemm.Kernel.Best, 3, transA, transB, m, n, k, alpha, beta, pad, (ulong)case_, what + " 3 threads");
                case_++;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Multiply_VaeLayerShape_MatchesDoubleReference(bool transA, bool transB)
    {
        // Batch 128 through a 784 → 400 layer, the shape of the VAE encoder's first Linear.
        Check(Gemm.Kernel.Best, Gemm.MaxThreads, transA, transB, 128, 400, 784, 1f, 0f, 0, 11, "VAE forward");
        Check(Gemm.Kernel.Best, Gemm.MaxThreads, transA, transB, 400, 784, 128, 1f, 1f, 3, 12, "VAE weight gradient");
        // A 20-wide result (the latent head) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ and merged transposed.
        Check(Gemm.Kernel.Best, Gemm.MaxThreads, transA, transB, 128, 20, 400, 0.5f, 0.25f, 2, 13, "VAE latent head");
        Check(Gemm.Kernel.Portable, 1, transA, transB, 128, 20, 400, 1f, 0f, 1, 14, "VAE latent head portable");
    }

    /// <summary>
    /// A product split among threads has the one-thread product's bits. Strips of columns or rows share out
    /// micro-tiles, so the panel (or row strip) on a cut is computed by two parts, each its own tiles: a tile
    /// left out stays NaN (β = 0 over NaN), a tile computed twice adds its product twice (β = 1).
    /// </summary>
    [Theory]
    [InlineData(false, true, 128, 400, 784)] // 25 panels: the cut runs through the 13th on 2 threads
    [InlineData(false, true, 128, 784, 400)] // 49 panels
    [InlineData(true, false, 784, 400, 128)] // strips of rows: 131 row tiles
    [InlineData(true, false, 400, 784, 128)]
    [InlineData(false, false, 127, 33, 1000)] // narrow edge panel, 1-row edge tile, three rank-KC updates
    [InlineData(false, true, 128, 20, 400)] // computed as Cᵀ (a 20-wide result)
    [InlineData(false, false, 300, 300, 300)] // 4 threads: a 2 × 2 grid of rectangles
    public void Multiply_SplitAmongThreads_KeepsTheOneThreadBits(bool transA, bool transB, int m, int n, int k)
    {
        var rng = new Rng(77);
        var a = new float[m * k];
        var b = new float[k * n];
        var bias = new float[n];
        var start = new float[m * n];
        rng.FillUniform(a, -1f, 1f);
        rng.FillUniform(b, -1f, 1f);
        rng.FillUniform(bias, -1f, 1f);
        rng.FillUniform(start, -1f, 1f);
        int lda = transA ? m : k, ldb = transB ? k : n;
        foreach (var (beta, withBias, relu) in new[] { (0f, false, false), (1f, false, false), (0f, true, true) })
        {
            float[] Product(int threads)
            {
                var c = beta == 0 ? Enumerable.Repeat(float.NaN, m * n).ToArray() : (float[])start.Clone();
                Gemm.Multiply(Gemm.Kernel.Best, threads, transA, transB, m, n, k, 1f, a, lda, b, ldb, beta, c, n,
                    withBias ? bias : default, relu);
                return c;
            }
            var one = Product(1);
            Assert.All(one, x => Assert.True(float.IsFinite(x)));
            foreach (int threads in new[] { 2, 3, 4 })
            {
                var split = Product(threads);
                for (int i = 0; i < one.Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(one[i]) == BitConverter.SingleToInt32Bits(split[i]),
                        $"{m} × {n} × {k}, β = {beta}, bias {withBias}, {threads} threads: C[{i / n}, {i % n}] = {split[i]:R}, one thread {one[i]:R}");
            }
        }
    }

    [Theory]
    [InlineData(false, false, 200, 700, 500)] // strips of columns: two row blocks × two rank-KC updates of A kept
    [InlineData(true, false, 784, 400, 1000)] // strips of rows: three rank-KC blocks of B kept
    [InlineData(false, true, 128, 400, 784)] // the MLP's first layer
    public void Multiply_AllPartsOfASplitOnOneThread_ReuseItsPackedBlocksAndKeepTheBits(bool transA, bool transB, int m, int n, int k)
    {
        // Called from inside a job of the worker pool, a product's parts all run on this one thread in turn (the pool
        // is taken), so every part after the first reads the shared operand's blocks the first one packed. Two
        // products in a row check that a new product does not read the last one's blocks.
        var rng = new Rng(78);
        int lda = transA ? m : k, ldb = transB ? k : n;
        var one = new float[2][];
        var inJob = new float[2][];
        for (int round = 0; round < 2; round++)
        {
            var a = new float[m * k];
            var b = new float[k * n];
            rng.FillUniform(a, -1f, 1f);
            rng.FillUniform(b, -1f, 1f);
            one[round] = new float[m * n];
            Gemm.Multiply(Gemm.Kernel.Best, 1, transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, one[round], n);
            var c = inJob[round] = Enumerable.Repeat(float.NaN, m * n).ToArray();
            WorkerPool.Run(new OnePart(() => Gemm.Multiply(Gemm.Kernel.Best, 2, transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, n)), 2, 2);
        }
        for (int round = 0; round < 2; round++)
            for (int i = 0; i < m * n; i++)
                Assert.True(BitConverter.SingleToInt32Bits(one[round][i]) == BitConverter.SingleToInt32Bits(inJob[round][i]),
                    $"{m} × {n} × {k}, product {round + 1}: C[{i / n}, {i % n}] = {inJob[round][i]:R}, one thread {one[round][i]:R}");
    }

    /// <summary>A two-part job whose first part runs <paramref name="action"/>.</summary>
    private sealed class OnePart(Action action) : PartedWork
    {
        public override void RunPart(int part)
        {
            if (part == 0) action();
        }
    }

    [Fact]
    public void Multiply_ConcurrentCallers_EachGetsItsOwnProduct()
    {
        // Several threads multiplying at once share the worker pool (one at a time) or run alone; every
        // result must match the reference computed for its own operands.
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, t =>
        {
            try
            {
                for (int round = 0; round < 3; round++)
                    Check(Gemm.Kernel.Best, 2, t % 2 == 0, t % 3 == 0, 65 + t, 130, 257, 1f, 0f, t % 2, (ulong)(100 + t * 10 + round), $"caller {t} round {round}");
            }
            catch (Exception e)
            {
                failures.Add(e.Message);
            }
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures));
    }

    [Fact]
    public void Multiply_BetaZeroOverNaN_WritesFiniteProduct()
    {
        // 2 × 2 · 2 × 2 through both the small path and the blocked kernels.
        float[] a = [1, 2, 3, 4], b = [5, 6, 7, 8];
        foreach (var kernel in new[] { Gemm.Kernel.Best, Gemm.Kernel.Portable })
        {
            float[] c = [float.NaN, float.NaN, float.NaN, float.PositiveInfinity];
            Gemm.Multiply(kernel, 1, false, false, 2, 2, 2, 1f, a, 2, b, 2, 0f, c, 2);
            Assert.Equal(new float[] { 19, 22, 43, 50 }, c);
        }
    }

    [Fact]
    public void Multiply_ZeroDepth_ScalesC()
    {
        float[] c = [1, 2, float.NaN, 4];
        Gemm.Multiply(false, false, 2, 2, 0, 1f, [], 1, [], 2, 0.5f, c, 2);
        Assert.Equal(new float[] { 0.5f, 1, float.NaN, 2 }, c);
        Gemm.Multiply(false, false, 2, 2, 0, 1f, [], 1, [], 2, 0f, c, 2);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, c);
    }

    [Fact]
    public void Multiply_LeadingDimensionTooSmall_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, false, 2, 3, 4, 1f, new float[8], 3, new float[12], 3, 0f, new float[6], 3));
        Assert.Contains("leading dimension of A", ex.Message);
    }

    [Fact]
    public void Multiply_BufferTooShort_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, true, 2, 3, 4, 1f, new float[8], 4, new float[11], 4, 0f, new float[6], 3));
        Assert.Contains("B (3 × 4, stride 4) needs 12", ex.Message);
    }

    [Fact]
    public void MaxThreads_BelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxThreads = 0);
    }

    /// <summary>
    /// Runs one multiply on random operands stored with <paramref name="pad"/> extra floats per row and compares
    /// it with a double-precision reference. Padding floats of C must come back untouched.
    /// </summary>
    private static void Check(Gemm.Kernel kernel, int threads, bool transA, bool transB, int m, int n, int k,
        float alpha, float beta, int pad, ulong seed, string what)
    {
        var rng = new Rng(1000 + seed);
        int rowsA = transA ? k : m, colsA = transA ? m : k, lda = colsA + pad;
        int rowsB = transB ? n : k, colsB = transB ? k : n, ldb = colsB + pad;
        int ldc = n + pad;
        var a = new float[rowsA * lda];
        var b = new float[rowsB * ldb];
        var c = new float[m * ldc];
        rng.FillUniform(a, -1f, 1f);
        rng.FillUniform(b, -1f, 1f);
        if (beta == 0) Array.Fill(c, float.NaN);
        else rng.FillUniform(c, -1f, 1f);
        var original = (float[])c.Clone();

        Gemm.Multiply(kernel, threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

        // op(A) by rows and op(B) by columns, in double, so each reference element is a contiguous dot product.
        var opA = new double[m * k];
        var opBt = new double[n * k];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++) opA[i * k + p] = transA ? a[p * lda + i] : a[i * lda + p];
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) opBt[j * k + p] = transB ? b[j * ldb + p] : b[p * ldb + j];

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                if (j >= n)
                {
                    Assert.True(original[i * ldc + j].Equals(c[i * ldc + j]), $"{what}: padding C[{i},{j}] was overwritten");
                    continue;
                }
                // Σ_p op(A)[i,p]·op(B)[p,j], with Σ|terms| to scale the float rounding allowance.
                double sum = 0, magnitude = 0;
                var rowA = opA.AsSpan(i * k, k);
                var columnB = opBt.AsSpan(j * k, k);
                for (int p = 0; p < k; p++)
                {
                    double term = rowA[p] * columnB[p];
                    sum += term;
                    magnitude += Math.Abs(term);
                }
                double old = beta == 0 ? 0 : original[i * ldc + j];
                double expected = alpha * sum + beta * old;
                // Float accumulation over k terms: error ≲ k·ε·Σ|terms| in the worst case, ~√k·ε typically.
                double tolerance = 2e-7 * (k + 4) * (Math.Abs(alpha) * magnitude + Math.Abs(beta * old)) + 1e-30;
                double actual = c[i * ldc + j];
                Assert.True(Math.Abs(actual - expected) <= tolerance,
                    $"{what}: C[{i},{j}] = {actual:G9}, expected {expected:G9} (tolerance {tolerance:G3})");
            }
        }
    }
}
