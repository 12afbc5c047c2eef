using Workbench.Evaluation.SampleQuality;
using Workbench.Tensors;

namespace Workbench.Tests.Evaluation.SampleQuality;

/// <summary>EM for the diagonal Gaussian mixture on synthetic mixtures whose parameters are known.</summary>
public class GaussianMixtureTests
{
    private static readonly double[] TrueWeights = [0.5, 0.3, 0.2];
    private static readonly double[][] TrueMeans = [[-6, 0], [4, 4], [4, -5]];
    private static readonly double[][] TrueSigmas = [[1, 0.5], [0.7, 1.5], [1.2, 0.8]];

    private static Tensor Synthetic(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[count * 2];
        for (int i = 0; i < count; i++)
        {
            double u = rng.NextDouble();
            int c = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
            for (int j = 0; j < 2; j++) x[i * 2 + j] = (float)(TrueMeans[c][j] + TrueSigmas[c][j] * rng.NextNormal());
        }
        return Tensor.FromArray(x, count, 2);
    }

    [Fact]
    public void Fit_ThreeSeparatedComponents_RecoversWeightsMeansAndVariances()
    {
        var mixture = GaussianMixture.Fit(Synthetic(6000, 1), components: 3, seed: 2);
        for (int t = 0; t < 3; t++)
        {
            // The fitted component nearest to true component t.
            int c = Enumerable.Range(0, 3).MinBy(c => Math.Pow(mixture.Means[c * 2] - TrueMeans[t][0], 2) + Math.Pow(mixture.Means[c * 2 + 1] - TrueMeans[t][1], 2));
            Assert.Equal(TrueWeights[t], mixture.Weights[c], 1.5e-2);
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(TrueMeans[t][j], mixture.Means[c * 2 + j], 0.1);
                Assert.Equal(TrueSigmas[t][j] * TrueSigmas[t][j], mixture.Variances[c * 2 + j], 0.15 * TrueSigmas[t][j] * TrueSigmas[t][j]);
            }
        }
    }

    [Fact]
    public void Fit_LogLikelihoodNeverDecreases()
    {
        var mixture = GaussianMixture.Fit(Synthetic(2000, 3), components: 5, seed: 4, tolerance: 0);
        var history = mixture.LogLikelihoodHistory;
        Assert.True(history.Count > 5);
        for (int i = 1; i < history.Count; i++) Assert.True(history[i] >= history[i - 1] - 1e-9, $"iteration {i}: {history[i - 1]} → {history[i]}");
    }

    [Fact]
    public void Fit_OneComponent_IsTheSampleMeanAndBiasedVariance()
    {
        var points = Synthetic(500, 5);
        var mixture = GaussianMixture.Fit(points, components: 1);
        var x = points.ToArray();
        for (int j = 0; j < 2; j++)
        {
            double mean = Enumerable.Range(0, 500).Average(i => (double)x[i * 2 + j]);
            double variance = Enumerable.Range(0, 500).Average(i => Math.Pow(x[i * 2 + j] - mean, 2));
            Assert.Equal(mean, mixture.Means[j], 9);
            Assert.Equal(variance, mixture.Variances[j], 9);
        }
        Assert.Equal(1.0, mixture.Weights[0], 12);
    }

    [Fact]
    public void MeanLogLikelihood_OfOneComponent_MatchesTheGaussianDensity()
    {
        var points = Synthetic(300, 6);
        var mixture = GaussianMixture.Fit(points, components: 1);
        var x = points.ToArray();
        double expected = Enumerable.Range(0, 300).Average(i => Enumerable.Range(0, 2).Sum(j =>
            -0.5 * Math.Log(2 * Math.PI * mixture.Variances[j]) - Math.Pow(x[i * 2 + j] - mixture.Means[j], 2) / (2 * mixture.Variances[j])));
        Assert.Equal(expected, mixture.MeanLogLikelihood(points), 9);
        Assert.Equal(mixture.LogLikelihoodHistory[^1], expected, 6);
    }

    [Fact]
    public void Sample_DrawsComponentsInProportionToTheirWeights()
    {
        var mixture = GaussianMixture.Fit(Synthetic(6000, 7), components: 3, seed: 2);
        var draws = mixture.Sample(20000, new Rng(9)).ToArray();
        // Components are far apart: the sign pattern of a draw says which one it came from.
        double left = Enumerable.Range(0, 20000).Count(i => draws[i * 2] < -1) / 20000.0;
        double upperRight = Enumerable.Range(0, 20000).Count(i => draws[i * 2] > -1 && draws[i * 2 + 1] > 0) / 20000.0;
        Assert.Equal(0.5, left, 0.02);
        Assert.Equal(0.3, upperRight, 0.02);
    }
}
