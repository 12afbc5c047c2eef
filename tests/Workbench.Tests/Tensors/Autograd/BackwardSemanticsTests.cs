using Workbench.Models;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors.Autograd;

/// <summary>
/// PyTorch's gradient semantics: leaves accumulate across Backward() calls, intermediates hold one
/// call's gradient only, and a graph may be backpropagated again with the same result.
/// </summary>
public class BackwardSemanticsTests
{
    [Fact]
    public void Backward_SameLossTwiceWithZeroGradBetween_GivesTheSameLeafGradient()
    {
        var w = Tensor.FromArray([2f], 1);
        w.RequiresGrad = true;
        var loss = (w * 3f).Square().Sum(); // 9w², d/dw = 18w = 36
        loss.Backward();
        Assert.Equal(36f, w.Grad!.Item());
        w.ZeroGrad();
        loss.Backward();
        Assert.Equal(36f, w.Grad!.Item());
    }

    [Fact]
    public void Backward_TwoLossesThroughASharedIntermediate_EachSeesOnlyItsOwnGradient()
    {
        var x = Tensor.FromArray([1f], 1);
        x.RequiresGrad = true;
        var y = x * 3f;
        (y * 1f).Sum().Backward();
        Assert.Equal(3f, x.Grad!.Item());
        x.ZeroGrad();
        (y * 1f).Sum().Backward();
        Assert.Equal(3f, x.Grad!.Item());
        Assert.Equal(1f, y.Grad!.Item()); // the intermediate holds the last call's gradient, not the sum of both
    }

    [Fact]
    public void Backward_TwoDifferentLossesWithoutZeroGrad_LeafAccumulatesTheirSum()
    {
        var x = GradCheck.Random(1, 3, 4);
        x.RequiresGrad = true;
        var shared = x.Tanh() * 2f;                       // (3, 4), used by both losses
        var first = shared.Square().Sum();
        var second = (shared * x).Sum();

        first.Backward();
        var firstOnly = x.Grad!.ToArray();
        x.ZeroGrad();
        second.Backward();
        var secondOnly = x.Grad!.ToArray();

        x.ZeroGrad();
        first.Backward();
        second.Backward();
        Close.Assert(firstOnly.Zip(secondOnly, (a, b) => a + b).ToArray(), x.Grad!.ToArray(), rtol: 1e-6, atol: 1e-7, what: "accumulated gradient");

        // The same sum as one backward of first + second (a fresh graph).
        var y = GradCheck.Random(1, 3, 4);
        y.RequiresGrad = true;
        var s = y.Tanh() * 2f;
        (s.Square().Sum() + (s * y).Sum()).Backward();
        Close.Assert(y.Grad!.ToArray(), x.Grad!.ToArray(), rtol: 1e-5, atol: 1e-6, what: "one backward of the sum");
    }

    [Fact]
    public void Backward_MicroBatchesOfAMeanLoss_AccumulateToTheFullBatchGradient()
    {
        var w = GradCheck.Random(2, 5, 3);
        w.RequiresGrad = true;
        var inputs = GradCheck.Random(3, 8, 5);
        Tensor Loss(Tensor batch) => batch.MatMul(w).Sigmoid().Square().Mean();

        Loss(inputs).Backward();
        var full = w.Grad!.ToArray();

        w.ZeroGrad();
        foreach (var half in inputs.Split([4, 4], 0)) (Loss(half) * 0.5f).Backward(); // two micro-batches, each half the weight
        Close.Assert(full, w.Grad!.ToArray(), rtol: 1e-5, atol: 1e-7, what: "micro-batch accumulation");
    }

    [Theory]
    [InlineData(Architecture.Mlp)]
    [InlineData(Architecture.Conv)]
    public void Backward_AWholeVaeGraphTwice_GivesBitIdenticalParameterGradients(Architecture architecture)
    {
        // Every op on the model's path must leave what its forward saved intact: a second backward
        // through the same graph (retain_graph) gives exactly the first one's gradients.
        var config = new VaeConfig { Architecture = architecture, ImageHeight = 8, ImageWidth = 8, HiddenSizes = [16], ConvChannels = [4, 8], LatentSize = 3 };
        var model = VariationalAutoencoder.Create(config, new Rng(5));
        var images = TestData.Pixels(6, 5, 64);
        var output = model.Forward(new VaeBatch(images, model.Noise(5, new Rng(7))));

        model.ZeroGrad();
        output.Loss.Backward();
        var first = model.Parameters().Select(p => p.Grad!.ToArray()).ToList();
        model.ZeroGrad();
        output.Loss.Backward();
        var second = model.Parameters().Select(p => p.Grad!.ToArray()).ToList();

        Assert.Equal(first.Count, second.Count);
        for (int i = 0; i < first.Count; i++) Assert.Equal(first[i], second[i]);
    }

    [Fact]
    public void Backward_ABranchNotReachedInALaterCall_PassesNothingStaleOn()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        var branch = x.Exp();                     // reached by the first loss only
        var other = x * 5f;
        (branch.Sum() + other.Sum()).Backward();
        x.ZeroGrad();
        other.Sum().Backward();                   // branch is not on this loss's path
        Assert.Equal([5f, 5f], x.Grad!.ToArray());
    }
}
