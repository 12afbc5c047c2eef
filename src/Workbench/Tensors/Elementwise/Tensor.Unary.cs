using System.Numerics.Tensors;
using Workbench.Kernels;

namespace Workbench.Tensors;

// Elementwise functions of one tensor. Each forward is a TensorPrimitives call (or an elementwise
// kernel where none exists); the backward rule beside it multiplies the incoming gradient by the
// local derivative, written in terms of the input x or the output y, whichever is cheaper.
public sealed partial class Tensor
{
    /// <summary>eˣ. d/dx = y.</summary>
    public Tensor Exp()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Exp(Storage, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Exp", [x], g => TensorPrimitives.FusedMultiplyAdd(g.Storage, y.Storage, x.GradStorage(), x.GradStorage()));
    }

    /// <summary>max(x, 0). d/dx = 1 where x &gt; 0.</summary>
    public Tensor Relu()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Max(Storage, 0f, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Relu", [x], g =>
        {
            var (gx, beta) = x.GradForUpdate();
            ActivationKernels.ReluBackward(g.Storage, y.Storage, gx, overwrite: beta == 0f);
        });
    }

    /// <summary>Natural logarithm ln x (NaN for x &lt; 0, −∞ at 0). d/dx = 1/x.</summary>
    public Tensor Log()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Log(Storage, y.Storage);
        return RecordElementwise("Log", y, new ReciprocalFunction(), derivativeOfOutput: false);
    }

    /// <summary>
    /// softplus(x) = log(1 + eˣ), evaluated as max(x, 0) + log1p(e^−|x|): finite for any finite x and
    /// accurate where eˣ is tiny (softplus(−30) ≈ 9.4e−14, not 0). d/dx = σ(x).
    /// </summary>
    public Tensor Softplus()
    {
        // A scalar loop rather than TensorPrimitives.LogP1, which computes log(1 + u) directly and so
        // returns 0 once u = e^−|x| drops below float epsilon (x < −17), losing all relative accuracy.
        var y = Uninitialized(Dims);
        ElementLoops.Map(Storage, y.Storage, new SoftplusFunction());
        return RecordElementwise("Softplus", y, new SigmoidFunction(), derivativeOfOutput: false);
    }

    /// <summary>σ(x) = 1 / (1 + e^−x), saturating to exactly 0 or 1 for large |x| (no overflow). d/dx = y(1 − y).</summary>
    public Tensor Sigmoid()
    {
        var y = Uninitialized(Dims);
        if (Size > 0) TensorPrimitives.Sigmoid(Storage, y.Storage);
        return RecordElementwise("Sigmoid", y, new SigmoidDerivativeFromOutput(), derivativeOfOutput: true);
    }

    /// <summary>tanh x. d/dx = 1 − y².</summary>
    public Tensor Tanh()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Tanh(Storage, y.Storage);
        return RecordElementwise("Tanh", y, new TanhDerivativeFromOutput(), derivativeOfOutput: true);
    }

    /// <summary>x where x &gt; 0, else <paramref name="negativeSlope"/>·x (Maas et al., 2013). d/dx = 1 or the slope.</summary>
    public Tensor LeakyRelu(float negativeSlope = 0.01f)
    {
        var y = Uninitialized(Dims);
        if (negativeSlope is >= 0f and <= 1f)
        {
            // For a slope in [0, 1], max(x, slope·x) is the same function, in two vector passes.
            TensorPrimitives.Multiply(Storage, negativeSlope, y.Storage);
            TensorPrimitives.Max(Storage, y.Storage, y.Storage);
        }
        else
        {
            ElementLoops.Map(Storage, y.Storage, new LeakyReluFunction(negativeSlope));
        }
        return RecordElementwise("LeakyRelu", y, new LeakyReluDerivative(negativeSlope), derivativeOfOutput: false);
    }

    /// <summary>x². d/dx = 2x.</summary>
    public Tensor Square()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Multiply(Storage, Storage, y.Storage);
        return RecordElementwise("Square", y, new SquareDerivative(), derivativeOfOutput: false);
    }

    /// <summary>√x (NaN for x &lt; 0). d/dx = 1/(2y).</summary>
    public Tensor Sqrt()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Sqrt(Storage, y.Storage);
        return RecordElementwise("Sqrt", y, new SqrtDerivativeFromOutput(), derivativeOfOutput: true);
    }

    /// <summary>xᵖ elementwise (NaN for x &lt; 0 unless p is an integer, as MathF.Pow). d/dx = p·xᵖ⁻¹.</summary>
    public Tensor Pow(float exponent)
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Pow(Storage, exponent, y.Storage);
        return RecordElementwise("Pow", y, new PowDerivative(exponent), derivativeOfOutput: false);
    }

    /// <summary>|x|. d/dx = sign(x), taken as 0 at x = 0.</summary>
    public Tensor Abs()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Abs(Storage, y.Storage);
        return RecordElementwise("Abs", y, new AbsDerivative(), derivativeOfOutput: false);
    }

    /// <summary>min(max(x, <paramref name="min"/>), <paramref name="max"/>). d/dx = 1 for min ≤ x ≤ max, else 0.</summary>
    public Tensor Clamp(float min, float max)
    {
        if (!(min <= max)) throw new ArgumentException($"Clamp: min ({min}) must not exceed max ({max}).");
        var y = Uninitialized(Dims);
        TensorPrimitives.Clamp(Storage, min, max, y.Storage);
        return RecordElementwise("Clamp", y, new ClampDerivative(min, max), derivativeOfOutput: false);
    }

    /// <summary>Records y = f(this) with x.grad += g ⊙ f′, the derivative evaluated at x or at y.</summary>
    private Tensor RecordElementwise<TDerivative>(string op, Tensor y, TDerivative derivative, bool derivativeOfOutput)
        where TDerivative : struct, IElementFunction
    {
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record(op, [x], g =>
            ElementLoops.AccumulateChain(g.Storage, derivativeOfOutput ? y.Storage : x.Storage, x.GradStorage(), derivative));
    }
}
