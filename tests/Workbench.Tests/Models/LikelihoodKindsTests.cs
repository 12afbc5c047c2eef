using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Models;
using Workbench.Models.Likelihoods;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models;

/// <summary>
/// The continuous Bernoulli and discretized logistic likelihoods as parts of a model: built from their configuration
/// names, a pmf only where they are one, their means what their ops say, and a whole model's gradients (with the
/// discretized logistic's learned per-pixel log-scale) matching finite differences.
/// </summary>
public class LikelihoodKindsTests
{
    /// <summary>(B, D) images on the 256 levels k/255, as Fashion-MNIST bytes / 255.</summary>
    private static Tensor Levels(ulong seed, int batch, int pixels) =>
        Tensor.FromArray(Tensor.Uniform(new Rng(seed), 0f, 1f, batch, pixels).ToArray().Select(v => MathF.Round(v * 255f) / 255f).ToArray(), batch, pixels);

    [Theory]
    [InlineData("continuous-bernoulli", LikelihoodKind.ContinuousBernoulli, typeof(ContinuousBernoulliLikelihood))]
    [InlineData("discretized-logistic", LikelihoodKind.DiscretizedLogistic, typeof(DiscretizedLogisticLikelihood))]
    public void VaeConfig_LikelihoodName_BuildsThatLikelihood(string name, LikelihoodKind kind, Type type)
    {
        var config = JsonSerializer.Deserialize<VaeConfig>($$"""{ "variant": "vae", "likelihood": "{{name}}" }""", ExperimentJson.Options)!;
        Assert.Equal(kind, config.Likelihood);
        Assert.IsType(type, config.Build(new Rng(1)).Likelihood);
    }

    [Fact]
    public void PixelLevels_OnlyTheDiscretizedLogistic_IsAMassFunctionOverTheLevels()
    {
        Assert.Equal(256, Likelihood.Create(LikelihoodKind.DiscretizedLogistic, 4, 0.1f).PixelLevels);
        foreach (var kind in new[] { LikelihoodKind.Bernoulli, LikelihoodKind.ContinuousBernoulli, LikelihoodKind.GaussianFixedVariance, LikelihoodKind.GaussianLearnedVariance })
            Assert.Null(Likelihood.Create(kind, 4, 0.1f).PixelLevels);
    }

    [Fact]
    public void BernoulliLikelihood_MidGreyImageAtItsBestLambda_StillCostsOverFiveHundredNats()
    {
        // The cross-entropy of grey targets is minimal at λ = x, where it is the entropy of Bernoulli(x): no probability of the image.
        var x = Tensor.Full(128f / 255f, 1, 784);
        double best = new BernoulliLikelihood().NegativeLogLikelihood(Tensor.Full(MathF.Log(128f / 127f), 1, 784), x).Item();
        Assert.InRange(best, 500, 784 * Math.Log(2) + 1e-3);
    }

    [Fact]
    public void DiscretizedLogisticLikelihood_BundledFashionImages_AreLevelsAndGetAFiniteCodeLength()
    {
        var (images, _) = TestData.Fashion(64).Batch(Enumerable.Range(0, 64).ToArray());
        var nll = new DiscretizedLogisticLikelihood(784).NegativeLogLikelihood(Tensor.Zeros(64, 784), images).ToArray();
        Assert.All(nll, v => Assert.True(float.IsFinite(v) && v > 0, $"−log P = {v}"));
    }

    [Fact]
    public void DiscretizedLogisticLikelihood_LogScale_IsOneLearnedParameterPerPixelAtTheInitialScale()
    {
        var likelihood = new DiscretizedLogisticLikelihood(6);
        var parameter = Assert.Single(likelihood.Parameters());
        Assert.Equal(new[] { 6 }, parameter.Shape);
        Assert.All(parameter.ToArray(), v => Assert.Equal(MathF.Log(1f / 32f), v, 6));
    }

    [Fact]
    public void NegativeLogLikelihood_BothLikelihoods_SumTheOpsTermsOverPixels()
    {
        var output = GradCheck.Random(2, 3, 5);
        var x = Levels(3, 3, 5);
        var continuous = Losses.ContinuousBernoulliNegativeLogLikelihood(output, x, Reduction.None).ToArray();
        var discretized = Losses.DiscretizedLogisticNegativeLogLikelihood(output, Tensor.Full(MathF.Log(1f / 32f), 5), x, 256, Reduction.None).ToArray();
        var cb = new ContinuousBernoulliLikelihood().NegativeLogLikelihood(output, x).ToArray();
        var dl = new DiscretizedLogisticLikelihood(5).NegativeLogLikelihood(output, x).ToArray();
        for (int b = 0; b < 3; b++)
        {
            Assert.Equal(continuous.Skip(5 * b).Take(5).Sum(v => (double)v), cb[b], 4);
            Assert.Equal(discretized.Skip(5 * b).Take(5).Sum(v => (double)v), dl[b], 3);
        }
    }

    [Fact]
    public void Mean_BothLikelihoods_AreTheOpsMeans()
    {
        var output = GradCheck.Random(4, 2, 5);
        Close.Assert(Losses.ContinuousBernoulliMean(output).Span, new ContinuousBernoulliLikelihood().Mean(output).Span, 0, 0, "CB mean");
        Close.Assert(Losses.DiscretizedLogisticMean(output, Tensor.Full(MathF.Log(1f / 32f), 5)).Span,
            new DiscretizedLogisticLikelihood(5).Mean(output).Span, 0, 0, "DL mean");
    }

    [Theory]
    [InlineData(LikelihoodKind.ContinuousBernoulli)]
    [InlineData(LikelihoodKind.DiscretizedLogistic)]
    public void Forward_NewLikelihoods_GradientsOfEveryParameterMatchFiniteDifferences(LikelihoodKind likelihood)
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny() with { Likelihood = likelihood }, new Rng(5));
        var images = Levels(6, 3, 6);
        var noise = GradCheck.Random(7, 3, 3);
        GradCheck.AssertGradients(_ => model.Forward(images, noise).Loss, model.Parameters().ToArray());
    }
}
