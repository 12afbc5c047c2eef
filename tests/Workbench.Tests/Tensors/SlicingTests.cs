using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class SlicingTests
{
    /// <summary>Python's x[start:end:step] on a length-5 axis, with the indices Python gives (null = omitted).</summary>
    [Theory]
    [InlineData(null, null, 1, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(-10, 10, 1, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(3, 1, 1, new int[0])]
    [InlineData(-2, null, 1, new[] { 3, 4 })]
    [InlineData(null, -1, 2, new[] { 0, 2 })]
    [InlineData(4, 100, 3, new[] { 4 })]
    [InlineData(1, null, 2, new[] { 1, 3 })]
    [InlineData(5, null, 1, new int[0])]
    [InlineData(-7, -4, 1, new[] { 0 })]
    [InlineData(1, int.MaxValue, int.MaxValue, new[] { 1 })]
    [InlineData(int.MinValue, 3, 2, new[] { 0, 2 })]
    public void Slice_PythonBounds_TakesPythonsEntries(int? start, int? end, int step, int[] expected)
    {
        var x = GradCheck.Random(1, 2, 5, 3);

        var y = x.Slice(1, start, end, step);

        Assert.Equal(new[] { 2, expected.Length, 3 }, y.Shape);
        Assert.Equal(x.IndexSelect(1, expected).ToArray(), y.ToArray());
    }

    [Fact]
    public void SlicingOps_Gradients_MatchFiniteDifferences()
    {
        GradCheck.AssertGradients(x => x[0].Narrow(1, 1, 2), [GradCheck.Random(2, 2, 4, 3)]);
        GradCheck.AssertGradients(x => x[0].Slice(2, 1, null, 2), [GradCheck.Random(3, 2, 3, 6)]);
        GradCheck.AssertGradients(x => x[0].Select(0, -1), [GradCheck.Random(4, 3, 2, 2)]);
        GradCheck.AssertGradients(x => x[0].Select(2, 1), [GradCheck.Random(5, 2, 3, 4)]);
        GradCheck.AssertGradients(x => x[0].IndexSelect(1, [2, 0, 2, 2]), [GradCheck.Random(6, 2, 3, 2)]);
    }

    [Fact]
    public void Slices_OfOneTensor_AccumulateTheirGradients()
    {
        var x = GradCheck.Random(7, 2, 6, 3);
        x.RequiresGrad = true;

        (x.Narrow(1, 0, 4).Sum() + x.Select(1, 2).Sum() * 3f + x.Slice(1, 1, null, 2).Sum() + x.IndexSelect(1, [5, 5]).Sum()).Backward();

        // Along axis 1, entry k is used by: Narrow (k < 4), Select ×3 (k = 2), Slice (k odd), IndexSelect twice (k = 5).
        var perEntry = Enumerable.Range(0, 6).Select(k => (k < 4 ? 1f : 0f) + (k == 2 ? 3f : 0f) + (k % 2 == 1 ? 1f : 0f) + (k == 5 ? 2f : 0f)).ToArray();
        var expected = Tensor.FromArray(perEntry, 1, 6, 1).Expand(2, 6, 3);
        Assert.Equal(expected.ToArray(), x.Grad!.ToArray());
    }

    [Fact]
    public void Stack_Axis1_InterleavesInputs()
    {
        var a = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var b = Tensor.FromArray([5f, 6f, 7f, 8f], 2, 2);

        var y = Tensor.Stack([a, b], 1);

        Assert.Equal(new[] { 2, 2, 2 }, y.Shape);
        Assert.Equal(new[] { 1f, 2f, 5f, 6f, 3f, 4f, 7f, 8f }, y.ToArray());
        Assert.Equal(a.ToArray(), y.Select(1, 0).ToArray());
    }

    [Fact]
    public void StackAndCat_Gradients_MatchFiniteDifferences()
    {
        GradCheck.AssertGradients(x => Tensor.Stack(x, 2), [GradCheck.Random(8, 2, 3), GradCheck.Random(9, 2, 3), GradCheck.Random(10, 2, 3)]);
        GradCheck.AssertGradients(x => Tensor.Stack(x, 0), [GradCheck.Random(11, 3), GradCheck.Random(12, 3)]);
        GradCheck.AssertGradients(x => Tensor.Cat(x, -1), [GradCheck.Random(13, 2, 2), GradCheck.Random(14, 2, 3)]);
    }

    [Fact]
    public void Stack_OfScalars_GivesVector()
    {
        var y = Tensor.Stack([Tensor.Scalar(1f), Tensor.Scalar(2f)], -1);
        Assert.Equal(new[] { 2 }, y.Shape);
        Assert.Equal(new[] { 1f, 2f }, y.ToArray());
    }

    [Fact]
    public void Narrow_OutOfRange_ThrowsNamingRange()
    {
        var x = GradCheck.Random(1, 2, 5);
        Assert.Contains("start 6 is out of range [-5, 5]", Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 6, 0)).Message);
        Assert.Contains("length 3 is out of range [0, 2]", Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 3, 3)).Message);
        Assert.Contains("axis 2 is out of range [-2, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(2, 0, 1)).Message);
    }

    [Fact]
    public void SelectAndIndexSelect_OutOfRange_ThrowNamingRange()
    {
        var x = GradCheck.Random(1, 2, 5);
        Assert.Contains("index 5 is out of range [-5, 4]", Assert.Throws<ArgumentOutOfRangeException>(() => x.Select(1, 5)).Message);
        Assert.Contains("index -1 (position 1) is out of range [0, 4]", Assert.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(-1, [0, -1])).Message);
        Assert.Contains("step 0 is out of range", Assert.Throws<ArgumentOutOfRangeException>(() => x.Slice(0, 0, 1, 0)).Message);
        Assert.Contains("rank-0", Assert.Throws<ArgumentException>(() => Tensor.Scalar(1f).Select(0, 0)).Message);
    }

    [Fact]
    public void Stack_MismatchedShapesOrAxis_ThrowsNamingThem()
    {
        var a = GradCheck.Random(1, 2, 3);
        Assert.Contains("tensor 1 has shape (3, 2), but tensor 0 has (2, 3)",
            Assert.Throws<ArgumentException>(() => Tensor.Stack([a, GradCheck.Random(2, 3, 2)])).Message);
        Assert.Contains("axis 3 is out of range [-3, 2]", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Stack([a, a], 3)).Message);
    }
}
