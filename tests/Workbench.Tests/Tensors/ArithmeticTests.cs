using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class ArithmeticTests
{
    public static TheoryData<int[], int[]> BroadcastShapes => new()
    {
        { [7], [7] },
        { [3, 33], [33] },
        { [3, 33], [3, 1] },
        { [1, 5], [4, 1] },
        { [2, 3, 4], [3, 1] },
        { [2, 1, 4], [1, 3, 1] },
        { [257], [1] },
        { [], [2, 3] },
    };

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Add_Broadcasting_MatchesElementwiseDefinition(int[] shapeA, int[] shapeB)
    {
        var a = GradCheck.Random(1, shapeA);
        var b = GradCheck.Random(2, shapeB);
        var y = a + b;
        // Reference: index each operand by the broadcast rule directly.
        int rank = y.Rank;
        var index = new int[rank];
        for (int flat = 0; flat < y.Size; flat++)
        {
            int rem = flat;
            for (int d = rank - 1; d >= 0; d--) { index[d] = rem % y.Dim(d); rem /= y.Dim(d); }
            float expected = At(a, index) + At(b, index);
            Assert.Equal(expected, y.Span[flat]);
        }
    }

    private static float At(Tensor t, int[] outIndex)
    {
        int offset = 0, stride = 1;
        for (int d = t.Rank - 1; d >= 0; d--)
        {
            int i = outIndex[outIndex.Length - t.Rank + d];
            if (t.Dim(d) == 1) i = 0;
            offset += i * stride;
            stride *= t.Dim(d);
        }
        return t.Span[offset];
    }

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void BinaryOps_Broadcasting_GradientsMatchFiniteDifferences(int[] shapeA, int[] shapeB)
    {
        GradCheck.AssertGradients(x => x[0] + x[1], [GradCheck.Random(1, shapeA), GradCheck.Random(2, shapeB)]);
        GradCheck.AssertGradients(x => x[0] - x[1], [GradCheck.Random(3, shapeA), GradCheck.Random(4, shapeB)]);
        GradCheck.AssertGradients(x => x[0] * x[1], [GradCheck.Random(5, shapeA), GradCheck.Random(6, shapeB)]);
        var positive = GradCheck.Random(8, shapeB).Exp().AddScalar(0.5f).Detach();
        GradCheck.AssertGradients(x => x[0] / x[1], [GradCheck.Random(7, shapeA), positive]);
    }

    [Fact]
    public void Add_IncompatibleShapes_ThrowsNamingBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 4) + Tensor.Zeros(5));
        Assert.Contains("(3, 4)", ex.Message);
        Assert.Contains("(5)", ex.Message);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 33, 5)]
    [InlineData(4, 257, 3)]
    public void MatMul_AllTransposeCombinations_GradientsMatchFiniteDifferences(int m, int k, int n)
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var a = GradCheck.Random(1, ta ? [k, m] : [m, k]);
                var b = GradCheck.Random(2, tb ? [n, k] : [k, n]);
                GradCheck.AssertGradients(x => x[0].MatMul(x[1], ta, tb), [a, b]);
            }
    }

    [Fact]
    public void Linear_MatchesMatMulPlusBias_AndGradientsMatchFiniteDifferences()
    {
        var x = GradCheck.Random(1, 5, 7);
        var w = GradCheck.Random(2, 3, 7);
        var b = GradCheck.Random(3, 3);
        Close.Assert((x.MatMul(w, transposeOther: true) + b).Span, Tensor.Linear(x, w, b).Span, rtol: 1e-5);
        GradCheck.AssertGradients(t => Tensor.Linear(t[0], t[1], t[2]), [x, w, b]);
    }

    [Fact]
    public void Scope_ReusesBuffersAcrossSteps_AndDisposedTensorsThrow()
    {
        var pool = new BufferPool();
        var w = GradCheck.Random(1, 4, 4);
        w.RequiresGrad = true;
        Tensor escaped;
        using (TensorScope.Begin(pool))
        {
            escaped = (w.MatMul(w) + w).Sum();
            escaped.Backward();
        }
        int held = pool.Count;
        Assert.True(held > 0);
        using (TensorScope.Begin(pool))
        {
            (w.MatMul(w) + w).Sum().Backward();
        }
        Assert.Equal(held, pool.Count);
        Assert.Throws<ObjectDisposedException>(() => escaped.Item());
        Assert.NotNull(w.Grad);
    }
}
