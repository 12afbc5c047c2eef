namespace Workbench.Tensors;

/// <summary>
/// The straight-through estimator (Bengio et al. 2013; VQ-VAE, van den Oord et al. 2017): the forward
/// value is a non-differentiable function of x (rounding, the nearest codebook vector), the backward
/// passes the gradient to x unchanged, as if that function were the identity.
/// </summary>
/// <remarks>
/// The same estimator as a stop-gradient expression is <c>x + (quantize(x) − x).Detach()</c>
/// (<see cref="Tensor.Detach"/> cuts its operand from the graph): equal values, equal gradients, but two
/// more elementwise passes. This function skips them and needs no graph through <c>quantize</c>.
/// </remarks>
public sealed class StraightThrough(Func<Tensor, Tensor> quantize) : AutogradFunction
{
    private readonly Func<Tensor, Tensor> _quantize = quantize ?? throw new ArgumentNullException(nameof(quantize));

    /// <summary><c>quantize(x)</c> forward, the identity's gradient backward.</summary>
    public static Tensor Apply(Tensor x, Func<Tensor, Tensor> quantize) => new StraightThrough(quantize).Apply(x);

    protected override Tensor Forward(FunctionContext context, Tensor[] inputs)
    {
        if (inputs.Length != 1) throw new ArgumentException($"{Name} takes one input, got {inputs.Length}.");
        var y = _quantize(inputs[0]);
        if (!y.Dims.AsSpan().SequenceEqual(inputs[0].Dims))
            throw new ArgumentException($"{Name}: quantize must keep the shape, but mapped {Tensor.ShapeText(inputs[0].Dims)} to {Tensor.ShapeText(y.Dims)}.");
        return y;
    }

    protected override Tensor?[] Backward(FunctionContext context, Tensor outputGradient) => [outputGradient];
}
