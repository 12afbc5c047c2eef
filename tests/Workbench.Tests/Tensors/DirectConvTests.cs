using Workbench.Kernels;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

/// <summary>
/// Stride-1 convolutions with at most <see cref="DirectConv.MaxOutChannels"/> output channels run by the direct kernel
/// (no column matrix): values and all three gradients against double-precision loops, with plane sizes that leave
/// partial vector blocks, a ReLU-fused form equal to Conv2d then ReLU, and the same bits on one thread and on all.
/// </summary>
[Collection(Workbench.Tests.Kernels.GemmLogTests.Recording)] // sets the process-wide compute thread count
public class DirectConvTests
{
    [Theory]
    [InlineData(3, 32, 28, 28, 1, 3, 3, 1)] // the batch-norm conv VAE's last layer
    [InlineData(2, 3, 5, 7, 2, 3, 3, 0)]    // no padding, tiny planes
    [InlineData(2, 2, 9, 41, 4, 3, 2, 1)]   // a non-square kernel, rows wider than a block
    [InlineData(1, 1, 6, 6, 3, 1, 1, 0)]    // 1×1 kernel, one input channel
    [InlineData(2, 5, 11, 4, 1, 5, 3, 2)]   // kernel taller than wide, padding kw − 1
    public void Conv2d_DirectShapes_MatchDoubleLoops(int n, int c, int h, int w, int o, int kh, int kw, int p)
    {
        Assert.True(Tensor.UsesDirectConv(o, kh, kw, 1, p));
        var x = GradCheck.Random(1, n, c, h, w);
        var weight = GradCheck.Random(2, o, c, kh, kw);
        var bias = GradCheck.Random(3, o);
        var (y, dx, dw, db) = ForwardBackward(x, weight, bias, p, relu: false);

        var (ey, edx, edw, edb) = Naive(x, weight, bias, p);
        Close.Assert(ToFloat(ey), y, rtol: 1e-4, atol: 1e-4, what: "y");
        Close.Assert(ToFloat(edx), dx, rtol: 1e-4, atol: 1e-3, what: "dx");
        Close.Assert(ToFloat(edw), dw, rtol: 1e-4, atol: 1e-3, what: "dW");
        Close.Assert(ToFloat(edb), db, rtol: 1e-4, atol: 1e-3, what: "db");
    }

    [Fact]
    public void Conv2d_Direct_GradientsMatchFiniteDifferences()
    {
        var inputs = new[] { GradCheck.Random(10, 2, 3, 5, 6), GradCheck.Random(11, 2, 3, 3, 3), GradCheck.Random(12, 2) };
        GradCheck.AssertGradients(t => Tensor.Conv2d(t[0], t[1], t[2], 1, 1), inputs);
    }

    [Fact]
    public void Conv2dRelu_Direct_EqualsConv2dThenReluBitForBit()
    {
        var x = GradCheck.Random(20, 4, 8, 13, 13);
        var weight = GradCheck.Random(21, 1, 8, 3, 3);
        var bias = GradCheck.Random(22, 1);
        var fused = ForwardBackward(x, weight, bias, 1, relu: true);
        var (xi, wi, bi) = (x.Clone(), weight.Clone(), bias.Clone());
        xi.RequiresGrad = wi.RequiresGrad = bi.RequiresGrad = true;
        var y = Tensor.Conv2d(xi, wi, bi, 1, 1).Relu();
        (y.Square() * 0.5f).Sum().Backward();
        Assert.Equal(y.ToArray(), fused.Y);
        Assert.Equal(xi.Grad!.ToArray(), fused.Dx);
        Assert.Equal(wi.Grad!.ToArray(), fused.Dw);
        Assert.Equal(bi.Grad!.ToArray(), fused.Db);
    }

