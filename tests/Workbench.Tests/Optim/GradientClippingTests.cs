using Workbench.Optim;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Optim;

public class GradientClippingTests
{
    [Theory]
    [InlineData("clip")]   // total norm above max_norm: gradients scaled
    [InlineData("noclip")] // total norm below max_norm: gradients untouched
    public void ClipByGlobalNorm_TwoTensors_MatchesPyTorchClipGradNorm(string scenario)
    {
        var a = Tensor.Zeros(5, 3);
        var b = Tensor.Zeros(11);
        a.Grad = OptimizerOracle.Tensor($"{scenario}.grad_a").Clone();
        b.Grad = OptimizerOracle.Tensor($"{scenario}.grad_b").Clone();
        float maxNorm = OptimizerOracle.Tensor($"{scenario}.max_norm").Item();

        float total = GradientClipping.ClipByGlobalNorm([a, b], maxNorm);

        Close.Assert([OptimizerOracle.Tensor($"{scenario}.total_norm").Item()], [total], 1e-5, 1e-6, "total norm");
        Close.Assert(OptimizerOracle.Tensor($"{scenario}.clipped_a").Span, a.Grad.Span, 1e-4, 1e-6, "clipped a");
        Close.Assert(OptimizerOracle.Tensor($"{scenario}.clipped_b").Span, b.Grad.Span, 1e-4, 1e-6, "clipped b");
    }

    [Fact]
    public void ClipByGlobalNorm_ParameterWithoutGradient_IsSkipped()
    {
        var withGrad = Tensor.Zeros(2);
        withGrad.Grad = Tensor.FromArray([3f, 4f]);
        float total = GradientClipping.ClipByGlobalNorm([withGrad, Tensor.Zeros(3)], 1f);
        Assert.Equal(5f, total);
        Close.Assert([0.6f, 0.8f], withGrad.Grad.Span, 1e-5, 1e-6, "clipped");
    }

    [Fact]
    public void ClipByGlobalNorm_NoGradients_ReturnsZero()
    {
        Assert.Equal(0f, GradientClipping.ClipByGlobalNorm([Tensor.Zeros(2)], 1f));
    }
}
