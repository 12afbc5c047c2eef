using System.Text.Json;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class ConvTests
{
    // batch, inChannels, height, width, outChannels, kernel, stride, padding
    public static TheoryData<int, int, int, int, int, int, int, int> ConvConfigs => new()
    {
        { 1, 1, 5, 5, 1, 3, 1, 0 },
        { 1, 1, 7, 6, 2, 1, 1, 0 },
        { 3, 3, 7, 5, 4, 3, 1, 1 },
        { 3, 3, 9, 9, 2, 3, 2, 1 },
        { 1, 3, 8, 7, 3, 4, 2, 1 },
        { 3, 1, 11, 9, 2, 5, 2, 2 },
        { 1, 3, 6, 6, 2, 5, 1, 2 },
        { 3, 3, 5, 7, 2, 4, 1, 0 },
        { 1, 1, 2, 3, 1, 3, 2, 1 },
        { 1, 3, 4, 4, 2, 4, 1, 0 },  // kernel covers the whole image: 1×1 output
        { 3, 1, 13, 13, 1, 1, 2, 0 },
        { 1, 2, 8, 8, 3, 3, 2, 0 },  // stride leaves one row and column unread
    };

    [Theory]
    [MemberData(nameof(ConvConfigs))]
    public void Conv2d_Forward_MatchesDirectDoubleLoop(int n, int c, int h, int w, int o, int k, int s, int p)
    {
        var x = GradCheck.Random(1, n, c, h, w);
        var weight = GradCheck.Random(2, o, c, k, k);
        var bias = GradCheck.Random(3, o);

        var y = Tensor.Conv2d(x, weight, bias, s, p);

        var expected = NaiveConv2d(x, weight, bias, s, p, out int ho, out int wo);
        Assert.Equal(new[] { n, o, ho, wo }, y.Shape);
        Close.Assert(ToFloat(expected), y.Span, rtol: 1e-4, atol: 1e-4, what: "conv2d");
    }

    [Theory]
    [MemberData(nameof(ConvConfigs))]
    public void ConvTranspose2d_Forward_MatchesDirectScatterLoop(int n, int c, int h, int w, int o, int k, int s, int p)
    {
        // Reuse the conv configs with the roles of the channel counts as they would be for the transpose.
        int outputPadding = s > 1 ? 1 : 0;
        if ((h - 1) * s - 2 * p + k + outputPadding < 1 || (w - 1) * s - 2 * p + k + outputPadding < 1) return;
        var x = GradCheck.Random(4, n, c, h, w);
        var weight = GradCheck.Random(5, c, o, k, k);
        var bias = GradCheck.Random(6, o);

        var y = Tensor.ConvTranspose2d(x, weight, bias, s, p, outputPadding);

        var expected = NaiveConvTranspose2d(x, weight, bias, s, p, outputPadding, out int ho, out int wo);
        Assert.Equal(new[] { n, o, ho, wo }, y.Shape);
        Close.Assert(ToFloat(expected), y.Span, rtol: 1e-4, atol: 1e-4, what: "conv_transpose2d");
    }

    [Theory]
    [MemberData(nameof(ConvConfigs))]
    public void ConvTranspose2d_SameWeight_IsAdjointOfConv2d(int n, int c, int h, int w, int o, int k, int s, int p)
    {
        // Conv2d maps z (N, c, h, w) → (N, o, Ho, Wo) with W (o, c, k, k); its transpose with the same W
        // maps (N, o, Ho, Wo) → (N, c, h, w) when outputPadding restores the rows conv's stride dropped.
        int outputPadding = (h + 2 * p - k) % s;
        if (outputPadding != (w + 2 * p - k) % s) return; // one outputPadding serves both axes
        var z = GradCheck.Random(7, n, c, h, w);
        var weight = GradCheck.Random(8, o, c, k, k);
        var conv = Tensor.Conv2d(z, weight, null, s, p);
        var x = GradCheck.Random(9, conv.Shape.ToArray());
        var transposed = Tensor.ConvTranspose2d(x, weight, null, s, p, outputPadding);

        Assert.Equal(z.Shape, transposed.Shape);
        double left = Dot(conv.Span, x.Span), right = Dot(z.Span, transposed.Span);
        Assert.True(Math.Abs(left - right) <= 1e-4 * (1 + Math.Abs(left)), $"⟨conv(z), x⟩ = {left}, ⟨z, convT(x)⟩ = {right}");
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(2, 1, 1)]
    [InlineData(1, 2, 2)]
    public void Conv2d_Gradients_MatchFiniteDifferences(int stride, int padding, int seed)
    {
        var inputs = new[]
        {
            GradCheck.Random((ulong)(10 + seed), 2, 2, 5, 4),
            GradCheck.Random((ulong)(20 + seed), 3, 2, 3, 3),
            GradCheck.Random((ulong)(30 + seed), 3),
        };
        GradCheck.AssertGradients(t => Tensor.Conv2d(t[0], t[1], t[2], stride, padding), inputs);
    }

    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(2, 1, 1)]
    [InlineData(2, 0, 1)]
    [InlineData(3, 2, 2)]
    public void ConvTranspose2d_Gradients_MatchFiniteDifferences(int stride, int padding, int outputPadding)
    {
        var inputs = new[]
        {
            GradCheck.Random(40, 2, 3, 3, 4),
            GradCheck.Random(41, 3, 2, 3, 3),
            GradCheck.Random(42, 2),
        };
        GradCheck.AssertGradients(t => Tensor.ConvTranspose2d(t[0], t[1], t[2], stride, padding, outputPadding), inputs);
    }

    [Fact]
    public void Conv2d_WithoutBias_GradientsMatchFiniteDifferences()
    {
        var inputs = new[] { GradCheck.Random(50, 1, 3, 4, 4), GradCheck.Random(51, 2, 3, 2, 2) };
        GradCheck.AssertGradients(t => Tensor.Conv2d(t[0], t[1], null, 2, 1), inputs);
    }

    [Fact]
    public void ConvOps_InsideScopeWithReusedBuffers_MatchResultsOutsideScope()
    {
        // Pooled outputs start with old values: the ops must overwrite every element.
        var x = GradCheck.Random(60, 2, 3, 6, 6);
        var weight = GradCheck.Random(61, 3, 4, 3, 3);
        var conv = Tensor.Conv2d(x, weight.Clone().View([4, 3, 3, 3]), null, 2, 1).ToArray();
        var transposed = Tensor.ConvTranspose2d(x, weight, null, 2, 1, 1).ToArray();
        var pool = new BufferPool();
        using (TensorScope.Begin(pool))
        {
            // Dirty buffers of exactly the outputs' sizes go back to the pool when this scope ends.
            Tensor.Full(float.NaN, 2, 4, 3, 3);
            Tensor.Full(float.NaN, 2, 4, 12, 12);
        }
        using (TensorScope.Begin(pool))
        {
            Close.Assert(conv, Tensor.Conv2d(x, weight.View([4, 3, 3, 3]), null, 2, 1).Span, what: "pooled conv2d");
            Close.Assert(transposed, Tensor.ConvTranspose2d(x, weight, null, 2, 1, 1).Span, what: "pooled conv_transpose2d");
        }
    }

    [Fact]
    public void ConvOps_Forward_MatchPyTorchFixture()
    {
        // Fixtures/conv_pytorch.json: torch.nn.functional.conv2d / conv_transpose2d outputs (PyTorch 1.13).
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "conv_pytorch.json")));
        foreach (var c in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            Tensor Read(string name) => Tensor.FromArray(Floats(c.GetProperty(name)), Ints(c.GetProperty(name + "Shape")));
            var x = Read("x");
            var weight = Read("weight");
            var bias = Tensor.FromArray(Floats(c.GetProperty("bias")));
            int stride = c.GetProperty("stride").GetInt32(), padding = c.GetProperty("padding").GetInt32();
            string op = c.GetProperty("op").GetString()!;
            var y = op == "conv2d"
                ? Tensor.Conv2d(x, weight, bias, stride, padding)
                : Tensor.ConvTranspose2d(x, weight, bias, stride, padding, c.GetProperty("outputPadding").GetInt32());
            Assert.Equal(Ints(c.GetProperty("yShape")), y.Shape);
            Close.Assert(Floats(c.GetProperty("y")), y.Span, rtol: 1e-4, atol: 1e-4, what: op);
        }
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    [Fact]
    public void Conv2d_BadShapes_ThrowNamingTheProblem()
    {
        var x = Tensor.Zeros(1, 3, 5, 5);
        Assert.Contains("(N, C, H, W)", Assert.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(3, 5, 5), Tensor.Zeros(2, 3, 3, 3))).Message);
        Assert.Contains("3 channels", Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(2, 2, 3, 3))).Message);
        Assert.Contains("bias", Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(2, 3, 3, 3), Tensor.Zeros(3))).Message);
        Assert.Contains("larger than the padded input", Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(2, 3, 7, 7))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Conv2d(x, Tensor.Zeros(2, 3, 3, 3), stride: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Conv2d(x, Tensor.Zeros(2, 3, 3, 3), padding: -1));
    }

    [Fact]
    public void ConvTranspose2d_BadShapes_ThrowNamingTheProblem()
    {
        var x = Tensor.Zeros(1, 3, 1, 1);
        Assert.Contains("3 channels", Assert.Throws<ArgumentException>(() => Tensor.ConvTranspose2d(x, Tensor.Zeros(2, 3, 3, 3))).Message);
        Assert.Contains("must be positive", Assert.Throws<ArgumentException>(() => Tensor.ConvTranspose2d(x, Tensor.Zeros(3, 2, 1, 1), padding: 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.ConvTranspose2d(x, Tensor.Zeros(3, 2, 3, 3), stride: 2, outputPadding: 2));
    }

    private static double[] NaiveConv2d(Tensor x, Tensor weight, Tensor bias, int s, int p, out int ho, out int wo)
    {
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), w = x.Dim(3), o = weight.Dim(0), kh = weight.Dim(2), kw = weight.Dim(3);
        ho = (h + 2 * p - kh) / s + 1;
        wo = (w + 2 * p - kw) / s + 1;
        var y = new double[n * o * ho * wo];
        var xs = x.ToArray();
        var ws = weight.ToArray();
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < o; oc++)
                for (int oy = 0; oy < ho; oy++)
                    for (int ox = 0; ox < wo; ox++)
                    {
                        double sum = bias.Span[oc];
                        for (int ic = 0; ic < c; ic++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int iy = oy * s - p + i, ix = ox * s - p + j;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    sum += (double)ws[((oc * c + ic) * kh + i) * kw + j] * xs[((b * c + ic) * h + iy) * w + ix];
                                }
                        y[((b * o + oc) * ho + oy) * wo + ox] = sum;
                    }
        return y;
    }

    private static double[] NaiveConvTranspose2d(Tensor x, Tensor weight, Tensor bias, int s, int p, int outputPadding, out int ho, out int wo)
    {
        int n = x.Dim(0), cin = x.Dim(1), h = x.Dim(2), w = x.Dim(3), cout = weight.Dim(1), kh = weight.Dim(2), kw = weight.Dim(3);
        ho = (h - 1) * s - 2 * p + kh + outputPadding;
        wo = (w - 1) * s - 2 * p + kw + outputPadding;
        var y = new double[n * cout * ho * wo];
        var xs = x.ToArray();
        var ws = weight.ToArray();
        for (int b = 0; b < n; b++)
        {
            for (int oc = 0; oc < cout; oc++)
                for (int q = 0; q < ho * wo; q++) y[(b * cout + oc) * ho * wo + q] = bias.Span[oc];
            for (int ic = 0; ic < cin; ic++)
                for (int iy = 0; iy < h; iy++)
                    for (int ix = 0; ix < w; ix++)
                    {
                        double v = xs[((b * cin + ic) * h + iy) * w + ix];
                        for (int oc = 0; oc < cout; oc++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int oy = iy * s - p + i, ox = ix * s - p + j;
                                    if (oy < 0 || oy >= ho || ox < 0 || ox >= wo) continue;
                                    y[((b * cout + oc) * ho + oy) * wo + ox] += v * ws[((ic * cout + oc) * kh + i) * kw + j];
                                }
                    }
        }
        return y;
    }

    private static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (double)a[i] * b[i];
        return sum;
    }
}