    [Fact]
    public void Conv2d_DirectInputUsedTwice_AccumulatesItsGradient()
    {
        var x = GradCheck.Random(30, 2, 4, 7, 9);
        var weight = GradCheck.Random(31, 1, 4, 3, 3);
        var xi = x.Clone();
        xi.RequiresGrad = true;
        // d/dx of Σ conv(x) + Σ x²/2 is the conv's input gradient plus x.
        (Tensor.Conv2d(xi, weight, null, 1, 1).Sum() + (xi.Square() * 0.5f).Sum()).Backward();
        var ones = Tensor.FromArray(Enumerable.Repeat(1f, 2 * 7 * 9).ToArray(), 2, 1, 7, 9);
        var (_, edx, _, _) = NaiveGradients(x, weight, ones, 1);
        var expected = edx.Select((v, i) => (float)(v + x.Span[i])).ToArray();
        Close.Assert(expected, xi.Grad!.ToArray(), rtol: 1e-4, atol: 1e-4, what: "accumulated dx");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Conv2d_DirectOneThreadAndAllThreads_GiveTheSameBits(bool relu)
    {
        var x = GradCheck.Random(40, 128, 32, 28, 28);
        var weight = GradCheck.Random(41, 1, 32, 3, 3);
        var bias = GradCheck.Random(42, 1);
        var parallel = ForwardBackward(x, weight, bias, 1, relu);
        int threads = Gemm.MaxThreads;
        Gemm.MaxThreads = 1;
        try
        {
            var serial = ForwardBackward(x, weight, bias, 1, relu);
            Assert.Equal(serial.Y, parallel.Y);
            Assert.Equal(serial.Dx, parallel.Dx);
            Assert.Equal(serial.Dw, parallel.Dw);
            Assert.Equal(serial.Db, parallel.Db);
        }
        finally
        {
            Gemm.MaxThreads = threads;
        }
    }

    [Theory]
    [InlineData(5, 3, 1, 1)] // more output channels
    [InlineData(1, 3, 2, 1)] // stride 2
    [InlineData(1, 3, 1, 3)] // padding past kernel − 1
    public void UsesDirectConv_OtherShapes_KeepTheColumnPath(int o, int k, int stride, int padding)
        => Assert.False(Tensor.UsesDirectConv(o, k, k, stride, padding));

    private static (float[] Y, float[] Dx, float[] Dw, float[] Db) ForwardBackward(Tensor x, Tensor weight, Tensor bias, int padding, bool relu)
    {
        var (xi, wi, bi) = (x.Clone(), weight.Clone(), bias.Clone());
        xi.RequiresGrad = wi.RequiresGrad = bi.RequiresGrad = true;
        var y = relu ? Tensor.Conv2dRelu(xi, wi, bi, 1, padding) : Tensor.Conv2d(xi, wi, bi, 1, padding);
        (y.Square() * 0.5f).Sum().Backward(); // dy = y
        return (y.ToArray(), xi.Grad!.ToArray(), wi.Grad!.ToArray(), bi.Grad!.ToArray());
    }

    /// <summary>y in double precision and the gradients of Σ y²/2 (so dY = y).</summary>
    private static (double[] Y, double[] Dx, double[] Dw, double[] Db) Naive(Tensor x, Tensor weight, Tensor bias, int p)
    {
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), w = x.Dim(3), o = weight.Dim(0), kh = weight.Dim(2), kw = weight.Dim(3);
        int ho = h + 2 * p - kh + 1, wo = w + 2 * p - kw + 1;
        var y = new double[n * o * ho * wo];
        ForEachTerm(x, weight, p, (yi, xi, wi) => y[yi] += (double)weight.Span[wi] * x.Span[xi]);
        for (int i = 0; i < y.Length; i++) y[i] += bias.Span[i / (ho * wo) % o];
        var (_, dx, dw, db) = NaiveGradients(x, weight, Tensor.FromArray(ToFloat(y), n, o, ho, wo), p);
        return (y, dx, dw, db);
    }

    private static (double[] Y, double[] Dx, double[] Dw, double[] Db) NaiveGradients(Tensor x, Tensor weight, Tensor dy, int p)
    {
        int o = weight.Dim(0), planeOut = dy.Dim(2) * dy.Dim(3);
        var dx = new double[x.Size];
        var dw = new double[weight.Size];
        var db = new double[o];
        ForEachTerm(x, weight, p, (yi, xi, wi) =>
        {
            dx[xi] += (double)dy.Span[yi] * weight.Span[wi];
            dw[wi] += (double)dy.Span[yi] * x.Span[xi];
        });
        for (int i = 0; i < dy.Size; i++) db[i / planeOut % o] += dy.Span[i];
        return ([], dx, dw, db);
    }

    /// <summary>Calls <paramref name="term"/>(y index, x index, W index) for every product of a stride-1 convolution.</summary>
    private static void ForEachTerm(Tensor x, Tensor weight, int p, Action<int, int, int> term)
    {
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), w = x.Dim(3), o = weight.Dim(0), kh = weight.Dim(2), kw = weight.Dim(3);
        int ho = h + 2 * p - kh + 1, wo = w + 2 * p - kw + 1;
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < o; oc++)
                for (int oy = 0; oy < ho; oy++)
                    for (int ox = 0; ox < wo; ox++)
                        for (int ic = 0; ic < c; ic++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int iy = oy - p + i, ix = ox - p + j;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    term(((b * o + oc) * ho + oy) * wo + ox, ((b * c + ic) * h + iy) * w + ix, ((oc * c + ic) * kh + i) * kw + j);
                                }
    }

    private static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);
}
