using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class SoftmaxTests
{
    [Theory]
    [InlineData("softmax.dim0", 0)]
    [InlineData("softmax.dim1", 1)]
    [InlineData("softmax.dim2", 2)]
    [InlineData("softmax.large", -1)]
    [InlineData("log_softmax.dim0", 0)]
    [InlineData("log_softmax.dim1", 1)]
    [InlineData("log_softmax.dim2", -1)]
    [InlineData("log_softmax.large", 1)]
    public void SoftmaxFamily_EveryAxisAndLargeRows_ValuesAndGradientsMatchPyTorch(string name, int axis)
    {
        var x = OpsMathFixture.Leaf($"{name}.input");
        var y = name.StartsWith("log_") ? x.LogSoftmax(axis) : x.Softmax(axis);
        OpsMathFixture.AssertClose(OpsMathFixture.Get($"{name}.output"), y, $"{name} output", 1e-5);
        (y * OpsMathFixture.Get($"{name}.weights")).Sum().Backward();
        OpsMathFixture.AssertClose(OpsMathFixture.Get($"{name}.grad.input"), x.Grad!, $"{name} gradient");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void SoftmaxFamily_GradientsMatchFiniteDifferences(int axis)
    {
        GradCheck.AssertGradients(x => x[0].Softmax(axis), [GradCheck.Random(1, 3, 4, 5)]);
        GradCheck.AssertGradients(x => x[0].LogSoftmax(axis), [GradCheck.Random(2, 3, 4, 5)]);
    }

    [Fact]
    public void SoftmaxFamily_RowLengths0To33_MatchDoublePrecisionDefinition()
    {
        for (int length = 0; length <= 33; length++)
        {
            var x = Tensor.Randn(new Rng((ulong)length), 2, length).MulScalar(4f).Detach();
            var softmax = x.Softmax(-1).ToArray();
            var logSoftmax = x.LogSoftmax(-1).ToArray();
            for (int row = 0; row < 2; row++)
            {
                var values = x.ToArray().Skip(row * length).Take(length).Select(v => (double)v).ToArray();
                double max = length == 0 ? 0 : values.Max();
                double logSum = Math.Log(values.Sum(v => Math.Exp(v - max))) + max;
                for (int k = 0; k < length; k++)
                {
                    double expected = values[k] - logSum;
                    Assert.True(Math.Abs(logSoftmax[row * length + k] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"log-softmax length {length} [{row}, {k}]");
                    Assert.True(Math.Abs(softmax[row * length + k] - Math.Exp(expected)) <= 1e-6 * Math.Exp(expected) + 1e-9, $"softmax length {length} [{row}, {k}]");
                }
            }
        }
    }

    [Fact]
    public void LogSoftmax_HugeSpread_StaysFiniteWhereSoftmaxUnderflows()
    {
        var x = Tensor.FromArray([0f, 200f, -200f]);
        var y = x.LogSoftmax(0).ToArray();
        Assert.Equal([-200f, 0f, -400f], y);
        Assert.Equal([0f, 1f, 0f], x.Softmax(0).ToArray());
    }

    [Fact]
    public void Softmax_AxisOutOfRange_ThrowsNamingAxisAndAllowedRange()
    {
        var x = Tensor.Zeros(2, 3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => x.Softmax(2));
        Assert.Contains("axis 2 is out of range for shape (2, 3) (allowed: -2..1)", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.LogSoftmax(-3));
        Assert.Equal([1f], Tensor.Scalar(5f).Softmax(0).ToArray().Take(1).ToArray());
    }
}
