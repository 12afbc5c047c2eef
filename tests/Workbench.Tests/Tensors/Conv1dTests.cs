using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class Conv1dTests
{
    // batch, inChannels, length, outChannels, kernel, stride, padding, dilation
    public static TheoryData<int, int, int, int, int, int, int, int> Configs => new()
    {
        { 1, 1, 7, 1, 3, 1, 0, 1 },
        { 2, 3, 11, 4, 3, 2, 1, 2 },
        { 3, 2, 9, 3, 4, 1, 0, 1 },
        { 2, 2, 10, 3, 5, 3, 2, 1 },
        { 1, 3, 5, 2, 5, 1, 2, 1 },   // kernel as long as the input, padded
        { 2, 1, 6, 2, 2, 1, 3, 3 },   // padding wider than a window's reach: outputs read only zeros
        { 1, 2, 4, 2, 1, 4, 0, 1 },
        { 64, 8, 100, 6, 5, 1, 2, 1 }, // several groups of signals (column budget), on the worker threads
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Conv1d_Forward_MatchesDirectDoubleLoop(int n, int c, int length, int o, int k, int s, int p, int d)
    {
        var x = GradCheck.Random(1, n, c, length);
        var weight = GradCheck.Random(2, o, c, k);
        var bias = GradCheck.Random(3, o);

        var y = Tensor.Conv1d(x, weight, bias, s, p, d);

        int lo = (length + 2 * p - d * (k - 1) - 1) / s + 1;
        Assert.Equal(new[] { n, o, lo }, y.Shape);
        var xs = x.ToArray();
        var ws = weight.ToArray();
        var expected = new float[n * o * lo];
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < o; oc++)
                for (int t = 0; t < lo; t++)
                {
                    double sum = bias.Span[oc];
                    for (int ic = 0; ic < c; ic++)
                        for (int j = 0; j < k; j++)
                        {
                            int i = t * s - p + j * d;
                            if (i >= 0 && i < length) sum += (double)ws[(oc * c + ic) * k + j] * xs[(b * c + ic) * length + i];
                        }
                    expected[(b * o + oc) * lo + t] = (float)sum;
                }
        Close.Assert(expected, y.Span, rtol: 1e-4, atol: 1e-4, what: "conv1d");
    }

    [Fact]
    public void Conv1d_WithoutPaddingOrDilation_EqualsConv2dOnHeightOneImagesBitForBit()
    {
        var x = GradCheck.Random(4, 3, 2, 13);
        var weight = GradCheck.Random(5, 4, 2, 3);
        var bias = GradCheck.Random(6, 4);
        var oneD = Tensor.Conv1d(x, weight, bias, stride: 2);
        var twoD = Tensor.Conv2d(x.Reshape(3, 2, 1, 13), weight.Reshape(4, 2, 1, 3), bias, stride: 2);
        Assert.Equal(twoD.ToArray(), oneD.ToArray());
    }

    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(2, 1, 1)]
    [InlineData(1, 2, 2)]
    [InlineData(3, 1, 2)]
    public void Conv1d_Gradients_MatchFiniteDifferences(int stride, int padding, int dilation)
    {
        var inputs = new[] { GradCheck.Random(10, 2, 2, 9), GradCheck.Random(11, 3, 2, 3), GradCheck.Random(12, 3) };
        GradCheck.AssertGradients(t => Tensor.Conv1d(t[0], t[1], t[2], stride, padding, dilation), inputs);
    }

    [Fact]
    public void Conv1d_WithoutBias_GradientsMatchFiniteDifferences()
    {
        var inputs = new[] { GradCheck.Random(13, 1, 3, 7), GradCheck.Random(14, 2, 3, 2) };
        GradCheck.AssertGradients(t => Tensor.Conv1d(t[0], t[1], null, 2, 1), inputs);
    }

    [Fact]
    public void Conv1d_BadArguments_ThrowNamingTheProblem()
    {
        var x = Tensor.Zeros(1, 3, 5);
        Assert.Contains("(N, C, L)", Assert.Throws<ArgumentException>(() => Tensor.Conv1d(Tensor.Zeros(3, 5), Tensor.Zeros(2, 3, 3))).Message);
        Assert.Contains("(out, in, k)", Assert.Throws<ArgumentException>(() => Tensor.Conv1d(x, Tensor.Zeros(2, 3, 3, 3))).Message);
        Assert.Contains("3 channels", Assert.Throws<ArgumentException>(() => Tensor.Conv1d(x, Tensor.Zeros(2, 2, 3))).Message);
        Assert.Contains("bias", Assert.Throws<ArgumentException>(() => Tensor.Conv1d(x, Tensor.Zeros(2, 3, 3), Tensor.Zeros(3))).Message);
        Assert.Contains("more than the padded input length 5", Assert.Throws<ArgumentException>(() => Tensor.Conv1d(x, Tensor.Zeros(2, 3, 3), dilation: 3)).Message);
        Assert.Contains("more than the padded input length 7", Assert.Throws<ArgumentException>(() => Tensor.Conv1d(x, Tensor.Zeros(2, 3, 8), padding: 1)).Message);
        Assert.Contains("stride", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Conv1d(x, Tensor.Zeros(2, 3, 3), stride: 0)).Message);
        Assert.Contains("padding", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Conv1d(x, Tensor.Zeros(2, 3, 3), padding: -1)).Message);
        Assert.Contains("dilation", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Conv1d(x, Tensor.Zeros(2, 3, 3), dilation: 0)).Message);
    }
}
