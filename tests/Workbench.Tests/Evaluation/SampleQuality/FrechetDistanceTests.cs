using Workbench.Evaluation.SampleQuality;
using Workbench.Tensors;

namespace Workbench.Tests.Evaluation.SampleQuality;

/// <summary>The Fréchet distance against closed forms: 1-D Gaussians, diagonal and commuting covariances, and fits of samples.</summary>
public class FrechetDistanceTests
{
    [Theory]
    [InlineData(0.0, 1.0, 0.0, 1.0)]
    [InlineData(1.0, 2.0, -0.5, 0.3)]
    [InlineData(3.0, 0.1, 3.0, 4.0)]
    public void Between_OneDimensional_IsMeanGapSquaredPlusSigmaGapSquared(double mean1, double sigma1, double mean2, double sigma2)
    {
        // W₂²(N(μ₁, σ₁²), N(μ₂, σ₂²)) = (μ₁ − μ₂)² + (σ₁ − σ₂)².
        double fd = FrechetDistance.Between([mean1], [sigma1 * sigma1], [mean2], [sigma2 * sigma2]);
        Assert.Equal((mean1 - mean2) * (mean1 - mean2) + (sigma1 - sigma2) * (sigma1 - sigma2), fd, 10);
    }

    [Fact]
    public void Between_DiagonalCovariances_SumsTheOneDimensionalDistances()
    {
        double[] mean1 = [0, 1, 2], mean2 = [1, 1, -1], var1 = [1, 4, 0.25], var2 = [9, 1, 0.25];
        double expected = 0;
        for (int i = 0; i < 3; i++)
            expected += (mean1[i] - mean2[i]) * (mean1[i] - mean2[i]) + Math.Pow(Math.Sqrt(var1[i]) - Math.Sqrt(var2[i]), 2);
        double fd = FrechetDistance.Between(mean1, Diagonal(var1), mean2, Diagonal(var2));
        Assert.Equal(expected, fd, 10);
    }

    [Fact]
    public void Between_CommutingCovariances_IsTheSquaredFrobeniusGapOfTheRoots()
    {
        // Σ₁ = Q diag(a) Qᵀ and Σ₂ = Q diag(b) Qᵀ commute: the trace term is Σ (√a − √b)².
        double angle = 0.4, cos = Math.Cos(angle), sin = Math.Sin(angle);
        double[] a = [2, 0.5], b = [0.3, 5];
        double fd = FrechetDistance.Between([0, 0], Rotated(a, cos, sin), [0, 0], Rotated(b, cos, sin));
        Assert.Equal(Math.Pow(Math.Sqrt(2) - Math.Sqrt(0.3), 2) + Math.Pow(Math.Sqrt(0.5) - Math.Sqrt(5), 2), fd, 10);
    }

    [Fact]
    public void Between_AFitAndItself_IsZero()
    {
        var features = Tensor.Randn(new Rng(3), 500, 12);
        var fit = GaussianFit.Of(features);
        Assert.Equal(0, FrechetDistance.Between(fit, fit), 8);
    }

    [Fact]
    public void GaussianFit_MatchesTheDirectMeanAndUnbiasedCovariance()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 5f, 6f, 1f, 0f, 0f, 2f], 3, 3);
        var fit = GaussianFit.Of(x);
        double[] mean = [2, 8 / 3.0, 2]; // column means of the rows (1, 2, 3), (5, 6, 1), (0, 0, 2)
        for (int j = 0; j < 3; j++) Assert.Equal(mean[j], fit.Mean[j], 12);
        var rows = x.ToArray();
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 3; k++)
            {
                double expected = 0;
                for (int i = 0; i < 3; i++) expected += (rows[i * 3 + j] - mean[j]) * (rows[i * 3 + k] - mean[k]);
                Assert.Equal(expected / 2, fit.Covariance[j * 3 + k], 10);
            }
    }

    [Fact]
    public void Between_FitsOfLargeGaussianSamples_ApproachTheClosedForm()
    {
        // Two isotropic 4-D Gaussians, σ = 1 and σ = 2, means 1 apart on every axis: FD = 4·1 + 4·(2 − 1)² = 8.
        var rng = new Rng(11);
        var first = Tensor.Randn(rng, 20000, 4);
        var second = Tensor.Randn(rng, 20000, 4);
        foreach (ref var v in second.Span) v = 2 * v + 1;
        double fd = FrechetDistance.Between(GaussianFit.Of(first), GaussianFit.Of(second));
        Assert.InRange(fd, 7.7, 8.3);
    }

    private static double[] Diagonal(double[] values)
    {
        var m = new double[values.Length * values.Length];
        for (int i = 0; i < values.Length; i++) m[i * values.Length + i] = values[i];
        return m;
    }

    private static double[] Rotated(double[] eigenvalues, double cos, double sin)
    {
        // Q diag(e) Qᵀ with Q = [[cos, −sin], [sin, cos]].
        double a = eigenvalues[0], b = eigenvalues[1];
        return [cos * cos * a + sin * sin * b, cos * sin * (a - b), cos * sin * (a - b), sin * sin * a + cos * cos * b];
    }
}
