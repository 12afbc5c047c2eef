using Workbench.Evaluation.SampleQuality;
using Workbench.Tensors;

namespace Workbench.Tests.Evaluation.SampleQuality;

/// <summary>The Jacobi eigendecomposition and the matrix square root against closed forms and their defining identities.</summary>
public class SymmetricEigenTests
{
    private static double[] RandomSymmetricPsd(ulong seed, int n, int rank)
    {
        var rng = new Rng(seed);
        var b = new double[n * rank];
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextNormal();
        var a = new double[n * n]; // B Bᵀ
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < rank; k++) a[i * n + j] += b[i * rank + k] * b[j * rank + k];
        return a;
    }

    private static double[] Multiply(double[] a, double[] b, int n)
    {
        var c = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                for (int j = 0; j < n; j++) c[i * n + j] += a[i * n + k] * b[k * n + j];
        return c;
    }

    [Fact]
    public void Decompose_TwoByTwo_MatchesTheQuadraticFormula()
    {
        // [[a, b], [b, c]]: λ = (a + c)/2 ± √(((a − c)/2)² + b²).
        double a = 3, b = 1.5, c = -2;
        var (values, vectors) = SymmetricEigen.Decompose([a, b, b, c], 2);
        double mid = (a + c) / 2, radius = Math.Sqrt((a - c) * (a - c) / 4 + b * b);
        Assert.Equal(mid - radius, values[0], 12);
        Assert.Equal(mid + radius, values[1], 12);
        for (int k = 0; k < 2; k++) // A v = λ v
        {
            double v0 = vectors[0 * 2 + k], v1 = vectors[1 * 2 + k];
            Assert.Equal(values[k] * v0, a * v0 + b * v1, 12);
            Assert.Equal(values[k] * v1, b * v0 + c * v1, 12);
        }
    }

    [Theory]
    [InlineData(1, 6)]
    [InlineData(2, 20)]
    [InlineData(3, 64)]
    public void Decompose_RandomSymmetric_ReconstructsTheMatrixWithOrthonormalVectors(ulong seed, int n)
    {
        var a = RandomSymmetricPsd(seed, n, n);
        for (int i = 0; i < n; i++) a[i * n + i] -= 5; // indefinite too
        var (values, vectors) = SymmetricEigen.Decompose(a, n);
        for (int i = 1; i < n; i++) Assert.True(values[i] >= values[i - 1]);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double reconstructed = 0, gram = 0;
                for (int k = 0; k < n; k++)
                {
                    reconstructed += vectors[i * n + k] * values[k] * vectors[j * n + k];
                    gram += vectors[k * n + i] * vectors[k * n + j];
                }
                Assert.Equal(a[i * n + j], reconstructed, 9);
                Assert.Equal(i == j ? 1 : 0, gram, 10);
            }
    }

    [Fact]
    public void SquareRoot_Diagonal_IsTheRootOfEachEntry()
    {
        var root = SymmetricEigen.SquareRoot([4, 0, 0, 0, 9, 0, 0, 0, 0.25], 3);
        double[] expected = [2, 0, 0, 0, 3, 0, 0, 0, 0.5];
        for (int i = 0; i < 9; i++) Assert.Equal(expected[i], root[i], 12);
    }

    [Fact]
    public void SquareRoot_TwoByTwo_MatchesTheClosedForm()
    {
        // For 2 × 2 SPD M: √M = (M + √det M · I) / √(tr M + 2 √det M).
        double a = 5, b = 2, c = 3, s = Math.Sqrt(a * c - b * b), t = Math.Sqrt(a + c + 2 * s);
        var root = SymmetricEigen.SquareRoot([a, b, b, c], 2);
        Assert.Equal((a + s) / t, root[0], 12);
        Assert.Equal(b / t, root[1], 12);
        Assert.Equal(b / t, root[2], 12);
        Assert.Equal((c + s) / t, root[3], 12);
    }

    [Fact]
    public void SquareRoot_OfTheSquareOfACommutingPair_IsTheFactor()
    {
        // M = Q diag(d²) Qᵀ with Q a rotation: √M = Q diag(d) Qᵀ.
        double angle = 0.7, cos = Math.Cos(angle), sin = Math.Sin(angle);
        double[] q = [cos, -sin, sin, cos];
        double[] qt = [cos, sin, -sin, cos];
        var expected = Multiply(Multiply(q, [1.5, 0, 0, 0.2], 2), qt, 2);
        var root = SymmetricEigen.SquareRoot(Multiply(expected, expected, 2), 2);
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], root[i], 12);
    }

    [Fact]
    public void SquareRoot_RandomPsd_SquaresBackToTheMatrix()
    {
        const int n = 40;
        var a = RandomSymmetricPsd(7, n, 25); // rank deficient: zero eigenvalues too
        var root = SymmetricEigen.SquareRoot(a, n);
        var square = Multiply(root, root, n);
        for (int i = 0; i < n * n; i++) Assert.Equal(a[i], square[i], 8);
    }

    [Fact]
    public void Decompose_NonSymmetric_IsRefusedNamingTheEntry()
    {
        var e = Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose([1, 2, 3, 4], 2));
        Assert.Contains("(0, 1)", e.Message);
    }
}
