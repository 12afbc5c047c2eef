using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.NN;

public class LayerTests
{
    [Fact]
    public void Linear_Forward_EqualsFunctionalLinear()
    {
        var layer = new Linear(6, 4, new Rng(1));
        var x = GradCheck.Random(2, 5, 6);
        Assert.Equal(new[] { 4, 6 }, layer.Weight.Shape);
        Assert.Equal(Tensor.Linear(x, layer.Weight, layer.Bias).ToArray(), layer.Forward(x).ToArray());
    }

    [Fact]
    public void Conv2d_Forward_EqualsFunctionalConv2d()
    {
        var layer = new Conv2d(3, 5, 3, new Rng(3), stride: 2, padding: 1);
        var x = GradCheck.Random(4, 2, 3, 9, 8);
        Assert.Equal(new[] { 5, 3, 3, 3 }, layer.Weight.Shape);
        Assert.Equal(Tensor.Conv2d(x, layer.Weight, layer.Bias, 2, 1).ToArray(), layer.Forward(x).ToArray());
    }

    [Fact]
    public void ConvTranspose2d_Forward_EqualsFunctionalAndHasPyTorchWeightLayout()
    {
        var layer = new ConvTranspose2d(4, 2, 4, new Rng(5), stride: 2, padding: 1, outputPadding: 1);
        var x = GradCheck.Random(6, 3, 4, 5, 5);
        Assert.Equal(new[] { 4, 2, 4, 4 }, layer.Weight.Shape);
        var y = layer.Forward(x);
        Assert.Equal(new[] { 3, 2, 11, 11 }, y.Shape);
        Assert.Equal(Tensor.ConvTranspose2d(x, layer.Weight, layer.Bias, 2, 1, 1).ToArray(), y.ToArray());
    }

    [Fact]
    public void LayersWithoutBias_RegisterOnlyWeight()
    {
        var rng = new Rng(7);
        Assert.Equal(["weight"], new Linear(2, 3, rng, bias: false).NamedParameters().Select(p => p.Name));
        Assert.Equal(["weight"], new Conv2d(2, 3, 1, rng, bias: false).NamedParameters().Select(p => p.Name));
        Assert.Equal(["weight"], new ConvTranspose2d(2, 3, 1, rng, bias: false).NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void Activations_Forward_MatchClosedForms()
    {
        var x = Tensor.FromArray([-2f, -0.5f, 0f, 0.5f, 3f]);
        Assert.Equal([0f, 0f, 0f, 0.5f, 3f], new ReLU().Forward(x).ToArray());
        Close.Assert([-0.4f, -0.1f, 0f, 0.5f, 3f], new LeakyReLU(0.2f).Forward(x).Span, what: "leaky relu");
        Close.Assert(x.ToArray().Select(v => (float)(1 / (1 + Math.Exp(-v)))).ToArray(), new Sigmoid().Forward(x).Span, what: "sigmoid");
        Close.Assert(x.ToArray().Select(v => (float)Math.Tanh(v)).ToArray(), new Tanh().Forward(x).Span, what: "tanh");
    }

    [Fact]
    public void Activations_Gradients_MatchFiniteDifferences()
    {
        foreach (var activation in new Module<Tensor, Tensor>[] { new LeakyReLU(0.1f), new Sigmoid(), new Tanh() })
            GradCheck.AssertGradients(t => activation.Forward(t[0]), [GradCheck.Random(8, 3, 7)]);
    }

    [Fact]
    public void FlattenThenUnflatten_RoundTripsShapeAndValues()
    {
        var x = GradCheck.Random(9, 2, 3, 4, 5);
        var flat = new Flatten().Forward(x);
        Assert.Equal(new[] { 2, 60 }, flat.Shape);
        var back = new Unflatten(3, -1, 5).Forward(flat);
        Assert.Equal(x.Shape, back.Shape);
        Assert.Equal(x.ToArray(), back.ToArray());
    }

    [Fact]
    public void FlattenAndUnflatten_Gradients_FlowThrough()
    {
        GradCheck.AssertGradients(t => new Unflatten(2, 6).Forward(new Flatten().Forward(t[0]) * t[0].Flatten()), [GradCheck.Random(10, 2, 3, 4)]);
    }

    [Fact]
    public void SmallConvAutoencoder_ParameterGradients_MatchFiniteDifferences()
    {
        // (2, 1, 6, 6) → conv (2, 2, 3, 3) → flatten (2, 18) → linear (2, 8) → unflatten (2, 2, 2, 2) → convT (2, 1, 4, 4)
        var rng = new Rng(12);
        var model = new Sequential(
            new Conv2d(1, 2, 3, rng, stride: 2, padding: 1), new Tanh(), new Flatten(), new Linear(18, 8, rng),
            new Unflatten(2, 2, 2), new ConvTranspose2d(2, 1, 4, rng, stride: 2, padding: 1), new Sigmoid());
        var x = GradCheck.Random(13, 2, 1, 6, 6);
        Assert.Equal(new[] { 2, 1, 4, 4 }, model.Forward(x).Shape);
        GradCheck.AssertGradients(_ => model.Forward(x), model.Parameters().ToArray());
    }

    [Fact]
    public void Unflatten_SizeMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Unflatten(4, 4).Forward(Tensor.Zeros(2, 15)));
        Assert.Throws<ArgumentException>(() => new Unflatten(-1, -1));
    }

    [Fact]
    public void ConvTranspose2d_OutputPaddingNotBelowStride_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvTranspose2d(1, 1, 3, new Rng(1), stride: 2, outputPadding: 2));
    }
}
