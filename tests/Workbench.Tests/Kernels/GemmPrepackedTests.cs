using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Tests.Kernels;

public class GemmPrepackedTests
{
    // (m, n, k): a recurrent layer's forward and backward step (batch 64, hidden 256), more than one column block
    // (n > NC = 4080), depths that split into uneven rank-KC updates, and more than one row block (m > MC = 144).
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 64, 768, 256 }, { 64, 256, 768 }, { 7, 4100, 9 }, { 13, 33, 401 }, { 145, 17, 20 }, { 30, 100, 800 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyPacked_AnyShape_GivesTheBitsOfMultiply(int m, int n, int k)
    {
        foreach (bool transB in new[] { false, true })
            foreach (float beta in new[] { 0f, 1f, 0.5f })
            {
                var (a, lda, b, ldb, c, ldc) = Operands(m, n, k, transB, beta, seed: (ulong)(m + n + k));
                var expected = (float[])c.Clone();
                Gemm.Multiply(Gemm.Kernel.Best, 2, false, transB, m, n, k, 1f, a, lda, b, ldb, beta, expected, ldc);

                var packed = Gemm.PackedMatrix.Rent();
                try
                {
                    packed.Pack(transB, k, n, b, ldb);
                    Gemm.MultiplyPacked(m, a, lda, packed, beta, c, ldc);
                }
                finally
                {
                    Gemm.PackedMatrix.Return(packed);
                }
                Assert.True(expected.AsSpan().SequenceEqual(c), $"{(transB ? "T" : "N")} m={m} n={n} k={k} β={beta}: bits differ");
            }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyPacked_WithBias_GivesTheBitsOfMultiplyBiasRelu(int m, int n, int k)
    {
        var (a, lda, b, ldb, c, ldc) = Operands(m, n, k, transB: true, beta: 0f, seed: 7);
        var bias = new float[n];
        new Rng(8).FillUniform(bias, -1f, 1f);
        var expected = (float[])c.Clone();
        Gemm.MultiplyBiasRelu(false, true, m, n, k, 1f, a, lda, b, ldb, bias, false, expected, ldc);

        var packed = Gemm.PackedMatrix.Rent();
        packed.Pack(true, k, n, b, ldb);
        Gemm.MultiplyPacked(m, a, lda, packed, 0f, c, ldc, bias);
        Gemm.PackedMatrix.Return(packed);
        Assert.True(expected.AsSpan().SequenceEqual(c), $"m={m} n={n} k={k}: bits differ");
    }

    [Fact]
    public void MultiplyPacked_BlocksOfRows_GiveTheRowsOfTheWholeProduct()
    {
        // A time loop runs blocks of sequences on different threads: a row's bits must not depend on its block.
        const int m = 64, n = 768, k = 256;
        var (a, lda, b, ldb, whole, ldc) = Operands(m, n, k, transB: true, beta: 0f, seed: 9);
        var blocks = (float[])whole.Clone();
        var packed = Gemm.PackedMatrix.Rent();
        packed.Pack(true, k, n, b, ldb);
        Gemm.MultiplyPacked(m, a, lda, packed, 0f, whole, ldc);
        foreach (var (first, rows) in new[] { (0, 21), (21, 1), (22, 32), (54, 10) })
            Gemm.MultiplyPacked(rows, a.AsSpan(first * lda), lda, packed, 0f, blocks.AsSpan(first * ldc), ldc);
        Gemm.PackedMatrix.Return(packed);
        Assert.True(whole.AsSpan().SequenceEqual(blocks));
    }

    [Fact]
    public void Pack_RentedMatrixRepackedSmaller_MultipliesTheNewMatrix()
    {
        var packed = Gemm.PackedMatrix.Rent();
        try
        {
            var (_, _, big, ldBig, _, _) = Operands(8, 300, 200, transB: false, beta: 0f, seed: 10);
            packed.Pack(false, 200, 300, big, ldBig);
            var (a, lda, b, ldb, c, ldc) = Operands(40, 50, 60, transB: false, beta: 1f, seed: 11);
            var expected = (float[])c.Clone();
            Gemm.Multiply(false, false, 40, 50, 60, 1f, a, lda, b, ldb, 1f, expected, ldc);
            packed.Pack(false, 60, 50, b, ldb);
            Assert.Equal((60, 50), (packed.Depth, packed.Columns));
            Gemm.MultiplyPacked(40, a, lda, packed, 1f, c, ldc);
            Assert.True(expected.AsSpan().SequenceEqual(c));
        }
        finally
        {
            Gemm.PackedMatrix.Return(packed);
        }
    }

    [Fact]
    public void MultiplyPacked_BiasWithNonZeroBeta_ThrowsNamingBoth()
    {
        var packed = Gemm.PackedMatrix.Rent();
        packed.Pack(false, 4, 3, new float[12], 3);
        var error = Assert.Throws<ArgumentException>(() => Gemm.MultiplyPacked(2, new float[8], 4, packed, 1f, new float[6], 3, new float[3]));
        Gemm.PackedMatrix.Return(packed);
        Assert.Contains("β = 0 (got 1)", error.Message);
    }

    /// <summary>Random A (m × k) and B (k × n, or n × k when transposed) with padded rows, and C (m × n) random or NaN when β = 0.</summary>
    private static (float[] A, int Lda, float[] B, int Ldb, float[] C, int Ldc) Operands(int m, int n, int k, bool transB, float beta, ulong seed)
    {
        var rng = new Rng(500 + seed);
        int lda = k + 3, ldb = (transB ? k : n) + 5, ldc = n + 2;
        var a = new float[m * lda];
        var b = new float[(transB ? n : k) * ldb];
        var c = new float[m * ldc];
        rng.FillUniform(a, -1f, 1f);
        rng.FillUniform(b, -1f, 1f);
        if (beta == 0f) Array.Fill(c, float.NaN);
        else rng.FillUniform(c, -1f, 1f);
        return (a, lda, b, ldb, c, ldc);
    }
}
