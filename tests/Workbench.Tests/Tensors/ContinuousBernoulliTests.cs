using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

/// <summary>
/// The continuous Bernoulli ops against their definitions: the density integrates to 1 over [0, 1] and its first moment
/// is the mean op (Simpson's rule), gradients match finite differences, and the Taylor branch near λ = ½ joins the
/// closed form without a step.
/// </summary>
public class ContinuousBernoulliTests
{
    private static readonly float BranchEdge = (float)Math.Log(0.501 / 0.499);

    public static TheoryData<float> Logits => new() { -15f, -5f, -1f, -0.01f, -BranchEdge, -0.001f, 0f, 0.003f, BranchEdge, 0.2f, 2f, 10f, 15f };

    /// <summary>∫₀¹ f by Simpson's rule on 4000 intervals, f evaluated by the op on all nodes at once.</summary>
    private static double Simpson(Func<Tensor, Tensor> f, int intervals = 4000)
    {
        var nodes = Enumerable.Range(0, intervals + 1).Select(i => (float)((double)i / intervals)).ToArray();
        var values = f(Tensor.FromArray(nodes)).ToArray();
        double sum = values[0] + values[^1];
        for (int i = 1; i < intervals; i++) sum += (i % 2 == 1 ? 4 : 2) * (double)values[i];
        return sum / (3.0 * intervals);
    }

    private static Tensor Density(float logit, Tensor x) =>
        Losses.ContinuousBernoulliNegativeLogLikelihood(Tensor.Full(logit, x.Size), x, Reduction.None).Neg().Exp();

    [Theory]
    [MemberData(nameof(Logits))]
    public void ContinuousBernoulliNegativeLogLikelihood_DensityOverUnitInterval_IntegratesToOne(float logit)
    {
        Assert.Equal(1.0, Simpson(x => Density(logit, x)), 1e-5);
    }

    [Theory]
    [MemberData(nameof(Logits))]
    public void ContinuousBernoulliMean_EqualsTheDensitysFirstMoment(float logit)
    {
        double moment = Simpson(x => Density(logit, x) * x);
        Assert.Equal(moment, Losses.ContinuousBernoulliMean(Tensor.FromArray([logit])).Item(), 1e-5);
    }

    [Fact]
    public void ContinuousBernoulliMean_LambdaPointNine_IsAboutPointSixSeven()
    {
        // The mean lies nearer ½ than λ: the value the docs quote.
        Assert.Equal(0.670, Losses.ContinuousBernoulliMean(Tensor.FromArray([MathF.Log(9f)])).Item(), 3);
    }

    [Fact]
    public void ContinuousBernoulliLogNormalizerAndMean_AcrossTheTaylorBranchEdge_AreContinuousWithTheirGradients()
    {
        foreach (float edge in new[] { BranchEdge, -BranchEdge })
        {
            var logits = Tensor.FromArray([edge * (1 - 1e-5f), edge * (1 + 1e-5f)]);
            logits.RequiresGrad = true;
            var logNormalizer = Losses.ContinuousBernoulliLogNormalizer(logits);
            var mean = Losses.ContinuousBernoulliMean(logits);
            (logNormalizer.Sum() + mean.Sum() * 1000f).Backward();
            Assert.Equal(logNormalizer.Span[0], logNormalizer.Span[1], 1e-7);
            Assert.Equal(mean.Span[0], mean.Span[1], 1e-7);
            Assert.Equal(logits.Grad!.Span[0], logits.Grad!.Span[1], 1e-4); // 1/12·1000 + η/6: the inputs differ by 4e-8
        }
    }

    [Fact]
    public void ContinuousBernoulliNegativeLogLikelihood_HugeLogits_IsFiniteAndNearBceMinusLogAbsLogit()
    {
        var logits = Tensor.FromArray([-1000f, -50f, 50f, 1000f]);
        logits.RequiresGrad = true;
        var x = Tensor.FromArray([0f, 0f, 1f, 1f]);
        var nll = Losses.ContinuousBernoulliNegativeLogLikelihood(logits, x, Reduction.None);
        nll.Sum().Backward();
        // BCE is e^−|l| ≈ 0 and log C = log |l| (tanh(l/2) = ±1): the density at the mode is |l|.
        Close.Assert([-MathF.Log(1000f), -MathF.Log(50f), -MathF.Log(50f), -MathF.Log(1000f)], nll.Span, 1e-6, 1e-6, "−log p");
        // ∂/∂l = σ(l) − x − (1/l − 1/sinh l) = −1/l here
        Close.Assert([1f / 1000f, 1f / 50f, -1f / 50f, -1f / 1000f], logits.Grad!.Span, 1e-5, 1e-9, "∂/∂logits");
    }

    [Fact]
    public void ContinuousBernoulliNegativeLogLikelihood_SumAndMeanReductions_AreTheSumAndMeanOfTheTerms()
    {
        var logits = GradCheck.Random(1, 3, 5).MulScalar(3f);
        var x = Tensor.Uniform(new Rng(2), 0f, 1f, 3, 5);
        double sum = Losses.ContinuousBernoulliNegativeLogLikelihood(logits, x, Reduction.None).ToArray().Sum(v => (double)v);
        Assert.Equal(sum, Losses.ContinuousBernoulliNegativeLogLikelihood(logits, x).Item(), 4);
        Assert.Equal(sum / 15, Losses.ContinuousBernoulliNegativeLogLikelihood(logits, x, Reduction.Mean).Item(), 5);
    }

    [Theory]
    [InlineData(Reduction.None)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.Mean)]
    public void ContinuousBernoulliNegativeLogLikelihood_GradientsForLogitsAndTargets_MatchFiniteDifferences(Reduction reduction)
    {
        var logits = Tensor.FromArray([-6f, -2.5f, -0.7f, -0.05f, 0f, 0.003f, 0.3f, 1.1f, 4f, 9f], 2, 5);
        GradCheck.AssertGradients(t => Losses.ContinuousBernoulliNegativeLogLikelihood(t[0], t[1], reduction),
            [logits, Tensor.Uniform(new Rng(5), 0f, 1f, 2, 5)], step: 1e-2f, relativeTolerance: 1e-2, absoluteTolerance: 1e-3);
    }

    [Fact]
    public void ContinuousBernoulliLogNormalizerAndMean_Gradients_MatchFiniteDifferences()
    {
        var logits = Tensor.FromArray([-8f, -3f, -0.6f, -0.02f, 0f, 0.001f, 0.05f, 0.9f, 2.5f, 7f]);
        GradCheck.AssertGradients(t => Losses.ContinuousBernoulliLogNormalizer(t[0]), [logits], step: 1e-2f, relativeTolerance: 1e-2, absoluteTolerance: 1e-4);
        GradCheck.AssertGradients(t => Losses.ContinuousBernoulliMean(t[0]), [logits.Clone()], step: 1e-2f, relativeTolerance: 1e-2, absoluteTolerance: 1e-4);
    }
}
