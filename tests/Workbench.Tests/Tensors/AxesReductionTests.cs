using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class AxesReductionTests
{
    private static readonly int[] Shape = [2, 3, 4, 5];

    /// <summary>Every non-empty set of axes of a rank-4 tensor, with and without keepDim.</summary>
    public static TheoryData<int[], bool> AxisSets
    {
        get
        {
            var data = new TheoryData<int[], bool>();
            for (int mask = 1; mask < 16; mask++)
            {
                var axes = Enumerable.Range(0, 4).Where(a => (mask >> a & 1) != 0).ToArray();
                data.Add(axes, mask % 2 == 0);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(AxisSets))]
    public void AxesReductions_MatchDoubleReference(int[] axes, bool keepDim)
    {
        var x = GradCheck.Random(1, Shape).MulScalar(3f);
        AssertReduction(x, x.Sum(axes, keepDim), axes, keepDim, v => v.Sum(), "Sum");
        AssertReduction(x, x.Mean(axes, keepDim), axes, keepDim, v => v.Average(), "Mean");
        AssertReduction(x, x.Var(axes, 1, keepDim), axes, keepDim, v => Variance(v, 1), "Var");
        AssertReduction(x, x.Var(axes, 0, keepDim), axes, keepDim, v => Variance(v, 0), "Var biased");
        AssertReduction(x, x.Std(axes, 1, keepDim), axes, keepDim, v => Math.Sqrt(Variance(v, 1)), "Std");
        AssertReduction(x, x.Amax(axes, keepDim), axes, keepDim, v => v.Max(), "Amax");
        AssertReduction(x, x.Amin(axes, keepDim), axes, keepDim, v => v.Min(), "Amin");
    }

    [Theory]
    [InlineData(new[] { 0, 2 }, false)]
    [InlineData(new[] { 1, 3 }, true)]
    [InlineData(new[] { -1, 0, 1 }, false)]
    public void AxesReductions_GradientsMatchFiniteDifferences(int[] axes, bool keepDim)
    {
        int[] shape = [2, 3, 2, 3];
        GradCheck.AssertGradients(x => x[0].Sum(axes, keepDim), [GradCheck.Random(2, shape)]);
        GradCheck.AssertGradients(x => x[0].Mean(axes, keepDim), [GradCheck.Random(3, shape)]);
        GradCheck.AssertGradients(x => x[0].Var(axes, 1, keepDim), [GradCheck.Random(4, shape)]);
        GradCheck.AssertGradients(x => x[0].Std(axes, 0, keepDim), [GradCheck.Random(5, shape)]);
        GradCheck.AssertGradients(x => x[0].Amax(axes, keepDim), [DistinctValues(6, shape)]);
        GradCheck.AssertGradients(x => x[0].Amin(axes, keepDim), [DistinctValues(7, shape)]);
    }

    [Fact]
    public void SumAndMean_OneAxisInAList_MatchOneAxisFormBitForBit()
    {
        var a = GradCheck.Random(8, Shape);
        var b = a.Clone();
        a.RequiresGrad = b.RequiresGrad = true;
        var r = GradCheck.Random(9, 2, 4, 5);

        var fromList = a.Sum([1]);
        var fromAxis = b.Sum(1);
        (fromList * r).Sum().Backward();
        (fromAxis * r).Sum().Backward();

        Assert.Equal(fromAxis.ToArray(), fromList.ToArray());
        Assert.Equal(b.Grad!.ToArray(), a.Grad!.ToArray());
        Assert.Equal(a.Mean(-2, keepDim: true).ToArray(), a.Mean([-2], keepDim: true).ToArray());
    }

    [Fact]
    public void Var_CorrectionAtLeastCount_GivesInfinityOrNaN_AsPyTorch()
    {
        var x = Tensor.FromArray([1f, 2f, 5f, 5f], 2, 2);
        var y = x.Var([1], correction: 2); // Σ(x − mean)² / max(0, 2 − 2)
        Assert.Equal(float.PositiveInfinity, y.Span[0]);
        Assert.True(float.IsNaN(y.Span[1]));
    }

    [Fact]
    public void Amax_Ties_ShareGradientEvenly()
    {
        var x = Tensor.FromArray([1f, 3f, 3f, 0f, 2f, 2f, 2f, 1f], 2, 4);
        x.RequiresGrad = true;

        x.Amax([1]).Sum().Backward();

        Assert.Equal(new[] { 0f, 0.5f, 0.5f, 0f, 1f / 3, 1f / 3, 1f / 3, 0f }, x.Grad!.ToArray());
    }

    [Fact]
    public void AmaxAndAmin_NaN_Propagates()
    {
        var x = Tensor.FromArray([1f, float.NaN, 3f, 0f], 2, 2);
        Assert.True(float.IsNaN(x.Amax([0]).Span[1]), "NaN along a vectorised run");
        Assert.True(float.IsNaN(x.Amin([1]).Span[0]), "NaN within a reduced run");
        Assert.Equal(0f, x.Amin([1]).Span[1]);
    }

    [Fact]
    public void Min_Ties_GradientGoesToFirstMinimum()
    {
        var x = Tensor.FromArray([3f, 1f, 1f, 0f, 0f, 4f], 2, 3);
        x.RequiresGrad = true;

        var y = x.Min(1);
        y.Sum().Backward();

        Assert.Equal(new[] { 1f, 0f }, y.ToArray());
        Assert.Equal(new[] { 0f, 1f, 0f, 1f, 0f, 0f }, x.Grad!.ToArray());
        GradCheck.AssertGradients(t => t[0].Min(-1, keepDim: true), [DistinctValues(10, 3, 4, 2)]);
        GradCheck.AssertGradients(t => t[0].Min(0), [DistinctValues(11, 3, 4, 2)]);
    }

    [Fact]
    public void ArgMaxAndArgMin_FirstIndexOnTies_NaNCountsAsExtreme()
    {
        var x = Tensor.FromArray([1f, 4f, 4f, 0f, -2f, 7f, -2f, 7f], 2, 4);
        Assert.Equal(new[] { 1, 1 }, x.ArgMax(1));
        Assert.Equal(new[] { 3, 0 }, x.ArgMin(-1));
        Assert.Equal(new[] { 1, 0, 1, 0 }, x.ArgMin(0));
        Assert.Equal(5, x.ArgMax());
        Assert.Equal(4, x.ArgMin());
        Assert.Equal(new[] { 2 }, Tensor.FromArray([1f, 2f, float.NaN, 9f]).ArgMax(0));
    }

    [Fact]
    public void CumSum_RunningSumsAndReverseGradient()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Assert.Equal(new[] { 1f, 3f, 6f, 4f, 9f, 15f }, x.CumSum(1).ToArray());
        Assert.Equal(new[] { 1f, 2f, 3f, 5f, 7f, 9f }, x.CumSum(0).ToArray());
        GradCheck.AssertGradients(t => t[0].CumSum(1), [GradCheck.Random(12, 2, 4, 3)]);
        GradCheck.AssertGradients(t => t[0].CumSum(-1), [GradCheck.Random(13, 2, 4)]);
    }

    [Fact]
    public void Reductions_BadAxes_ThrowNamingValueAndRange()
    {
        var x = GradCheck.Random(1, 2, 3, 4);
        Assert.Contains("Sum: axis -2 appears more than once in [1, -2]", Assert.Throws<ArgumentException>(() => x.Sum([1, -2])).Message);
        Assert.Contains("Var: axis 3 is out of range [-3, 2]", Assert.Throws<ArgumentOutOfRangeException>(() => x.Var([0, 3])).Message);
        Assert.Contains("Min: axis -4 is out of range [-3, 2]", Assert.Throws<ArgumentOutOfRangeException>(() => x.Min(-4)).Message);
        Assert.Contains("ArgMax: axis 5 is out of range [-3, 2]", Assert.Throws<ArgumentOutOfRangeException>(() => x.ArgMax(5)).Message);
        Assert.Contains("CumSum: axis 3 is out of range", Assert.Throws<ArgumentOutOfRangeException>(() => x.CumSum(3)).Message);
        Assert.Contains("hold no element", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).Amax([1])).Message);
    }

    [Fact]
    public void ShapeAndAxesOps_InPooledScope_MatchUnpooledResults()
    {
        var x = GradCheck.Random(14, 2, 3, 4);
        Func<Tensor, Tensor> f = t => Tensor.Stack([
            t.Sum([0, 2], keepDim: true).Expand(2, 3, 4), t.Var([0, 2], keepDim: true).Expand(2, 3, 4),
            t.Amax([1], keepDim: true).Expand(2, 3, 4), t.Permute(2, 0, 1).Transpose(0, 2).Transpose(0, 1), t.CumSum(1),
        ], 1).Select(0, 1).Slice(0, null, null, 2);
        var r = GradCheck.Random(15, f(x).Shape.ToArray());
        x.RequiresGrad = true;
        var expected = f(x).ToArray();
        (f(x) * r).Sum().Backward();
        var expectedGrad = x.Grad!.ToArray();

        var pool = new BufferPool();
        for (int round = 0; round < 3; round++) // later rounds reuse the buffers (and their old contents) of earlier ones
        {
            x.ZeroGrad();
            using var scope = TensorScope.Begin(pool);
            var y = f(x);
            (y * r).Sum().Backward();
            Assert.Equal(expected, y.ToArray());
            Assert.Equal(expectedGrad, x.Grad!.ToArray());
        }
    }

    private static double Variance(double[] values, int correction)
    {
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / Math.Max(0, values.Length - correction);
    }

    /// <summary>A random arrangement of −2, −1.95, −1.9, …: no two values within a finite-difference step of each other.</summary>
    private static Tensor DistinctValues(ulong seed, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var order = new Rng(seed).Permutation(t.Size);
        for (int i = 0; i < t.Size; i++) t.Span[i] = 0.05f * order[i] - 2f;
        return t;
    }

    /// <summary>Checks each output element against <paramref name="reduce"/> of the input elements that share its kept indices, in double.</summary>
    private static void AssertReduction(Tensor x, Tensor actual, int[] axes, bool keepDim, Func<double[], double> reduce, string what)
    {
        var dims = x.Shape.ToArray();
        var reduced = new bool[dims.Length];
        foreach (int a in axes) reduced[a < 0 ? a + dims.Length : a] = true;
        var expectedShape = Enumerable.Range(0, dims.Length).Where(d => keepDim || !reduced[d]).Select(d => reduced[d] ? 1 : dims[d]).ToArray();
        Assert.Equal(expectedShape, actual.Shape);

        var groups = new Dictionary<int, List<double>>();
        var values = x.ToArray();
        for (int flat = 0; flat < values.Length; flat++)
        {
            int key = 0;
            for (int d = 0, rest = flat, stride = values.Length; d < dims.Length; d++)
            {
                stride /= dims[d];
                int index = rest / stride;
                rest %= stride;
                if (!reduced[d]) key = key * dims[d] + index;
            }
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(values[flat]);
        }
        var expected = Enumerable.Range(0, actual.Size).Select(k => (float)reduce(groups[k].ToArray())).ToArray();
        Close.Assert(expected, actual.Span, rtol: 1e-4, atol: 1e-4, what: $"{what} over [{string.Join(", ", axes)}]");
    }
}
