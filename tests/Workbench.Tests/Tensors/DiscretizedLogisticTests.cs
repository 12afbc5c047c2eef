using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

/// <summary>
/// The discretized logistic over 256 levels against its definition: the levels' probabilities sum to 1 (for means
/// inside and outside [0, 1], scales from far below a level to far above the range), the mean op is Σ k/255·P(k),
/// gradients match finite differences (with a per-pixel log-scale broadcast over a batch), and data off the levels fails
/// with a message naming the element.
/// </summary>
public class DiscretizedLogisticTests
{
    private static readonly Tensor AllLevels = Tensor.FromArray(Enumerable.Range(0, 256).Select(k => k / 255f).ToArray());

    private static float[] Probabilities(float mean, float logScale) =>
        Losses.DiscretizedLogisticNegativeLogLikelihood(Tensor.Full(mean, 256), Tensor.Full(logScale, 1), AllLevels, 256, Reduction.None)
            .Neg().Exp().ToArray();

    public static TheoryData<float, float> MeansAndLogScales => new()
    {
        { 0.5f, -3f }, { 0.123f, -9f }, { 0.0f, -5f }, { 1.0f, -2f }, { -0.4f, -3.5f }, { 1.7f, -1f }, { 0.31f, 2.3f }, { 0.77f, -12f },
    };

    [Theory]
    [MemberData(nameof(MeansAndLogScales))]
    public void DiscretizedLogisticNegativeLogLikelihood_ProbabilitiesOfTheLevels_SumToOne(float mean, float logScale)
    {
        var probabilities = Probabilities(mean, logScale);
        Assert.All(probabilities, p => Assert.InRange(p, 0f, 1f + 1e-6f)); // exp of a float −log P: within rounding of 1
        Assert.Equal(1.0, probabilities.Sum(p => (double)p), 1e-5);
    }

    [Theory]
    [MemberData(nameof(MeansAndLogScales))]
    public void DiscretizedLogisticMean_IsTheLevelsWeightedByTheirProbabilities(float mean, float logScale)
    {
        var probabilities = Probabilities(mean, logScale);
        double expected = probabilities.Select((p, k) => p * k / 255.0).Sum();
        Assert.Equal(expected, Losses.DiscretizedLogisticMean(Tensor.FromArray([mean]), Tensor.FromArray([logScale])).Item(), 1e-5);
    }

    [Fact]
    public void DiscretizedLogisticNegativeLogLikelihood_BinFarInTheTail_IsFiniteAndNearTheLogisticTail()
    {
        // μ = 0.9, s = 0.003, x = 10/255: the CDF difference (≈ e^−290) underflows in float64 as well; the log-space form does not.
        var nll = Losses.DiscretizedLogisticNegativeLogLikelihood(Tensor.FromArray([0.9f]), Tensor.FromArray([MathF.Log(0.003f)]),
            Tensor.FromArray([10f / 255f]), 256, Reduction.None).Item();
        Assert.True(float.IsFinite(nll));
        // Both bin edges far below the mean (a, b ≪ 0): log P = −softplus(−a) − softplus(b) + log(1 − e^−(a−b)) ≈ a + log(1 − e^(b−a)).
        double a = (10.5 / 255 - 0.9) / 0.003, b = (9.5 / 255 - 0.9) / 0.003;
        Assert.Equal(-(a + Math.Log(1 - Math.Exp(b - a))), nll, 1e-2);
    }

    [Theory]
    [InlineData(Reduction.None)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.Mean)]
    public void DiscretizedLogisticNegativeLogLikelihood_GradientsForMeanAndBroadcastLogScale_MatchFiniteDifferences(Reduction reduction)
    {
        // (B = 3, D = 4) images with a (D) log-scale, as the likelihood uses it; levels include both end bins.
        var x = Tensor.FromArray([0f, 3f / 255f, 128f / 255f, 1f, 1f, 0f, 200f / 255f, 60f / 255f, 0f, 250f / 255f, 1f, 17f / 255f], 3, 4);
        var mean = Tensor.Uniform(new Rng(3), -0.2f, 1.2f, 3, 4);
        var logScale = Tensor.FromArray([-2.5f, -1.8f, -2.2f, -1.5f]);
        GradCheck.AssertGradients(t => Losses.DiscretizedLogisticNegativeLogLikelihood(t[0], t[1], x, 256, reduction),
            [mean, logScale], step: 1e-3f, relativeTolerance: 1e-2, absoluteTolerance: 1e-3);
    }

    [Fact]
    public void DiscretizedLogisticNegativeLogLikelihood_ValueOffTheLevels_ThrowsNamingTheElement()
    {
        var x = Tensor.FromArray([0f, 0.5f, 1f]); // 0.5 · 255 = 127.5: between two levels
        var error = Assert.Throws<ArgumentException>(() =>
            Losses.DiscretizedLogisticNegativeLogLikelihood(Tensor.Zeros(3), Tensor.Zeros(1), x));
        Assert.Contains("x[1] = 0.5", error.Message);
        Assert.Contains("256 levels", error.Message);
        Assert.Throws<ArgumentException>(() =>
            Losses.DiscretizedLogisticNegativeLogLikelihood(Tensor.Zeros(1), Tensor.Zeros(1), Tensor.FromArray([1.01f])));
    }
}
