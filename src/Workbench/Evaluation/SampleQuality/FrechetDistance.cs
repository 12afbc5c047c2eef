namespace Workbench.Evaluation.SampleQuality;

/// <summary>
/// The Fréchet (2-Wasserstein) distance between two Gaussians (Dowson &amp; Landau 1982), the FID of
/// Heusel et al. (2017) when the Gaussians are fitted to classifier features of real and generated images:
/// ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½).
/// The cross term is computed through symmetric square roots only (<see cref="SymmetricEigen.SquareRoot"/>),
/// since Σ₁^½ Σ₂ Σ₁^½ is symmetric PSD and has the eigenvalues of Σ₁Σ₂, so tr (Σ₁Σ₂)^½ = tr (Σ₁^½ Σ₂ Σ₁^½)^½.
/// Squared feature units.
/// </summary>
public static class FrechetDistance
{
    /// <summary>The distance between two fits of the same feature space.</summary>
    public static double Between(GaussianFit first, GaussianFit second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Dimensions != second.Dimensions)
            throw new ArgumentException($"The fits have {first.Dimensions} and {second.Dimensions} dimensions; they must describe the same feature space.", nameof(second));
        return Between(first.Mean, first.Covariance, second.Mean, second.Covariance);
    }

    /// <summary>The distance between N(μ₁, Σ₁) and N(μ₂, Σ₂); covariances d × d, row-major, symmetric PSD.</summary>
    public static double Between(ReadOnlySpan<double> mean1, ReadOnlySpan<double> covariance1, ReadOnlySpan<double> mean2, ReadOnlySpan<double> covariance2)
    {
        int d = mean1.Length;
        if (mean2.Length != d || covariance1.Length != d * d || covariance2.Length != d * d)
            throw new ArgumentException($"Means must have equal lengths d and covariances d × d (d = {d}).");
        double meanTerm = 0;
        for (int i = 0; i < d; i++) meanTerm += (mean1[i] - mean2[i]) * (mean1[i] - mean2[i]);
        var root1 = SymmetricEigen.SquareRoot(covariance1, d);
        var product = Multiply(Multiply(root1, covariance2.ToArray(), d), root1, d);
        Symmetrize(product, d); // rounding leaves it asymmetric in the last bits
        var (values, _) = SymmetricEigen.Decompose(product, d);
        double crossTrace = values.Sum(v => Math.Sqrt(Math.Max(v, 0)));
        double trace = 0;
        for (int i = 0; i < d; i++) trace += covariance1[i * d + i] + covariance2[i * d + i];
        return meanTerm + trace - 2 * crossTrace;
    }

    private static double[] Multiply(double[] a, double[] b, int n)
    {
        var c = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
            {
                double aik = a[i * n + k];
                if (aik == 0) continue;
                for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
            }
        return c;
    }

    private static void Symmetrize(double[] m, int n)
    {
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) m[i * n + j] = m[j * n + i] = 0.5 * (m[i * n + j] + m[j * n + i]);
    }
}
