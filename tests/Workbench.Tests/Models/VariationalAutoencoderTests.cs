using Workbench.Data;
using Workbench.Models;
using Workbench.Models.Posteriors;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models;

/// <summary>Model construction, the convolutional architecture, sampling and input validation.</summary>
public class VariationalAutoencoderTests
{
    private static VaeConfig TinyConv() => new()
    {
        Architecture = Architecture.Conv, ImageHeight = 4, ImageWidth = 4, ConvChannels = [2], LatentSize = 2, Activation = "tanh",
    };

    [Fact]
    public void NamedParameters_DefaultConfig_AreTheClassicExampleShapes()
    {
        var model = VariationalAutoencoder.Create(new VaeConfig(), new Rng(1));
        var shapes = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Shape.ToArray());
        Assert.Equal(new[] { 400, 784 }, shapes["encoder.0.weight"]);
        Assert.Equal(new[] { 20, 400 }, shapes["encoder.fc_mu.weight"]);
        Assert.Equal(new[] { 20, 400 }, shapes["encoder.fc_logvar.weight"]);
        Assert.Equal(new[] { 400, 20 }, shapes["decoder.0.weight"]);
        Assert.Equal(new[] { 784, 400 }, shapes["decoder.2.weight"]);
        Assert.Equal(784 * 400 + 400 + 2 * (400 * 20 + 20) + 20 * 400 + 400 + 400 * 784 + 784, model.ParameterCount);
    }

    [Fact]
    public void Forward_ConvArchitecture_ShapesAndGradientsMatchFiniteDifferences()
    {
        var model = VariationalAutoencoder.Create(TinyConv(), new Rng(2));
        var images = TestData.Pixels(3, 2, 16);
        var noise = GradCheck.Random(4, 2, 2);
        var output = model.Forward(images, noise);
        Assert.Equal(new[] { 2, 16 }, output.Reconstruction.Shape);
        Assert.Equal(new[] { 2, 2 }, output.Z.Shape);
        GradCheck.AssertGradients(_ => model.Forward(images, noise).Loss, model.Parameters().ToArray());
    }

    [Theory]
    [InlineData(LikelihoodKind.GaussianFixedVariance)]
    [InlineData(LikelihoodKind.GaussianLearnedVariance)]
    public void Forward_GaussianLikelihoods_GradientsMatchFiniteDifferences(LikelihoodKind likelihood)
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny() with { Likelihood = likelihood, GaussianSigma = 0.5f }, new Rng(5));
        var images = TestData.Pixels(6, 3, 6);
        var noise = GradCheck.Random(7, 3, 3);
        GradCheck.AssertGradients(_ => model.Forward(images, noise).Loss, model.Parameters().ToArray());
    }

    [Fact]
    public void Forward_Conditional_GradientsMatchFiniteDifferences()
    {
        var config = new ConditionalVaeConfig { ImageHeight = 2, ImageWidth = 3, HiddenSizes = [4], LatentSize = 2, Classes = 3, Activation = "tanh" };
        var model = VariationalAutoencoder.Create(config, new Rng(8));
        var images = TestData.Pixels(9, 3, 6);
        var noise = GradCheck.Random(10, 3, 2);
        var condition = ImageDataset.OneHot([2, 0, 1], 3);
        GradCheck.AssertGradients(_ => model.Forward(images, noise, condition).Loss, model.Parameters().ToArray());
    }

    [Fact]
    public void Forward_ConditionalConv_LabelReachesEncoderHeadsAndDecoder()
    {
        var config = new ConditionalVaeConfig
        {
            Architecture = Architecture.Conv, ImageHeight = 4, ImageWidth = 4, ConvChannels = [2], LatentSize = 2, Classes = 3,
        };
        var model = VariationalAutoencoder.Create(config, new Rng(3));
        Assert.Equal(new[] { 2, 2 * 2 * 2 + 3 }, model.Parameter("encoder.fc_mu.weight").Shape);
        var images = TestData.Pixels(5, 1, 16);
        var a = model.Forward(images, GradCheck.Random(6, 1, 2), ImageDataset.OneHot([0], 3));
        var b = model.Forward(images, GradCheck.Random(6, 1, 2), ImageDataset.OneHot([2], 3));
        Assert.NotEqual(a.Mean.ToArray(), b.Mean.ToArray());
        Assert.NotEqual(model.Decode(a.Z, ImageDataset.OneHot([0], 3)).ToArray(), model.Decode(a.Z, ImageDataset.OneHot([1], 3)).ToArray());
    }

    [Fact]
    public void SamplePrior_Count_ReturnsPixelMeansInUnitInterval()
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny(), new Rng(1));
        var samples = model.SamplePrior(5, new Rng(2));
        Assert.Equal(new[] { 5, 6 }, samples.Shape);
        Assert.All(samples.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.False(samples.RequiresGrad);
        Close.Assert(model.DecodeMean(Tensor.Randn(new Rng(2), 5, 3)).Span, samples.Span, 0, 0, "prior samples");
    }

    [Fact]
    public void ModuleForward_Images_IsDecodedMeanOfPosteriorMean()
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny(), new Rng(1));
        var images = TestData.Pixels(2, 3, 6);
        var expected = model.DecodeMean(model.Encode(images).Mean);
        Close.Assert(expected.Span, model.Reconstruct(images).Span, 0, 0, "reconstruction");
    }

    [Fact]
    public void Forward_WrongPixelCount_ThrowsNamingExpectedShape()
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny(), new Rng(1));
        var error = Assert.Throws<ArgumentException>(() => model.Forward(TestData.Pixels(1, 2, 7), new Rng(1)));
        Assert.Contains("(B, 6)", error.Message);
        Assert.Contains("(2, 7)", error.Message);
    }

    [Fact]
    public void Forward_NoiseOfWrongShape_Throws()
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny(), new Rng(1));
        var images = TestData.Pixels(1, 4, 6);
        // A (1, latent) ε would otherwise broadcast silently over the batch.
        Assert.Contains("(4, 3)", Assert.Throws<ArgumentException>(() => model.Forward(images, GradCheck.Random(2, 1, 3))).Message);
        Assert.Throws<ArgumentException>(() => model.Forward(images, GradCheck.Random(2, 4, 2)));
    }

    [Fact]
    public void Validate_ConvWithoutChannels_ThrowsNamingConvChannels()
    {
        var error = Assert.Throws<ArgumentException>(() => VariationalAutoencoder.Create(TinyConv() with { ConvChannels = [] }, new Rng(1)));
        Assert.Contains("ConvChannels", error.Message);
        Assert.Contains("ConvChannels", Assert.Throws<ArgumentException>(() => (TinyConv() with { ImageHeight = 5 }).Validate()).Message);
    }
}
