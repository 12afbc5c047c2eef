using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class ClassificationLossTests
{
    private static Reduction Parse(string reduction) => reduction switch { "mean" => Reduction.Mean, "sum" => Reduction.Sum, _ => Reduction.None };

    [Theory]
    [InlineData("cross_entropy", "mean")]
    [InlineData("cross_entropy", "sum")]
    [InlineData("cross_entropy", "none")]
    [InlineData("nll_loss", "mean")]
    [InlineData("nll_loss", "sum")]
    [InlineData("nll_loss", "none")]
    public void Loss_BatchWithIgnoredTarget_ValuesAndGradientsMatchPyTorch(string loss, string reduction)
    {
        string name = $"{loss}.{reduction}";
        var x = OpsMathFixture.Leaf($"{name}.input"); // (6, 5), one row shifted by +80
        var targets = OpsMathFixture.Targets("cross_entropy.targets"); // includes −100 (ignored)
        var y = loss == "cross_entropy" ? Losses.CrossEntropy(x, targets, Parse(reduction)) : Losses.NllLoss(x, targets, Parse(reduction));
        AssertMatches(name, x, y, reduction);
    }

    [Theory]
    [InlineData("cross_entropy_spatial", "mean")]
    [InlineData("cross_entropy_spatial", "none")]
    [InlineData("nll_loss_spatial", "mean")]
    [InlineData("nll_loss_spatial", "none")]
    public void Loss_SpatialInputWithIgnoreIndex1_ValuesAndGradientsMatchPyTorch(string loss, string reduction)
    {
        string name = $"{loss}.{reduction}";
        var x = OpsMathFixture.Leaf($"{name}.input"); // (2, 4, 3, 2)
        var targets = OpsMathFixture.Targets("cross_entropy_spatial.targets"); // (2, 3, 2) flattened
        var y = loss.StartsWith("cross") ? Losses.CrossEntropy(x, targets, Parse(reduction), ignoreIndex: 1)
            : Losses.NllLoss(x, targets, Parse(reduction), ignoreIndex: 1);
        AssertMatches(name, x, y, reduction);
    }

    [Fact]
    public void CrossEntropy_UnbatchedLogits_MatchesPyTorch()
    {
        var x = OpsMathFixture.Leaf("cross_entropy_unbatched.input"); // (5)
        var y = Losses.CrossEntropy(x, [3]);
        AssertMatches("cross_entropy_unbatched", x, y, "mean");
    }

    private static void AssertMatches(string name, Tensor x, Tensor y, string reduction)
    {
        OpsMathFixture.AssertClose(OpsMathFixture.Get($"{name}.output"), y, $"{name} output", 1e-5);
        if (reduction == "none") (y * OpsMathFixture.Get($"{name}.weights")).Sum().Backward();
        else y.Backward();
        OpsMathFixture.AssertClose(OpsMathFixture.Get($"{name}.grad.input"), x.Grad!, $"{name} gradient");
    }

    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.None)]
    public void CrossEntropy_GradientsMatchFiniteDifferences(Reduction reduction)
    {
        GradCheck.AssertGradients(x => Losses.CrossEntropy(x[0], [2, 0, -100, 3], reduction), [GradCheck.Random(1, 4, 5)]);
        GradCheck.AssertGradients(x => Losses.CrossEntropy(x[0], [1, 0, 2, 2, 1, 0], reduction), [GradCheck.Random(2, 2, 3, 3)]);
        GradCheck.AssertGradients(x => Losses.NllLoss(x[0].LogSoftmax(1), [1, 0, 2, 2, 1, 0], reduction), [GradCheck.Random(3, 2, 3, 3)]);
    }

    [Fact]
    public void CrossEntropy_EqualsLogSoftmaxThenNllLoss()
    {
        var x = GradCheck.Random(4, 7, 9).MulScalar(5f).Detach();
        int[] targets = [0, 8, 3, 3, 1, 7, 5];
        Close.Assert(Losses.NllLoss(x.LogSoftmax(1), targets, Reduction.None).Span, Losses.CrossEntropy(x, targets, Reduction.None).Span, 1e-5, 1e-6, "per row");
    }

    [Fact]
    public void CrossEntropy_AllTargetsIgnored_MeanIsNaNAndSumIsZero()
    {
        var x = GradCheck.Random(5, 3, 4);
        Assert.True(float.IsNaN(Losses.CrossEntropy(x, [-100, -100, -100]).Item()));
        Assert.Equal(0f, Losses.CrossEntropy(x, [-100, -100, -100], Reduction.Sum).Item());
    }

    [Fact]
    public void Targets_OutOfRangeOrMiscounted_ThrowNamingPositionValueAndRange()
    {
        var x = Tensor.Zeros(3, 4);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(x, [0, 3, 4]));
        Assert.Contains("target 4 at position 2 is outside 0..3", ex.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.NllLoss(x, [-1, 0, 0]));
        Assert.Contains("target -1 at position 0", negative.Message);
        var count = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(x, [0, 1]));
        Assert.Contains("needs 3 targets", count.Message);
        Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(Tensor.Scalar(1f), [0]));
    }
}
