using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class PermuteTests
{
    /// <summary>Shapes that exercise every path: run copies, tile transposes with partial tiles, size-1 axes that merge away.</summary>
    public static TheoryData<int[]> Rank4Shapes => new() { new[] { 2, 3, 4, 5 }, new[] { 1, 3, 1, 5 }, new[] { 3, 1, 34, 2 }, new[] { 2, 33, 1, 35 } };

    [Theory]
    [MemberData(nameof(Rank4Shapes))]
    public void Permute_EveryPermutationOfRank4_MatchesIndexLoop(int[] shape)
    {
        var x = GradCheck.Random(1, shape);
        foreach (var axes in Permutations(4))
        {
            var y = x.Permute(axes);
            AssertPermuted(x, axes, y);
        }
    }

    [Fact]
    public void Permute_Rank5WithNegativeAxes_MatchesIndexLoop()
    {
        var x = GradCheck.Random(2, 2, 3, 2, 4, 3);
        var y = x.Permute(-1, 2, 0, -2, 1);
        AssertPermuted(x, [4, 2, 0, 3, 1], y);
    }

    [Fact]
    public void Permute_Gradient_IsInversePermutationAndAccumulates()
    {
        // Big enough for the 8 × 8 register transposes, with partial blocks at the edges.
        var x = GradCheck.Random(3, 9, 2, 21);
        x.RequiresGrad = true;
        var r = GradCheck.Random(4, 21, 9, 2);

        // x reaches the loss twice: the second contribution adds into the first.
        ((x.Permute(2, 0, 1) * r).Sum() + (x.Permute(2, 0, 1) * r).Sum()).Backward();

        var expected = r.Permute(1, 2, 0).ToArray().Select(v => 2 * v).ToArray();
        Close.Assert(expected, x.Grad!.Span, what: "gradient");
    }

    [Theory]
    [InlineData(0, 2, 1, 3)]
    [InlineData(3, 1, 0, 2)]
    [InlineData(0, 1, 3, 2)]
    public void Permute_Gradients_MatchFiniteDifferences(int a, int b, int c, int d) =>
        GradCheck.AssertGradients(x => x[0].Permute(a, b, c, d), [GradCheck.Random(5, 2, 3, 2, 4)]);

    [Fact]
    public void TransposeDims_SwapsTwoAxes_AsPermute()
    {
        var x = GradCheck.Random(6, 2, 3, 4);
        Assert.Equal(x.Permute(2, 1, 0).ToArray(), x.Transpose(0, -1).ToArray());
        Assert.Equal(new[] { 4, 3, 2 }, x.Transpose(0, -1).Shape);
        var matrix = x.Reshape(6, 4);
        Assert.Equal(matrix.Transpose().ToArray(), matrix.Transpose(1, 0).ToArray());
    }

    [Fact]
    public void TransposeDims_Gradients_MatchFiniteDifferences() =>
        GradCheck.AssertGradients(x => x[0].Transpose(1, 2), [GradCheck.Random(7, 2, 3, 4)]);

    [Fact]
    public void UnsqueezeAndSqueeze_AddAndDropSizeOneAxes()
    {
        var x = GradCheck.Random(8, 2, 3);
        Assert.Equal(new[] { 1, 2, 3 }, x.Unsqueeze(0).Shape);
        Assert.Equal(new[] { 2, 1, 3 }, x.Unsqueeze(1).Shape);
        Assert.Equal(new[] { 2, 3, 1 }, x.Unsqueeze(-1).Shape);
        Assert.Equal(new[] { 2, 3 }, x.Unsqueeze(1).Squeeze(1).Shape);
        Assert.Equal(new[] { 2, 3 }, x.Squeeze(0).Shape); // not size 1: unchanged, as in PyTorch
        Assert.Equal(new[] { 2, 3 }, x.Unsqueeze(0).Unsqueeze(-1).Squeeze().Shape);
        Assert.Equal(new[] { 1 }, Tensor.Scalar(5f).Unsqueeze(0).Shape);
        Assert.Equal(x.ToArray(), x.Unsqueeze(1).ToArray());
    }

    [Fact]
    public void Expand_Gradients_MatchFiniteDifferences()
    {
        GradCheck.AssertGradients(x => x[0].Expand(3, 2, 4, 3), [GradCheck.Random(9, 2, 1, 3)]);
        GradCheck.AssertGradients(x => x[0].BroadcastTo(2, 4, 5), [GradCheck.Random(10, 1, 4, 1)]);
    }

    [Fact]
    public void Expand_SameShape_ReturnsSameValues()
    {
        var x = GradCheck.Random(11, 2, 3);
        Assert.Equal(x.ToArray(), x.Expand(-1, 3).ToArray());
    }

    [Fact]
    public void Repeat_TilesEveryDimension()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var y = x.Repeat(2, 3);
        Assert.Equal(new[] { 4, 6 }, y.Shape);
        Assert.Equal(new[] { 1f, 2f, 1f, 2f, 1f, 2f }, y.ToArray()[..6]);
        Assert.Equal(y.ToArray()[..12], y.ToArray()[12..]);
        GradCheck.AssertGradients(t => t[0].Repeat(2, 1, 3), [GradCheck.Random(12, 2, 3)]);
    }

    [Fact]
    public void Permute_RepeatedAxis_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => GradCheck.Random(1, 2, 3, 4).Permute(0, 1, -2));
        Assert.Contains("axis -2 appears more than once in [0, 1, -2]", ex.Message);
    }

    [Fact]
    public void Permute_AxisOutOfRange_ThrowsNamingRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GradCheck.Random(1, 2, 3, 4).Permute(0, 3, 1));
        Assert.Contains("axis 3 is out of range [-3, 2]", ex.Message);
        var count = Assert.Throws<ArgumentException>(() => GradCheck.Random(1, 2, 3, 4).Permute(0, 1));
        Assert.Contains("names 2 axes", count.Message);
    }

    [Fact]
    public void TransposeAndUnsqueeze_AxisOutOfRange_ThrowNamingRange()
    {
        var x = GradCheck.Random(1, 2, 3);
        Assert.Contains("axis -3 is out of range [-2, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => x.Transpose(-3, 0)).Message);
        Assert.Contains("axis 3 is out of range [-3, 2]", Assert.Throws<ArgumentOutOfRangeException>(() => x.Unsqueeze(3)).Message);
        Assert.Contains("axis 2 is out of range [-2, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => x.Squeeze(2)).Message);
    }

    [Fact]
    public void Expand_NonUnitDimension_ThrowsNamingSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => GradCheck.Random(1, 2, 3).Expand(2, 4));
        Assert.Contains("dimension 1 of shape (2, 3) has size 3 and cannot become 4", ex.Message);
    }

    /// <summary>y[i0, i1, …] = x[…] with y's axis k being x's axis axes[k], checked element by element.</summary>
    private static void AssertPermuted(Tensor x, int[] axes, Tensor y)
    {
        int rank = x.Rank;
        var xDims = x.Shape.ToArray();
        Assert.Equal(axes.Select(a => xDims[a]).ToArray(), y.Shape);
        var yDims = y.Shape.ToArray();
        var index = new int[rank];
        var xs = x.ToArray();
        var ys = y.ToArray();
        for (int flat = 0; flat < ys.Length; flat++)
        {
            for (int k = rank - 1, rest = flat; k >= 0; rest /= yDims[k], k--) index[k] = rest % yDims[k];
            int source = 0;
            for (int a = 0; a < rank; a++) source = source * xDims[a] + index[Array.IndexOf(axes, a)];
            Assert.True(ys[flat] == xs[source], $"permute [{string.Join(", ", axes)}] of {Tensor.ShapeText(xDims)}: element {flat}");
        }
    }

    private static IEnumerable<int[]> Permutations(int n) =>
        n == 0 ? [[]] : Permutations(n - 1).SelectMany(p => Enumerable.Range(0, n).Select(i => p[..i].Append(n - 1).Concat(p[i..]).ToArray()));
}
