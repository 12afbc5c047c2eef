using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class UnaryTests
{
    public static TheoryData<int[]> Shapes => new() { new[] { 1 }, new[] { 7 }, new[] { 3, 33 }, new[] { 2, 257 } };

    /// <summary>Random values pushed at least <paramref name="margin"/> away from every kink, so finite differences stay on one side.</summary>
    private static Tensor AwayFrom(Tensor t, float margin, params float[] kinks)
    {
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
            foreach (float k in kinks)
                if (MathF.Abs(s[i] - k) < margin) s[i] = k + (s[i] >= k ? margin : -margin);
        return t;
    }

    private static Tensor Positive(ulong seed, int[] shape)
    {
        var t = GradCheck.Random(seed, shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = MathF.Abs(s[i]) + 0.5f;
        return t;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SmoothOps_GradientsMatchFiniteDifferences(int[] shape)
    {
        GradCheck.AssertGradients(x => x[0].Exp(), [GradCheck.Random(1, shape)]);
        GradCheck.AssertGradients(x => x[0].Log(), [Positive(2, shape)]);
        GradCheck.AssertGradients(x => x[0].Softplus(), [GradCheck.Random(3, shape).MulScalar(3f).Detach()]);
        GradCheck.AssertGradients(x => x[0].Sigmoid(), [GradCheck.Random(4, shape).MulScalar(3f).Detach()]);
        GradCheck.AssertGradients(x => x[0].Tanh(), [GradCheck.Random(5, shape)]);
        GradCheck.AssertGradients(x => x[0].Square(), [GradCheck.Random(6, shape)]);
        GradCheck.AssertGradients(x => x[0].Sqrt(), [Positive(7, shape)]);
        GradCheck.AssertGradients(x => x[0].Pow(2.5f), [Positive(8, shape)]);
        GradCheck.AssertGradients(x => x[0].Pow(-1.5f), [Positive(9, shape)]);
        GradCheck.AssertGradients(x => x[0].Pow(3f), [GradCheck.Random(10, shape)]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PiecewiseOps_AwayFromKinks_GradientsMatchFiniteDifferences(int[] shape)
    {
        GradCheck.AssertGradients(x => x[0].Relu(), [AwayFrom(GradCheck.Random(11, shape), 0.05f, 0f)]);
        GradCheck.AssertGradients(x => x[0].LeakyRelu(0.2f), [AwayFrom(GradCheck.Random(12, shape), 0.05f, 0f)]);
        GradCheck.AssertGradients(x => x[0].LeakyRelu(1.5f), [AwayFrom(GradCheck.Random(15, shape), 0.05f, 0f)]);
        GradCheck.AssertGradients(x => x[0].Abs(), [AwayFrom(GradCheck.Random(13, shape), 0.05f, 0f)]);
        GradCheck.AssertGradients(x => x[0].Clamp(-0.5f, 0.7f), [AwayFrom(GradCheck.Random(14, shape), 0.05f, -0.5f, 0.7f)]);
    }

    [Fact]
    public void AllOps_MatchDoublePrecisionDefinitions()
    {
        var values = new float[401];
        for (int i = 0; i < values.Length; i++) values[i] = -20f + 0.1f * i;
        var x = Tensor.FromArray(values);
        Check(x, x.Exp(), v => Math.Exp(v), "Exp", rtol: 2e-6);
        Check(x, x.Softplus(), v => Math.Log(1 + Math.Exp(v)), "Softplus");
        Check(x, x.Sigmoid(), v => 1 / (1 + Math.Exp(-v)), "Sigmoid");
        Check(x, x.Tanh(), Math.Tanh, "Tanh");
        Check(x, x.LeakyRelu(0.1f), v => v > 0 ? v : 0.1 * v, "LeakyRelu");
        Check(x, x.LeakyRelu(-2f), v => v > 0 ? v : -2 * v, "LeakyRelu with a slope outside [0, 1]");
        Check(x, x.Square(), v => v * v, "Square");
        Check(x, x.Abs(), Math.Abs, "Abs");
        Check(x, x.Clamp(-1.5f, 2.5f), v => Math.Clamp(v, -1.5, 2.5), "Clamp");
        Check(x, x.Pow(3f), v => v * v * v, "Pow(3) with negative bases", rtol: 2e-6);
        Check(x, x.Pow(2f), v => v * v, "Pow(2) with negative bases", rtol: 2e-6);
        var positive = x.Abs().AddScalar(1e-3f);
        Check(positive, positive.Log(), Math.Log, "Log");
        Check(positive, positive.Sqrt(), Math.Sqrt, "Sqrt");
        Check(positive, positive.Pow(0.75f), v => Math.Pow(v, 0.75), "Pow(0.75)", rtol: 2e-6);
    }

    private static void Check(Tensor input, Tensor actual, Func<double, double> reference, string what, double rtol = 1e-6, double atol = 1e-7)
    {
        var expected = input.ToArray().Select(v => (float)reference(v)).ToArray();
        Close.Assert(expected, actual.Span, rtol, atol, what);
    }

    [Fact]
    public void SoftplusAndSigmoid_ExtremeInputs_AreFiniteAndAccurate()
    {
        var x = Tensor.FromArray([-100f, -30f, 30f, 100f]);
        var softplus = x.Softplus().ToArray();
        Assert.All(softplus, v => Assert.True(float.IsFinite(v) && v >= 0f));
        Assert.Equal(Math.Exp(-30), softplus[1], 1e-18); // log1p(e⁻³⁰) ≈ 9.36e−14: not rounded to 0
        Assert.Equal(30f, softplus[2]);
        Assert.Equal(100f, softplus[3]);
        Assert.True(softplus[0] < 1e-40f);

        var sigmoid = x.Sigmoid().ToArray();
        Assert.All(sigmoid, v => Assert.True(v >= 0f && v <= 1f));
        Assert.Equal(Math.Exp(-30), sigmoid[1], 1e-18);
        Assert.Equal(1f, sigmoid[3]);
        Assert.True(sigmoid[0] < 1e-40f);

        x.RequiresGrad = true;
        x.Softplus().Sum().Backward();
        Assert.All(x.Grad!.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, x.Grad!.Span[3]);
    }

    [Fact]
    public void Sigmoid_AllLengthsUpTo40And257_MatchReferenceForwardAndBackward()
    {
        foreach (int n in Enumerable.Range(0, 41).Append(257))
        {
            var x = Tensor.Randn(new Rng((ulong)n + 100), n);
            x.RequiresGrad = true;
            var y = x.Sigmoid();
            var expected = x.ToArray().Select(v => (float)(1 / (1 + Math.Exp(-v)))).ToArray();
            Close.Assert(expected, y.Span, 1e-6, 1e-7, $"sigmoid length {n}");
            if (n == 0) continue;
            y.Sum().Backward();
            Close.Assert(expected.Select(s => s * (1 - s)).ToArray(), x.Grad!.Span, 1e-5, 1e-7, $"sigmoid gradient length {n}");
        }
    }

    [Fact]
    public void Clamp_MinAboveMax_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Clamp(1f, 0f));
        Assert.Contains("min", ex.Message);
    }

    [Fact]
    public void Abs_AtZero_HasZeroGradient()
    {
        var x = Tensor.FromArray([0f, -2f, 3f]);
        x.RequiresGrad = true;
        x.Abs().Sum().Backward();
        Assert.Equal([0f, -1f, 1f], x.Grad!.ToArray());
    }
}
