using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.NN;

public class ConvPoolLayerTests
{
    [Fact]
    public void NewLayers_Printed_ReadAsPyTorchPrintsThem()
    {
        var rng = new Rng(1);
        Assert.Equal("Conv1d(3, 4, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,))", new Conv1d(3, 4, 3, rng, 2, 1, 2).ToString());
        Assert.Equal("Conv1d(3, 4, kernel_size=(3,), stride=(1,))", new Conv1d(3, 4, 3, rng).ToString());
        Assert.Equal("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", new MaxPool2d(2).ToString());
        Assert.Equal("MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)", new MaxPool2d(3, 2, 1).ToString());
        Assert.Equal("AvgPool2d(kernel_size=3, stride=2, padding=1)", new AvgPool2d(3, 2, 1, countIncludePad: false).ToString());
        Assert.Equal("AdaptiveAvgPool2d(output_size=(2, 3))", new AdaptiveAvgPool2d(2, 3).ToString());
        Assert.Equal("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).ToString());
        Assert.Equal("Upsample(scale_factor=2.0, mode=nearest)", new Upsample(scaleFactor: 2).ToString());
        Assert.Equal("Upsample(scale_factor=1.5, mode=bilinear)", new Upsample(scaleFactor: 1.5, mode: UpsampleMode.Bilinear).ToString());
        Assert.Equal("Upsample(size=(7, 9), mode=bilinear)", new Upsample(size: (7, 9), mode: UpsampleMode.Bilinear, alignCorners: true).ToString());
        Assert.Equal(
            "GatedDense(\n  (activation): Tanh()\n  (sigmoid): Sigmoid()\n  (h): Linear(in_features=6, out_features=5, bias=True)\n" +
            "  (g): Linear(in_features=6, out_features=5, bias=True)\n)", new GatedDense(6, 5, rng, new Tanh()).ToString());
        Assert.Equal(
            "ResidualBlock(\n  (body): Sequential(\n    (0): Conv2d(3, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))\n    (1): ReLU()\n" +
            "    (2): Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n  )\n  (shortcut): Conv2d(3, 4, kernel_size=(1, 1), stride=(2, 2))\n)",
            ResidualBlock.Convolutional(3, 4, rng, stride: 2).ToString());
    }

    [Fact]
    public void GatedDense_Parameters_AreNamedAsInTheVampPriorCode()
    {
        var layer = new GatedDense(6, 5, new Rng(2));
        Assert.Equal(["h.weight", "h.bias", "g.weight", "g.bias"], layer.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { 5, 6 }, layer.Hidden.Weight.Shape);
    }

    [Fact]
    public void GatedDense_Gradients_MatchFiniteDifferences()
    {
        var layer = new GatedDense(4, 3, new Rng(3), new Tanh());
        var inputs = new[] { GradCheck.Random(4, 5, 4), layer.Hidden.Weight, layer.Hidden.Bias!, layer.Gate.Weight, layer.Gate.Bias! };
        GradCheck.AssertGradients(t => layer.Forward(t[0]), inputs);
    }

    [Fact]
    public void ResidualBlock_Gradients_MatchFiniteDifferences()
    {
        var rng = new Rng(5);
        var block = new ResidualBlock(new Sequential(new Conv2d(2, 3, 3, rng, padding: 1), new Tanh(), new Conv2d(3, 3, 3, rng, stride: 2, padding: 1)),
            new Conv2d(2, 3, 1, rng, stride: 2));
        var inputs = new[] { GradCheck.Random(6, 2, 2, 5, 5) }.Concat(block.Parameters()).ToArray();
        GradCheck.AssertGradients(t => block.Forward(t[0]), inputs);
    }

    [Fact]
    public void ResidualBlock_IdentityShortcut_AddsTheInput()
    {
        var body = new Linear(3, 3, new Rng(7));
        var block = new ResidualBlock(body);
        var x = GradCheck.Random(8, 2, 3);
        Assert.Equal((body.Forward(x) + x).ToArray(), block.Forward(x).ToArray());
        Assert.Equal(["body.weight", "body.bias"], block.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void ResidualBlock_ShapesThatDiffer_ThrowNamingBoth()
    {
        var block = new ResidualBlock(new Linear(3, 4, new Rng(9)));
        var message = Assert.Throws<ArgumentException>(() => block.Forward(Tensor.Zeros(2, 3))).Message;
        Assert.Contains("(2, 4)", message);
        Assert.Contains("identity shortcut gives (2, 3)", message);
    }

    [Fact]
    public void ResidualBlockConvolutional_WithNormalization_PlacesItAfterEachConvolutionAndDropsTheirBias()
    {
        var block = ResidualBlock.Convolutional(2, 4, new Rng(10), stride: 2, normalization: c => new ChannelScale(c));
        Assert.Equal(["body.0.weight", "body.1.scale", "body.3.weight", "body.4.scale", "shortcut.0.weight", "shortcut.1.scale"],
            block.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { 3, 4, 3, 3 }, block.Forward(GradCheck.Random(11, 3, 2, 6, 5)).Shape);
        Assert.Null(ResidualBlock.Convolutional(4, 4, new Rng(12)).Shortcut);
    }

    [Fact]
    public void NewLayers_BadArguments_ThrowNamingTheProblem()
    {
        var rng = new Rng(13);
        Assert.Contains("dilation", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv1d(1, 1, 3, rng, dilation: 0)).Message);
        Assert.Contains("kernelSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv1d(1, 1, 0, rng)).Message);
        Assert.Contains("[0, 1], got 2", Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(3, padding: 2)).Message);
        Assert.Contains("stride", Assert.Throws<ArgumentOutOfRangeException>(() => new AvgPool2d(2, stride: 0)).Message);
        Assert.Contains("exactly one", Assert.Throws<ArgumentException>(() => new Upsample()).Message);
        Assert.Contains("alignCorners", Assert.Throws<ArgumentException>(() => new Upsample(scaleFactor: 2, alignCorners: false)).Message);
        Assert.Contains("size must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => new Upsample(size: (0, 3))).Message);
        Assert.Contains("output size must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveAvgPool2d(0)).Message);
    }

    /// <summary>A stand-in normalisation layer with one parameter per channel.</summary>
    private sealed class ChannelScale : Module<Tensor, Tensor>
    {
        private readonly Tensor _scale;

        public ChannelScale(int channels) => _scale = RegisterParameter("scale", Tensor.Ones(channels, 1, 1));

        public override Tensor Forward(Tensor input) => input * _scale;
    }
}
