using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class PoolTests
{
    // batch, channels, height, width, kernel, stride, padding
    public static TheoryData<int, int, int, int, int, int, int> Configs => new()
    {
        { 1, 1, 4, 4, 2, 2, 0 },
        { 2, 3, 9, 7, 3, 2, 1 },
        { 1, 2, 6, 21, 3, 1, 1 },  // two vectors and a tail of output columns
        { 1, 2, 8, 10, 2, 3, 0 },  // stride larger than the kernel leaves columns unread
        { 2, 1, 7, 12, 4, 2, 2 },
        { 1, 1, 3, 3, 3, 1, 0 },   // one window
        { 1, 1, 5, 17, 1, 1, 0 },
        { 8, 16, 28, 28, 2, 2, 0 }, // planes split over the worker threads
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void MaxPool2d_ValuesAndGradient_MatchDirectLoopWithFirstMaximum(int n, int c, int h, int w, int k, int s, int p)
    {
        var x = Ties(1, n, c, h, w);
        x.RequiresGrad = true;
        var y = Tensor.MaxPool2d(x, k, s, p);
        var upstream = GradCheck.Random(2, y.Shape.ToArray());
        y.Backward(upstream);

        var (expected, argMax, ho, wo) = NaiveMax(x, k, s, p);
        Assert.Equal(new[] { n, c, ho, wo }, y.Shape);
        Assert.Equal(expected, y.ToArray());
        var grad = new float[x.Size];
        for (int q = 0; q < expected.Length; q++) grad[argMax[q]] += upstream.Span[q];
        Assert.Equal(grad, x.Grad!.ToArray());
    }

    [Fact]
    public void MaxPool2d_WindowWithNaN_GivesNaNAndItsGradient()
    {
        var x = Tensor.FromArray([1f, float.NaN, 3f, 2f, 5f, 0f, 1f, 1f], 1, 1, 2, 4);
        x.RequiresGrad = true;
        var y = Tensor.MaxPool2d(x, 2);
        Assert.True(float.IsNaN(y.Span[0]));
        Assert.Equal(3f, y.Span[1]);
        y.Backward(Tensor.Ones(1, 1, 1, 2));
        Assert.Equal([0f, 1f, 1f, 0f, 0f, 0f, 0f, 0f], x.Grad!.ToArray());
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void AvgPool2d_BothDivisorRules_MatchDirectLoop(int n, int c, int h, int w, int k, int s, int p)
    {
        foreach (bool include in new[] { true, false })
        {
            var x = GradCheck.Random(3, n, c, h, w);
            var y = Tensor.AvgPool2d(x, k, s, p, include);
            Close.Assert(NaiveAvg(x, k, s, p, include), y.Span, rtol: 1e-5, atol: 1e-5, what: $"avg pool (count_include_pad {include})");
        }
    }

    [Theory]
    [InlineData(2, 2, 0, true)]
    [InlineData(3, 2, 1, true)]
    [InlineData(3, 2, 1, false)]
    [InlineData(3, 1, 1, false)]
    [InlineData(2, 3, 1, true)]
    public void AvgPool2d_Gradients_MatchFiniteDifferences(int k, int s, int p, bool include)
    {
        GradCheck.AssertGradients(t => Tensor.AvgPool2d(t[0], k, s, p, include), [GradCheck.Random(20, 2, 2, 6, 11)]);
    }

    [Theory]
    [InlineData(2, 2, 0)]
    [InlineData(3, 2, 1)]
    [InlineData(3, 1, 1)]
    public void MaxPool2d_Gradients_MatchFiniteDifferences(int k, int s, int p)
    {
        // Distinct values far apart, so a step of the difference never changes which one is the maximum.
        var values = Enumerable.Range(0, 2 * 2 * 6 * 7).Select(i => (float)((i * 37) % 84) * 0.1f).ToArray();
        GradCheck.AssertGradients(t => Tensor.MaxPool2d(t[0], k, s, p), [Tensor.FromArray(values, 2, 2, 6, 7)], step: 1e-2f);
    }

    [Theory]
    [InlineData(7, 9, 3, 4)]
    [InlineData(5, 6, 1, 1)]
    [InlineData(4, 4, 4, 4)]
    [InlineData(3, 5, 6, 7)]   // more cells than pixels: windows repeat pixels
    public void AdaptiveAvgPool2d_ValuesAndGradients_MatchDirectLoopAndFiniteDifferences(int h, int w, int oh, int ow)
    {
        var x = GradCheck.Random(30, 2, 2, h, w);
        var y = Tensor.AdaptiveAvgPool2d(x, oh, ow);
        var xs = x.ToArray();
        var expected = new float[2 * 2 * oh * ow];
        for (int q = 0; q < 4; q++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    int y0 = oy * h / oh, y1 = ((oy + 1) * h + oh - 1) / oh, x0 = ox * w / ow, x1 = ((ox + 1) * w + ow - 1) / ow;
                    double sum = 0;
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++) sum += xs[(q * h + iy) * w + ix];
                    expected[(q * oh + oy) * ow + ox] = (float)(sum / ((y1 - y0) * (x1 - x0)));
                }
        Close.Assert(expected, y.Span, rtol: 1e-5, atol: 1e-6, what: "adaptive avg pool");
        GradCheck.AssertGradients(t => Tensor.AdaptiveAvgPool2d(t[0], oh, ow), [x]);
    }

    [Fact]
    public void Pooling_ThreeDimensionalInput_PoolsEachChannel()
    {
        var x = GradCheck.Random(40, 3, 6, 6);
        Assert.Equal(Tensor.MaxPool2d(x.Reshape(1, 3, 6, 6), 2).ToArray(), Tensor.MaxPool2d(x, 2).ToArray());
        Assert.Equal(new[] { 3, 3, 3 }, Tensor.AvgPool2d(x, 2).Shape);
        Assert.Equal(new[] { 3, 2, 2 }, Tensor.AdaptiveAvgPool2d(x, 2, 2).Shape);
    }

    [Fact]
    public void Pooling_BadArguments_ThrowNamingTheProblem()
    {
        var x = Tensor.Zeros(1, 1, 2, 2);
        Assert.Contains("larger than the padded input 2×2", Assert.Throws<ArgumentException>(() => Tensor.MaxPool2d(x, 3)).Message);
        Assert.Contains("larger than the padded input 2×2", Assert.Throws<ArgumentException>(() => Tensor.AvgPool2d(x, 3)).Message);
        Assert.Contains("[0, 1], got 2", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.MaxPool2d(Tensor.Zeros(1, 1, 5, 5), 3, 2, 2)).Message);
        Assert.Contains("[0, 1], got 2", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.AvgPool2d(Tensor.Zeros(1, 1, 5, 5), 3, 2, 2)).Message);
        Assert.Contains("stride must be ≥ 1", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.MaxPool2d(x, 1, 0)).Message);
        Assert.Contains("kernelSize must be ≥ 1", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.AvgPool2d(x, 0)).Message);
        Assert.Contains("(N, C, H, W) or (C, H, W)", Assert.Throws<ArgumentException>(() => Tensor.MaxPool2d(Tensor.Zeros(4, 4), 2)).Message);
        Assert.Contains("must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.AdaptiveAvgPool2d(x, 0, 1)).Message);
    }

    /// <summary>Small integers: many equal values in a window.</summary>
    private static Tensor Ties(ulong seed, params int[] shape)
    {
        var t = GradCheck.Random(seed, shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = MathF.Round(s[i] * 1.5f);
        return t;
    }

    private static (float[] Values, int[] ArgMax, int Ho, int Wo) NaiveMax(Tensor x, int k, int s, int p)
    {
        int planes = x.Dim(0) * x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        int ho = (h + 2 * p - k) / s + 1, wo = (w + 2 * p - k) / s + 1;
        var xs = x.ToArray();
        var values = new float[planes * ho * wo];
        var argMax = new int[values.Length];
        for (int q = 0; q < planes; q++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++)
                {
                    float best = float.NegativeInfinity;
                    int index = -1;
                    for (int iy = oy * s - p; iy < oy * s - p + k; iy++)
                        for (int ix = ox * s - p; ix < ox * s - p + k; ix++)
                        {
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                            int at = (q * h + iy) * w + ix;
                            if (index < 0 || xs[at] > best) (best, index) = (xs[at], at);
                        }
                    values[(q * ho + oy) * wo + ox] = best;
                    argMax[(q * ho + oy) * wo + ox] = index;
                }
        return (values, argMax, ho, wo);
    }

    private static float[] NaiveAvg(Tensor x, int k, int s, int p, bool include)
    {
        int planes = x.Dim(0) * x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        int ho = (h + 2 * p - k) / s + 1, wo = (w + 2 * p - k) / s + 1;
        var xs = x.ToArray();
        var values = new float[planes * ho * wo];
        for (int q = 0; q < planes; q++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++)
                {
                    double sum = 0;
                    int inside = 0;
                    for (int iy = oy * s - p; iy < oy * s - p + k; iy++)
                        for (int ix = ox * s - p; ix < ox * s - p + k; ix++)
                        {
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                            sum += xs[(q * h + iy) * w + ix];
                            inside++;
                        }
                    values[(q * ho + oy) * wo + ox] = (float)(sum / (include ? k * k : inside));
                }
        return values;
    }
}
