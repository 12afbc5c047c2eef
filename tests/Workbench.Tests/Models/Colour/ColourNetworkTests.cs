using System.Text.Json;
using Workbench.Models;
using Workbench.Models.Adversarial;
using Workbench.Models.Hierarchical;
using Workbench.Models.Likelihoods;
using Workbench.Models.SemiSupervised;
using Workbench.Models.VectorQuantized;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models.Colour;

/// <summary>
/// Three-channel (RGB) images through every network: a batch (B, 3·H·W) in PyTorch's (C, H, W) order goes through
/// the encoder and comes back from the decoder as (B, 3·H·W), the first convolution reads three channels and the
/// last writes three, and every parameter receives a gradient.
/// </summary>
public class ColourNetworkTests
{
    private const int Batch = 3, Side = 8, Values = 3 * Side * Side;

    private static Tensor Images(ulong seed = 1) => TestData.Pixels(seed, Batch, Values);

    /// <summary>A forward pass with the model's objective, the loss's backward, and the shapes of what came out.</summary>
    private static void AssertColourForwardAndBackward(VariationalAutoencoder model)
    {
        Assert.Equal(3, model.ImageChannels);
        Assert.Equal(Values, model.Pixels);
        var images = Images();
        var output = model.Forward(images, new Rng(2));
        Assert.Equal([Batch, Values], output.Reconstruction.Shape);
        Assert.Equal([Batch], output.ReconstructionPerImage.Shape);
        output.Loss.Backward();
        var missing = model.NamedParameters().Where(p => p.Parameter.Grad is null).Select(p => p.Name).ToArray();
        Assert.True(missing.Length == 0, "no gradient: " + string.Join(", ", missing));
        Assert.All(model.NamedParameters(), p => Assert.Equal(p.Parameter.Shape, p.Parameter.Grad!.Shape));
        Assert.Equal([Batch, Values], model.DecodeMean(model.Encode(images).Mean).Shape);
    }

    [Theory]
    [InlineData(Architecture.Mlp)]
    [InlineData(Architecture.Conv)]
    [InlineData(Architecture.ConvBn)]
    public void Build_ThreeChannels_EveryArchitectureTakesAndGivesThreeChannelImages(Architecture architecture)
    {
        var config = new VaeConfig { ImageChannels = 3, ImageHeight = Side, ImageWidth = Side, Architecture = architecture, HiddenSizes = [16], ConvChannels = [4, 8], LatentSize = 3 };
        AssertColourForwardAndBackward(config.Build(new Rng(1)));
    }

    [Fact]
    public void Build_ThreeChannelMlp_FirstLayerReadsEveryChannelAndLastWritesEvery()
    {
        var model = new VaeConfig { ImageChannels = 3, ImageHeight = Side, ImageWidth = Side, HiddenSizes = [16], LatentSize = 3 }.Build(new Rng(1));
        var weights = model.NamedParameters().Where(p => p.Name.EndsWith(".weight")).ToArray();
        Assert.Equal([16, Values], weights.First(p => p.Name.StartsWith("encoder.")).Parameter.Shape);
        Assert.Equal([Values, 16], weights.Last(p => p.Name.StartsWith("decoder.")).Parameter.Shape);
    }

    [Theory]
    [InlineData(Architecture.Conv, 4)]
    [InlineData(Architecture.ConvBn, 3)]
    public void Build_ThreeChannelConv_FirstConvolutionReadsThreeChannelsAndLastWritesThree(Architecture architecture, int kernel)
    {
        var model = new VaeConfig { ImageChannels = 3, ImageHeight = Side, ImageWidth = Side, Architecture = architecture, ConvChannels = [4, 8], LatentSize = 3 }.Build(new Rng(1));
        var convolutions = model.NamedParameters().Where(p => p.Parameter.Rank == 4).ToArray();
        Assert.Equal([4, 3, kernel, kernel], convolutions.First(p => p.Name.StartsWith("encoder.")).Parameter.Shape);      // Conv2d (out, in, k, k)
        var last = convolutions.Last(p => p.Name.StartsWith("decoder.")).Parameter;
        // ConvTranspose2d weights are (in, out, k, k), Conv2d's (out, in, k, k): the conv VAE ends on a transpose, conv-bn on a convolution.
        Assert.Equal(3, architecture == Architecture.Conv ? last.Dim(1) : last.Dim(0));
    }

    [Fact]
    public void Build_ThreeChannelVqVae_EncodesAndDecodesColourImages()
    {
        var config = new VqVaeConfig { ImageChannels = 3, ImageHeight = Side, ImageWidth = Side, ConvChannels = [4, 8], Codes = 6, CodeSize = 2, PriorChannels = 4, PriorLayers = 1 };
        AssertColourForwardAndBackwardWithoutPrior(config.Build(new Rng(1)));
    }

    [Fact]
    public void Build_ThreeChannelVaeGan_DiscriminatorReadsThreeChannels()
    {
        var config = new VaeGanConfig { ImageChannels = 3, ImageHeight = Side, ImageWidth = Side, ConvChannels = [4, 8], DiscriminatorChannels = [4, 8], LatentSize = 3 };
        var model = (VaeGan)config.Build(new Rng(1));
        AssertColourForwardAndBackwardWithoutPrior(model);
        var judged = model.Discriminator.Forward(Images());
        Assert.Equal([Batch, 1], judged.Logits.Shape);
        Assert.Equal([4, 3, 4, 4], model.Discriminator.Features.Parameters().First().Shape);
    }

