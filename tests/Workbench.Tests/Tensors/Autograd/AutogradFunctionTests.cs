using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors.Autograd;

public class AutogradFunctionTests
{
    /// <summary>x³ with its exact derivative 3x², written as a user would.</summary>
    private sealed class Cube : AutogradFunction
    {
        protected override Tensor Forward(FunctionContext context, Tensor[] inputs)
        {
            context.SaveForBackward(inputs[0]);
            return inputs[0] * inputs[0] * inputs[0];
        }

        protected override Tensor?[] Backward(FunctionContext context, Tensor outputGradient)
        {
            var x = context.SavedTensors[0];
            return [outputGradient * x.Square() * 3f];
        }
    }

    /// <summary>a·b with a wrong derivative for b (a bug a gradient check must catch).</summary>
    private sealed class WrongProduct : AutogradFunction
    {
        protected override Tensor Forward(FunctionContext context, Tensor[] inputs) => inputs[0] * inputs[1];

        protected override Tensor?[] Backward(FunctionContext context, Tensor outputGradient) =>
            [outputGradient * context.Inputs[1], outputGradient * context.Inputs[1]];
    }

    private sealed class Returns(Func<Tensor, Tensor?[]> backward) : AutogradFunction
    {
        protected override Tensor Forward(FunctionContext context, Tensor[] inputs) => inputs[0] * 2f;
        protected override Tensor?[] Backward(FunctionContext context, Tensor outputGradient) => backward(outputGradient);
    }

    [Fact]
    public void Apply_ACubeFunction_MatchesTheComposedOpsValuesAndGradients()
    {
        var x = GradCheck.Random(1, 3, 4);
        x.RequiresGrad = true;
        var viaFunction = new Cube().Apply(x);
        viaFunction.Sum().Backward();
        var functionGradient = x.Grad!.ToArray();

        var y = GradCheck.Random(1, 3, 4);
        y.RequiresGrad = true;
        var composed = y.Pow(3f);
        composed.Sum().Backward();

        Close.Assert(composed.ToArray(), viaFunction.ToArray(), rtol: 1e-6, atol: 1e-7, what: "value");
        Close.Assert(y.Grad!.ToArray(), functionGradient, rtol: 1e-5, atol: 1e-6, what: "gradient");
    }

    [Fact]
    public void GradientCheck_OfACorrectFunction_Passes()
    {
        var result = GradientCheck.Run(inputs => new Cube().Apply(inputs[0]), [GradCheck.Random(2, 2, 5)]);
        Assert.True(result.Passed, string.Join("\n", result.Mismatches));
        Assert.InRange(result.WorstErrorRatio, 0, 1);
    }

    [Fact]
    public void GradientCheck_OfAWrongBackward_FailsNamingTheInput()
    {
        var inputs = new[] { GradCheck.Random(3, 4), GradCheck.Random(4, 4) };
        var result = GradientCheck.Run(t => new WrongProduct().Apply(t[0], t[1]), inputs);
        Assert.False(result.Passed);
        Assert.All(result.Mismatches, m => Assert.Equal(1, m.Input)); // input 0's gradient is right
        var error = Assert.Throws<GradientCheckException>(() => GradientCheck.Assert(t => new WrongProduct().Apply(t[0], t[1]), inputs));
        Assert.Contains("input 1", error.Message);
    }

    [Fact]
    public void Apply_InputUsedElsewhereToo_AccumulatesBothGradients()
    {
        var x = Tensor.FromArray([2f], 1);
        x.RequiresGrad = true;
        (new Cube().Apply(x) + x * 4f).Sum().Backward(); // 3x² + 4 = 16
        Assert.Equal(16f, x.Grad!.Item());
    }

    [Fact]
    public void Apply_WithoutInputsRequiringGrad_RecordsNothing()
    {
        var y = new Cube().Apply(Tensor.FromArray([2f], 1));
        Assert.True(y.IsLeaf);
        Assert.False(y.RequiresGrad);
        Assert.Equal(8f, y.Item());
    }

    [Fact]
    public void Backward_ReturningAGradientOfTheWrongShape_FailsNamingFunctionAndInput()
    {
        var x = GradCheck.Random(1, 2, 3);
        x.RequiresGrad = true;
        var y = new Returns(g => [Tensor.Zeros(3, 2)]).Apply(x);
        var error = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("Returns.Backward", error.Message);
        Assert.Contains("input 0", error.Message);
        Assert.Contains("(2, 3)", error.Message);
    }

    [Fact]
    public void Backward_ReturningTooFewGradients_FailsSayingHowManyAreNeeded()
    {
        var x = GradCheck.Random(1, 2);
        x.RequiresGrad = true;
        var y = new Returns(g => []).Apply(x);
        var error = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("one per input (1)", error.Message);
    }

    [Fact]
    public void StraightThrough_RoundingForward_PassesTheGradientUnchanged()
    {
        var x = Tensor.FromArray([0.2f, 0.7f, -1.4f, 2.6f], 4);
        x.RequiresGrad = true;
        static Tensor Round(Tensor t) => Tensor.FromArray(t.ToArray().Select(v => MathF.Round(v)).ToArray(), t.Shape.ToArray());
        var y = StraightThrough.Apply(x, Round);
        Assert.Equal([0f, 1f, -1f, 3f], y.ToArray());
        var weights = Tensor.FromArray([1f, -2f, 3f, 0.5f], 4);
        (y * weights).Sum().Backward();
        Assert.Equal(weights.ToArray(), x.Grad!.ToArray());
    }

    [Fact]
    public void StraightThrough_EqualsTheDetachForm_InValuesAndGradients()
    {
        // VQ-VAE's z_q = z_e + (quantize(z_e) − z_e).detach(): the stop-gradient way to write the same estimator.
        static Tensor Quantize(Tensor t) => (t * 4f).Clamp(-1f, 1f).Detach(); // any non-differentiable map
        var a = GradCheck.Random(5, 3, 4);
        var b = a.Clone();
        a.RequiresGrad = b.RequiresGrad = true;
        var weights = GradCheck.Random(6, 3, 4);

        var viaFunction = StraightThrough.Apply(a, Quantize);
        (viaFunction * weights).Sum().Backward();
        var viaDetach = b + (Quantize(b) - b).Detach();
        (viaDetach * weights).Sum().Backward();

        Close.Assert(viaDetach.ToArray(), viaFunction.ToArray(), rtol: 1e-6, atol: 1e-6, what: "value");
        Assert.Equal(b.Grad!.ToArray(), a.Grad!.ToArray());
    }

    [Fact]
    public void StraightThrough_QuantizeChangingTheShape_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => StraightThrough.Apply(GradCheck.Random(1, 2, 3), t => t.Sum()));
        Assert.Contains("must keep the shape", error.Message);
    }
}
