using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class ReductionTests
{
    /// <summary>Every axis of each shape, as a positive and as a negative index, with and without keepDim.</summary>
    public static TheoryData<int[], int, bool> ShapesAndAxes
    {
        get
        {
            var data = new TheoryData<int[], int, bool>();
            int[][] shapes = [[1], [7], [3, 33], [2, 257], [2, 3, 4], [2, 3, 1, 5]];
            foreach (var shape in shapes)
                for (int axis = 0; axis < shape.Length; axis++)
                {
                    data.Add(shape, axis, false);
                    data.Add(shape, axis - shape.Length, true);
                }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ShapesAndAxes))]
    public void AxisReductions_MatchDoubleReference(int[] shape, int axis, bool keepDim)
    {
        var x = GradCheck.Random(1, shape).MulScalar(4f);
        AssertReduction(x, x.Sum(axis, keepDim), axis, keepDim, values => values.Sum(), "Sum");
        AssertReduction(x, x.Mean(axis, keepDim), axis, keepDim, values => values.Average(), "Mean");
        AssertReduction(x, x.Max(axis, keepDim), axis, keepDim, values => values.Max(), "Max");
        AssertReduction(x, x.LogSumExp(axis, keepDim), axis, keepDim, values => Math.Log(values.Sum(Math.Exp)), "LogSumExp");
    }

    [Theory]
    [MemberData(nameof(ShapesAndAxes))]
    public void AxisReductions_GradientsMatchFiniteDifferences(int[] shape, int axis, bool keepDim)
    {
        GradCheck.AssertGradients(x => x[0].Sum(axis, keepDim), [GradCheck.Random(2, shape)]);
        GradCheck.AssertGradients(x => x[0].Mean(axis, keepDim), [GradCheck.Random(3, shape)]);
        GradCheck.AssertGradients(x => x[0].LogSumExp(axis, keepDim), [GradCheck.Random(4, shape)]);
        GradCheck.AssertGradients(x => x[0].Max(axis, keepDim), [DistinctValues(5, shape)]);
    }

    /// <summary>A random arrangement of 0, 0.05, 0.1, …: no two values within a finite-difference step of each other.</summary>
    private static Tensor DistinctValues(ulong seed, int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var order = new Rng(seed).Permutation(t.Size);
        for (int i = 0; i < t.Size; i++) t.Span[i] = 0.05f * order[i] - 2f;
        return t;
    }

    /// <summary>Checks each output element against <paramref name="reduce"/> of the matching input elements, gathered by index arithmetic in double.</summary>
    private static void AssertReduction(Tensor x, Tensor actual, int axis, bool keepDim, Func<double[], double> reduce, string what)
    {
        int a = axis < 0 ? axis + x.Rank : axis;
        var expectedShape = x.Shape.ToList();
        if (keepDim) expectedShape[a] = 1; else expectedShape.RemoveAt(a);
        Assert.Equal(expectedShape, actual.Shape);

        int outer = 1, inner = 1, n = x.Dim(a);
        for (int d = 0; d < a; d++) outer *= x.Dim(d);
        for (int d = a + 1; d < x.Rank; d++) inner *= x.Dim(d);
        var values = x.ToArray();
        var expected = new float[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                var slice = new double[n];
                for (int k = 0; k < n; k++) slice[k] = values[(o * n + k) * inner + i];
                expected[o * inner + i] = (float)reduce(slice);
            }
        Close.Assert(expected, actual.Span, 1e-5, 1e-5, $"{what} along axis {axis}");
    }

    [Fact]
    public void LogSumExp_ExtremeValues_DoesNotOverflowOrUnderflow()
    {
        var x = Tensor.FromArray([1000f, 1000f, -1000f, -1000f, -1000f, float.NegativeInfinity], 3, 2);
        var y = x.LogSumExp(1).ToArray();
        Assert.Equal(1000 + Math.Log(2), y[0], 1e-3);
        Assert.Equal(-1000 + Math.Log(2), y[1], 1e-3);
        Assert.Equal(-1000f, y[2]);
        Assert.Equal(float.NegativeInfinity, Tensor.Full(float.NegativeInfinity, 2, 3).LogSumExp(0).Span[0]);
    }

    [Fact]
    public void LogSumExp_Gradient_IsSoftmaxAlongTheAxis()
    {
        var x = GradCheck.Random(6, 4, 5);
        x.RequiresGrad = true;
        x.LogSumExp(0).Sum().Backward();
        var values = x.ToArray();
        for (int j = 0; j < 5; j++)
        {
            double denominator = Enumerable.Range(0, 4).Sum(i => Math.Exp(values[i * 5 + j]));
            for (int i = 0; i < 4; i++)
                Assert.Equal(Math.Exp(values[i * 5 + j]) / denominator, x.Grad!.Span[i * 5 + j], 1e-6);
        }
    }

    [Fact]
    public void Max_Ties_GradientGoesToFirstMaximum()
    {
        var row = Tensor.FromArray([1f, 3f, 3f, 2f]);
        row.RequiresGrad = true;
        row.Max(0).Backward();
        Assert.Equal([0f, 1f, 0f, 0f], row.Grad!.ToArray());

        var columns = Tensor.FromArray([5f, 1f, 5f, 4f, 2f, 4f], 3, 2); // column 0: tie at rows 0, 1; column 1: tie at rows 1, 2
        columns.RequiresGrad = true;
        columns.Max(0).Sum().Backward();
        Assert.Equal([1f, 0f, 0f, 1f, 0f, 0f], columns.Grad!.ToArray());
    }

    [Fact]
    public void Reductions_BadAxisOrEmptyMax_ThrowNamingTheProblem()
    {
        var x = Tensor.Zeros(2, 3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => x.Sum(2));
        Assert.Contains("Axis 2", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.LogSumExp(-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Mean(5, keepDim: true));
        var empty = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).Max(1));
        Assert.Contains("empty", empty.Message);
    }

    [Fact]
    public void Reductions_EmptyAxis_GiveTheIdentity()
    {
        var x = Tensor.Zeros(2, 0, 3);
        Assert.Equal(new float[6], x.Sum(1).ToArray());
        Assert.All(x.Mean(1).ToArray(), v => Assert.True(float.IsNaN(v)));
        Assert.All(x.LogSumExp(1).ToArray(), v => Assert.Equal(float.NegativeInfinity, v));
        Assert.Equal([0, 3], x.Sum(0).Shape);
    }

    [Fact]
    public void Sum_OfScalarAlongAxisZero_IsTheScalar()
    {
        var s = Tensor.Scalar(2.5f);
        Assert.Equal(2.5f, s.Sum(0).Item());
        Assert.Equal(0, s.Sum(-1).Rank);
    }
}
