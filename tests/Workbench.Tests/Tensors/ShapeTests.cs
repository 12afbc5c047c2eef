using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class ShapeTests
{
    [Fact]
    public void Reshape_InfersMinusOne_AndSharesStorage()
    {
        var x = GradCheck.Random(1, 2, 3, 4);
        var y = x.Reshape(3, -1);
        Assert.Equal([3, 8], y.Shape);
        Assert.Equal(x.ToArray(), y.ToArray());
        x.Span[5] = 42f;
        Assert.Equal(42f, y.Span[5]);
        Assert.Equal([24], x.Reshape(-1).Shape);
    }

    [Theory]
    [InlineData(new[] { 1 }, new[] { 1, 1 })]
    [InlineData(new[] { 7 }, new[] { 7, -1 })]
    [InlineData(new[] { 3, 33 }, new[] { 99 })]
    [InlineData(new[] { 2, 257 }, new[] { -1, 2 })]
    public void Reshape_GradientsMatchFiniteDifferences(int[] shape, int[] target)
    {
        // Multiplying by a same-shaped tensor makes a wrong element mapping visible.
        var weights = GradCheck.Random(9, GradCheck.Random(0, shape).Reshape(target).Shape.ToArray());
        GradCheck.AssertGradients(x => x[0].Reshape(target) * weights, [GradCheck.Random(2, shape)]);
    }

    [Fact]
    public void Reshape_BadShapes_ThrowNamingTheProblem()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Contains("only one", Assert.Throws<ArgumentException>(() => x.Reshape(-1, -1)).Message);
        Assert.Contains("(4, 2)", Assert.Throws<ArgumentException>(() => x.Reshape(4, 2)).Message);
        Assert.Throws<ArgumentException>(() => x.Reshape(4, -1));
        Assert.Throws<ArgumentException>(() => x.Reshape(-2, 3));
    }

    [Fact]
    public void Flatten_MergesTrailingDimensions_AndPassesGradients()
    {
        var x = GradCheck.Random(3, 2, 3, 1, 5);
        Assert.Equal([2, 15], x.Flatten().Shape);
        Assert.Equal([2, 3, 5], x.Flatten(2).Shape);
        Assert.Equal([30], x.Flatten(0).Shape);
        Assert.Equal([2, 3, 1, 5], x.Flatten(-1).Shape);
        GradCheck.AssertGradients(t => t[0].Flatten() * 2f, [x]);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 1)]
    [InlineData(3, 33)]
    [InlineData(40, 7)]
    [InlineData(2, 257)]
    public void Transpose_SwapsIndices_AndGradientsMatchFiniteDifferences(int rows, int cols)
    {
        var x = GradCheck.Random(4, rows, cols);
        var y = x.Transpose();
        Assert.Equal([cols, rows], y.Shape);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                Assert.Equal(x.Span[r * cols + c], y.Span[c * rows + r]);
        GradCheck.AssertGradients(t => t[0].Transpose(), [x]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    public void Concat_JoinsAlongAxis_AndSplitUndoesIt(int axis)
    {
        int[] sizes = [1, 7, 3];
        var parts = sizes.Select((n, i) =>
        {
            var shape = new[] { 2, 3, 4 };
            shape[axis < 0 ? axis + 3 : axis] = n;
            return GradCheck.Random((ulong)i + 10, shape);
        }).ToArray();
        var joined = Tensor.Concat(parts, axis);
        Assert.Equal(11, joined.Dim(axis));
        var back = joined.Split(sizes, axis);
        for (int i = 0; i < parts.Length; i++)
        {
            Assert.Equal(parts[i].Shape, back[i].Shape);
            Assert.Equal(parts[i].ToArray(), back[i].ToArray());
        }
        GradCheck.AssertGradients(t => Tensor.Concat(t, axis), parts);
        GradCheck.AssertGradients(t => t[0].Split(sizes, axis)[1].Square(), [joined.Detach()]);
    }

    [Fact]
    public void Concat_Rows_MatchesManualLayout()
    {
        var a = Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } });
        var b = Tensor.FromArray(new float[,] { { 5 }, { 6 } });
        Assert.Equal([1f, 2f, 5f, 3f, 4f, 6f], Tensor.Concat([a, b], 1).ToArray());
        Assert.Equal([1f, 2f, 3f, 4f, 1f, 2f, 3f, 4f], Tensor.Concat([a, a], 0).ToArray());
    }

    [Fact]
    public void ConcatAndSplit_BadArguments_ThrowNamingTheProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Concat([Tensor.Zeros(2, 3), Tensor.Zeros(3, 3)], 1));
        Assert.Contains("(3, 3)", ex.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Concat([Tensor.Zeros(2, 3), Tensor.Zeros(6)], 0));
        Assert.Throws<ArgumentException>(() => Tensor.Concat(Array.Empty<Tensor>(), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Concat([Tensor.Zeros(2, 3)], 2));
        Assert.Contains("add up to 4", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 5).Split([1, 3], 1)).Message);
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 5).Split([6, -1], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(4).Chunk(0, 0));
    }

    [Theory]
    [InlineData(5, 3, new[] { 2, 2, 1 })]
    [InlineData(6, 4, new[] { 2, 2, 2 })]
    [InlineData(7, 1, new[] { 7 })]
    [InlineData(2, 5, new[] { 1, 1 })]
    [InlineData(0, 3, new[] { 0, 0, 0 })]
    public void Chunk_SizesFollowPyTorch(int n, int chunks, int[] expected)
    {
        var pieces = Tensor.Zeros(3, n).Chunk(chunks, -1);
        Assert.Equal(expected, pieces.Select(p => p.Dim(1)).ToArray());
    }

    [Fact]
    public void Chunk_GradientsMatchFiniteDifferences()
    {
        GradCheck.AssertGradients(t => Tensor.Concat(t[0].Chunk(3, 0).Reverse().ToArray(), 0), [GradCheck.Random(5, 7, 2)]);
    }

    [Fact]
    public void GatherRows_AnyRankWithDuplicates_SelectsRowsAndScatterAddsGradients()
    {
        var x = GradCheck.Random(6, 4, 2, 3);
        int[] rows = [3, 0, 3, 3, 1];
        var y = x.GatherRows(rows);
        Assert.Equal([5, 2, 3], y.Shape);
        for (int r = 0; r < rows.Length; r++)
            Assert.Equal(x.ToArray().AsSpan(rows[r] * 6, 6).ToArray(), y.ToArray().AsSpan(r * 6, 6).ToArray());
        GradCheck.AssertGradients(t => t[0].GatherRows(rows), [x]);
        GradCheck.AssertGradients(t => t[0].GatherRows([0, 6, 6, 2]), [GradCheck.Random(7, 7)]);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(-1)]
    public void GatherRows_OutOfRange_ThrowsNamingIndexAndSize(int bad)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(4, 2).GatherRows([0, bad]));
        Assert.Contains($"index {bad}", ex.Message);
        Assert.Contains("size 4", ex.Message);
    }
}
