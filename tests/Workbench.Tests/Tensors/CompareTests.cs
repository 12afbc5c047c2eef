using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class CompareTests
{
    [Theory]
    [InlineData("eq")]
    [InlineData("ne")]
    [InlineData("lt")]
    [InlineData("le")]
    [InlineData("gt")]
    [InlineData("ge")]
    public void Comparison_BroadcastAndScalar_MatchPyTorchMasks(string op)
    {
        var a = OpsMathFixture.Get("compare.a"); // (3, 1, 5)
        var b = OpsMathFixture.Get("compare.b"); // (4, 5)
        Func<Tensor, Tensor, Tensor> tensorForm = op switch
        {
            "eq" => (x, y) => x.Eq(y), "ne" => (x, y) => x.Ne(y), "lt" => (x, y) => x.Lt(y),
            "le" => (x, y) => x.Le(y), "gt" => (x, y) => x.Gt(y), _ => (x, y) => x.Ge(y),
        };
        Func<Tensor, float, Tensor> scalarForm = op switch
        {
            "eq" => (x, v) => x.Eq(v), "ne" => (x, v) => x.Ne(v), "lt" => (x, v) => x.Lt(v),
            "le" => (x, v) => x.Le(v), "gt" => (x, v) => x.Gt(v), _ => (x, v) => x.Ge(v),
        };
        var y = tensorForm(a, b);
        Assert.Equal(new[] { 3, 4, 5 }, y.Shape);
        Assert.Equal(OpsMathFixture.Get($"compare.{op}").ToArray(), y.ToArray());
        Assert.Equal(OpsMathFixture.Get($"compare.{op}_scalar").ToArray(), scalarForm(a, 0.5f).ToArray());
    }

    [Fact]
    public void Comparison_LongSpansAndNaN_VectorLanesAgreeWithScalarRule()
    {
        for (int length = 0; length <= 33; length++)
        {
            var a = Tensor.Randn(new Rng((ulong)length), length);
            var b = Tensor.Randn(new Rng((ulong)(50 + length)), length);
            if (length > 3) { a.Span[1] = float.NaN; b.Span[2] = a.Span[2]; }
            var lt = a.Lt(b).ToArray();
            var ne = a.Ne(b).ToArray();
            var ge = a.Ge(0f).ToArray();
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(a.Span[i] < b.Span[i] ? 1f : 0f, lt[i]);
                Assert.Equal(a.Span[i] != b.Span[i] ? 1f : 0f, ne[i]);
                Assert.Equal(a.Span[i] >= 0f ? 1f : 0f, ge[i]);
            }
        }
    }

    [Fact]
    public void Comparison_OfTensorsThatRequireGrad_CarriesNoGradient()
    {
        var a = GradCheck.Random(1, 4);
        a.RequiresGrad = true;
        Assert.False(a.Gt(0f).RequiresGrad);
        Assert.False(a.Le(a).RequiresGrad);
    }

    [Theory]
    [InlineData("maximum.broadcast")]
    [InlineData("maximum.same")]
    [InlineData("minimum.broadcast")]
    [InlineData("minimum.same")]
    public void MinimumMaximum_WithTies_ValuesAndHalvedGradientsMatchPyTorch(string name)
    {
        var a = OpsMathFixture.Leaf($"{name}.a");
        var b = OpsMathFixture.Leaf($"{name}.b");
        var y = name.StartsWith("maximum") ? a.Maximum(b) : a.Minimum(b);
        OpsMathFixture.AssertClose(OpsMathFixture.Get($"{name}.output"), y, $"{name} output");
        (y * OpsMathFixture.Get($"{name}.weights")).Sum().Backward();
        OpsMathFixture.AssertClose(OpsMathFixture.Get($"{name}.grad.a"), a.Grad!, $"{name} grad a");
        OpsMathFixture.AssertClose(OpsMathFixture.Get($"{name}.grad.b"), b.Grad!, $"{name} grad b");
    }

    [Fact]
    public void MinimumMaximum_AwayFromTies_GradientsMatchFiniteDifferences()
    {
        // a on the grid k/5 + 0.1 and b on k/5: every pair differs by at least 0.1, beyond the finite-difference step.
        GradCheck.AssertGradients(x => x[0].Maximum(x[1]), [OnGrid(3, 0.1f, 3, 1, 5), OnGrid(4, 0f, 4, 5)]);
        GradCheck.AssertGradients(x => x[0].Minimum(x[1]), [OnGrid(5, 0.1f, 2, 6), OnGrid(6, 0f, 6)]);
    }

    private static Tensor OnGrid(ulong seed, float offset, params int[] shape)
    {
        var t = GradCheck.Random(seed, shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = MathF.Round(s[i] * 5f) / 5f + offset;
        return t;
    }

    [Fact]
    public void MinimumMaximum_NaN_Propagates()
    {
        var a = Tensor.FromArray([float.NaN, 1f, 2f]);
        var b = Tensor.FromArray([0f, float.NaN, 3f]);
        Assert.Equal([float.NaN, float.NaN, 3f], a.Maximum(b).ToArray());
        Assert.Equal([float.NaN, float.NaN, 2f], a.Minimum(b).ToArray());
    }

    [Fact]
    public void Where_ThreeWayBroadcast_ValuesAndGradientsMatchPyTorch()
    {
        var condition = OpsMathFixture.Get("where.condition"); // (3, 1, 5)
        var a = OpsMathFixture.Leaf("where.a");                  // (4, 5)
        var b = OpsMathFixture.Leaf("where.b");                  // (3, 4, 1)
        var y = Tensor.Where(condition, a, b);                   // (3, 4, 5)
        OpsMathFixture.AssertClose(OpsMathFixture.Get("where.output"), y, "where output");
        (y * OpsMathFixture.Get("where.weights")).Sum().Backward();
        OpsMathFixture.AssertClose(OpsMathFixture.Get("where.grad.a"), a.Grad!, "where grad a");
        OpsMathFixture.AssertClose(OpsMathFixture.Get("where.grad.b"), b.Grad!, "where grad b");
    }

    [Fact]
    public void Where_GradientsMatchFiniteDifferences()
    {
        var condition = GradCheck.Random(7, 2, 1, 4).Gt(0f);
        GradCheck.AssertGradients(x => Tensor.Where(condition, x[0], x[1]), [GradCheck.Random(8, 3, 4), GradCheck.Random(9, 2, 3, 1)]);
    }

    [Fact]
    public void MaskedFill_ValuesAndGradientsMatchPyTorch()
    {
        var x = OpsMathFixture.Leaf("masked_fill.input"); // (3, 4)
        var y = x.MaskedFill(OpsMathFixture.Get("masked_fill.mask"), -2.5f);
        OpsMathFixture.AssertClose(OpsMathFixture.Get("masked_fill.output"), y, "masked_fill output");
        (y * OpsMathFixture.Get("masked_fill.weights")).Sum().Backward();
        OpsMathFixture.AssertClose(OpsMathFixture.Get("masked_fill.grad.input"), x.Grad!, "masked_fill grad");
    }

    [Fact]
    public void BadShapes_ThrowNamingBothShapes()
    {
        var a = Tensor.Zeros(3, 4);
        var ex = Assert.Throws<ArgumentException>(() => a.Maximum(Tensor.Zeros(5)));
        Assert.Contains("(3, 4) and (5) cannot be broadcast", ex.Message);
        var fill = Assert.Throws<ArgumentException>(() => a.MaskedFill(Tensor.Zeros(2, 3, 4), 0f));
        Assert.Contains("(2, 3, 4)", fill.Message);
    }
}
