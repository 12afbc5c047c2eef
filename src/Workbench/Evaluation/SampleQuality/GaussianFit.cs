using Workbench.Tensors;

namespace Workbench.Evaluation.SampleQuality;

/// <summary>
/// A Gaussian fitted to feature vectors: their mean and their (unbiased, n − 1) covariance, in double
/// precision. The two inputs of the Fréchet distance.
/// </summary>
/// <param name="Mean">(d).</param>
/// <param name="Covariance">(d × d), row-major.</param>
/// <param name="Count">How many vectors were fitted.</param>
public sealed record GaussianFit(double[] Mean, double[] Covariance, int Count)
{
    public int Dimensions => Mean.Length;

    /// <summary>Fits the rows of <paramref name="features"/> (N, d), N ≥ 2.</summary>
    public static GaussianFit Of(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rank != 2) throw new ArgumentException($"Features must be (N, d), got rank {features.Rank}.", nameof(features));
        int n = features.Dim(0), d = features.Dim(1);
        if (n < 2) throw new ArgumentException($"A covariance needs at least 2 feature vectors, got {n}.", nameof(features));
        var x = features.Span;
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        var covariance = new double[d * d];
        var centred = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) centred[j] = x[i * d + j] - mean[j];
            for (int j = 0; j < d; j++)
            {
                double cj = centred[j];
                if (cj == 0) continue;
                for (int k = j; k < d; k++) covariance[j * d + k] += cj * centred[k];
            }
        }
        for (int j = 0; j < d; j++)
            for (int k = j; k < d; k++) covariance[k * d + j] = covariance[j * d + k] /= n - 1;
        return new GaussianFit(mean, covariance, n);
    }
}
