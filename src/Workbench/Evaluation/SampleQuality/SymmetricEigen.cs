namespace Workbench.Evaluation.SampleQuality;

/// <summary>
/// Eigendecomposition of a real symmetric matrix by the cyclic Jacobi method (Golub &amp; Van Loan,
/// Matrix Computations, §8.5): plane rotations zero the off-diagonal entries one at a time until
/// they are negligible; the product of the rotations holds the eigenvectors. O(n³) per sweep and
/// usually under ten sweeps; for the 128 × 128 covariances of the feature space that is well under a second.
/// Computed in double precision.
/// </summary>
public static class SymmetricEigen
{
    /// <summary>
    /// Eigenvalues and eigenvectors of the symmetric <paramref name="matrix"/> (n × n, row-major; only
    /// its values are read, it is not changed): A = V diag(λ) Vᵀ with the eigenvectors as the columns of V.
    /// </summary>
    /// <returns>λ (n) in ascending order and V (n × n, row-major, column j the eigenvector of λ_j).</returns>
    public static (double[] Values, double[] Vectors) Decompose(ReadOnlySpan<double> matrix, int n, int maxSweeps = 60)
    {
        if (n < 0 || matrix.Length != n * n) throw new ArgumentException($"Expected an {n} × {n} matrix ({n * n} values), got {matrix.Length} values.", nameof(matrix));
        var a = matrix.ToArray();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (Math.Abs(a[i * n + j] - a[j * n + i]) > 1e-9 * (1 + Math.Abs(a[i * n + j])))
                    throw new ArgumentException($"The matrix is not symmetric: entry ({i}, {j}) = {a[i * n + j]} but ({j}, {i}) = {a[j * n + i]}.", nameof(matrix));
        var v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;

        double scale = 0;
        foreach (var x in a) scale += x * x;
        double tolerance = 1e-30 * Math.Max(scale, double.Epsilon);
        for (int sweep = 0; sweep < maxSweeps; sweep++)
        {
            double off = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
            if (off <= tolerance) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    if (apq == 0) continue;
                    // The rotation (c, s) that zeroes a_pq: θ = (a_qq − a_pp) / 2a_pq, t = sign(θ) / (|θ| + √(θ² + 1)).
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    Rotate(a, v, n, p, q, c, s);
                }
        }
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i * n + i];
        // Ascending order, eigenvectors moved with their values.
        var order = Enumerable.Range(0, n).OrderBy(i => values[i]).ToArray();
        var sortedValues = order.Select(i => values[i]).ToArray();
        var sortedVectors = new double[n * n];
        for (int row = 0; row < n; row++)
            for (int col = 0; col < n; col++) sortedVectors[row * n + col] = v[row * n + order[col]];
        return (sortedValues, sortedVectors);
    }

    /// <summary>A ← Jᵀ A J and V ← V J for the rotation J in the (p, q) plane.</summary>
    private static void Rotate(double[] a, double[] v, int n, int p, int q, double c, double s)
    {
        for (int k = 0; k < n; k++) // columns p and q
        {
            double akp = a[k * n + p], akq = a[k * n + q];
            a[k * n + p] = c * akp - s * akq;
            a[k * n + q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) // rows p and q
        {
            double apk = a[p * n + k], aqk = a[q * n + k];
            a[p * n + k] = c * apk - s * aqk;
            a[q * n + k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++)
        {
            double vkp = v[k * n + p], vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }

    /// <summary>
    /// The symmetric positive semi-definite square root A^½ = V diag(√λ) Vᵀ of a symmetric matrix;
    /// eigenvalues below zero (rounding in a PSD matrix) are taken as zero. (n × n, row-major)
    /// </summary>
    public static double[] SquareRoot(ReadOnlySpan<double> matrix, int n)
    {
        var (values, vectors) = Decompose(matrix, n);
        var root = new double[n * n];
        for (int k = 0; k < n; k++)
        {
            double r = Math.Sqrt(Math.Max(values[k], 0));
            if (r == 0) continue;
            for (int i = 0; i < n; i++)
            {
                double vi = vectors[i * n + k] * r;
                for (int j = 0; j < n; j++) root[i * n + j] += vi * vectors[j * n + k];
            }
        }
        return root;
    }
}