    [Fact]
    public void Build_ThreeChannelHierarchicalVae_TakesAndGivesThreeChannelImages()
    {
        var config = new HierarchicalVaeConfig { ImageChannels = 3, ImageHeight = Side, ImageWidth = Side, Layers = [new([8], 4), new([6], 2)] };
        AssertColourForwardAndBackward(config.Build(new Rng(1)));
    }

    [Fact]
    public void Build_ThreeChannelM2_EncodesClassifiesAndDecodesColourImages()
    {
        var model = (SemiSupervisedVae)new SemiSupervisedVaeConfig { ImageChannels = 3, ImageHeight = Side, ImageWidth = Side, HiddenSizes = [16], LatentSize = 3, Classes = 4, Labels = 8 }.Build(new Rng(1));
        Assert.Equal(3, model.ImageChannels);
        var images = Images();
        var condition = model.Conditioning.FromLabels([0, 1, 2]);
        Assert.Equal([Batch, 4], model.Classifier.Forward(images).Shape);
        Assert.Equal([Batch, Values], model.DecodeMean(model.Encode(images, condition).Mean, condition).Shape);
    }

    /// <summary>As <see cref="AssertColourForwardAndBackward"/> for models whose prior is fitted apart (VQ-VAE) or that have a third network: only encoder and decoder parameters need a gradient.</summary>
    private static void AssertColourForwardAndBackwardWithoutPrior(VariationalAutoencoder model)
    {
        Assert.Equal(3, model.ImageChannels);
        var output = model.Forward(Images(), new Rng(2));
        Assert.Equal([Batch, Values], output.Reconstruction.Shape);
        output.Loss.Backward();
        Assert.All(model.NamedParameters().Where(p => p.Name.StartsWith("decoder.") || p.Name.StartsWith("encoder.body.")),
            p => Assert.True(p.Parameter.Grad is not null, $"{p.Name}: no gradient"));
    }

    [Fact]
    public void Gradients_TinyColourConvVae_MatchFiniteDifferences()
    {
        // 3×4×4 images, one stride-2 convolution of 2 channels, tanh: small and smooth enough for central differences
        // through the image's channels, the first convolution's three input channels and the decoder's three output channels.
        var config = new VaeConfig { ImageChannels = 3, ImageHeight = 4, ImageWidth = 4, Architecture = Architecture.Conv, ConvChannels = [2], LatentSize = 2, Activation = "tanh" };
        var model = config.Build(new Rng(3));
        var images = TestData.Pixels(4, 2, 48);
        images.RequiresGrad = true;
        var noise = Tensor.Randn(new Rng(5), 2, 2);
        var firstConvolution = model.NamedParameters().First(p => p.Parameter.Rank == 4).Parameter;
        var lastTranspose = model.NamedParameters().Last(p => p.Parameter.Rank == 4).Parameter;
        GradCheck.AssertGradients(inputs => model.Forward(inputs[0], noise).Loss, [images, firstConvolution, lastTranspose], step: 1e-2f);
    }

    [Fact]
    public void Likelihoods_ThreeChannels_HoldOneScaleOrVariancePerValue()
    {
        foreach (var (kind, parameter) in new[] { (LikelihoodKind.DiscretizedLogistic, "likelihood."), (LikelihoodKind.GaussianLearnedVariance, "likelihood.") })
        {
            var model = new VaeConfig { ImageChannels = 3, ImageHeight = Side, ImageWidth = Side, HiddenSizes = [8], LatentSize = 2, Likelihood = kind }.Build(new Rng(1));
            var parameters = model.NamedParameters().Where(p => p.Name.StartsWith(parameter)).ToArray();
            Assert.Single(parameters);
            Assert.Equal([Values], parameters[0].Parameter.Shape);
            // 8-bit images (the discretized logistic reads 256 levels).
            var images = Tensor.FromArray(Images().ToArray().Select(v => MathF.Round(v * 255f) / 255f).ToArray(), Batch, Values);
            Assert.Equal([Batch], model.Likelihood.NegativeLogLikelihood(model.Decode(Tensor.Zeros(Batch, 2)), images).Shape);
        }
    }

    [Fact]
    public void Encode_GreyscaleBatchForAColourModel_SaysTheShapeItTakes()
    {
        var model = new VaeConfig { ImageChannels = 3, ImageHeight = Side, ImageWidth = Side, HiddenSizes = [8], LatentSize = 2 }.Build(new Rng(1));
        var error = Assert.Throws<ArgumentException>(() => model.Encode(TestData.Pixels(1, 2, Side * Side)));
        Assert.Contains($"(B, {Values})", error.Message);
        Assert.Contains("3×8×8", error.Message);
        Assert.Contains("C×H×W", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void Validate_ChannelsOtherThanOneOrThree_NamesTheField(int channels)
    {
        var error = Assert.Throws<ArgumentException>(() => new VaeConfig { ImageChannels = channels }.Validate());
        Assert.StartsWith("ImageChannels:", error.Message);
        Assert.Contains($"(got {channels})", error.Message);
    }

    [Fact]
    public void Json_OneChannel_LeavesImageChannelsOut_ThreeChannelsWritesAndReadsIt()
    {
        Assert.DoesNotContain("ImageChannels", JsonSerializer.Serialize<VaeConfig>(new BetaVaeConfig(), VaeConfig.JsonOptions), StringComparison.OrdinalIgnoreCase);
        var colour = JsonSerializer.Serialize<VaeConfig>(new BetaVaeConfig { ImageChannels = 3 }, VaeConfig.JsonOptions);
        Assert.Contains("\"imageChannels\":3", colour);
        Assert.Equal(3, JsonSerializer.Deserialize<VaeConfig>(colour, VaeConfig.JsonOptions)!.ImageChannels);
    }
}
