using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class UpsampleTests
{
    [Fact]
    public void Interpolate_NearestScale2_RepeatsEachPixelTwiceInEachDirection()
    {
        var x = GradCheck.Random(1, 2, 3, 4, 5);
        var y = Tensor.Interpolate(x, scaleFactor: 2);
        Assert.Equal(new[] { 2, 3, 8, 10 }, y.Shape);
        for (int q = 0; q < 6; q++)
            for (int oy = 0; oy < 8; oy++)
                for (int ox = 0; ox < 10; ox++)
                    Assert.Equal(x.Span[(q * 4 + oy / 2) * 5 + ox / 2], y.Span[(q * 8 + oy) * 10 + ox]);
    }

    [Fact]
    public void Interpolate_NonIntegerScale_SamplesWithTheInverseScaleNotTheSizeRatio()
    {
        // 4 rows → ⌊4·1.4⌋ = 5: PyTorch samples row ⌊o/1.4⌋ = 0, 0, 1, 2, 2 by scale, but ⌊o·4/5⌋ = 0, 0, 1, 2, 3 when given the size.
        var x = Tensor.FromArray([0f, 1f, 2f, 3f], 1, 1, 4, 1);
        Assert.Equal([0f, 0f, 1f, 2f, 2f], Tensor.Interpolate(x, scaleFactor: 1.4).ToArray());
        Assert.Equal([0f, 0f, 1f, 2f, 3f], Tensor.Interpolate(x, size: (5, 1)).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Interpolate_BilinearOfALinearRamp_IsTheRampAtTheSourcePositions(bool alignCorners)
    {
        // Bilinear interpolation reproduces a linear function wherever the source position lies inside the image.
        var x = Tensor.FromArray(Enumerable.Range(0, 4).Select(i => 3f * i).ToArray(), 1, 1, 1, 4);
        var y = Tensor.Interpolate(x, size: (1, 7), mode: UpsampleMode.Bilinear, alignCorners: alignCorners).ToArray();
        for (int o = 0; o < 7; o++)
        {
            double source = alignCorners ? o * 3.0 / 6.0 : Math.Clamp((o + 0.5) * 4.0 / 7.0 - 0.5, 0, 3);
            Assert.Equal(3 * source, y[o], 5);
        }
    }

    [Theory]
    [InlineData(UpsampleMode.Nearest, null, 2.0, 0, 0)]
    [InlineData(UpsampleMode.Nearest, null, 1.5, 0, 0)]
    [InlineData(UpsampleMode.Nearest, false, 0.0, 5, 7)]
    [InlineData(UpsampleMode.Bilinear, false, 2.0, 0, 0)]
    [InlineData(UpsampleMode.Bilinear, true, 2.0, 0, 0)]
    [InlineData(UpsampleMode.Bilinear, false, 0.0, 5, 7)]
    [InlineData(UpsampleMode.Bilinear, true, 0.0, 2, 3)]
    public void Interpolate_Gradients_MatchFiniteDifferences(UpsampleMode mode, bool? alignCorners, double scale, int height, int width)
    {
        (int, int)? size = scale > 0 ? null : (height, width);
        double? scaleFactor = scale > 0 ? scale : null;
        if (mode == UpsampleMode.Nearest) alignCorners = null;
        GradCheck.AssertGradients(t => Tensor.Interpolate(t[0], size, scaleFactor, mode, alignCorners), [GradCheck.Random(5, 2, 2, 3, 4)]);
    }

    [Fact]
    public void Interpolate_BadArguments_ThrowNamingTheProblem()
    {
        var x = Tensor.Zeros(1, 1, 2, 2);
        Assert.Contains("exactly one of size and scaleFactor", Assert.Throws<ArgumentException>(() => Tensor.Interpolate(x)).Message);
        Assert.Contains("exactly one of size and scaleFactor", Assert.Throws<ArgumentException>(() => Tensor.Interpolate(x, (4, 4), 2)).Message);
        Assert.Contains("alignCorners", Assert.Throws<ArgumentException>(() => Tensor.Interpolate(x, scaleFactor: 2, alignCorners: true)).Message);
        Assert.Contains("positive finite", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Interpolate(x, scaleFactor: -1)).Message);
        Assert.Contains("output 0×0", Assert.Throws<ArgumentException>(() => Tensor.Interpolate(x, scaleFactor: 0.4)).Message);
        Assert.Contains("(N, C, H, W)", Assert.Throws<ArgumentException>(() => Tensor.Interpolate(Tensor.Zeros(2, 2, 2), scaleFactor: 2)).Message);
    }
}
