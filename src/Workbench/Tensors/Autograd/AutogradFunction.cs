using System.Numerics.Tensors;

namespace Workbench.Tensors;

/// <summary>
/// An op defined by its forward and its backward, as PyTorch's <c>torch.autograd.Function</c>: for
/// gradients the chain rule cannot give (a straight-through estimator, an implicit-reparameterisation
/// gradient, the gradient of a numerically inverted flow) or a backward faster than the composed ops'.
/// </summary>
/// <remarks>
/// <para><see cref="Forward"/> runs with gradient recording off and returns one tensor; anything the
/// backward needs is kept by the subclass or saved in the <see cref="FunctionContext"/>.
/// <see cref="Backward"/> also runs with recording off (no double backward) and returns one gradient per
/// input, shaped as that input, or null where the input gets none. The returned gradients are added to
/// the inputs' gradients, so an input used by several ops accumulates as for any built-in op.</para>
/// <para>Check a new function with <see cref="GradientCheck"/>.</para>
/// <example>
/// A clamp whose gradient passes everywhere, also outside the bounds (a straight-through clamp; the
/// shipped general form is <see cref="StraightThrough"/>):
/// <code>
/// sealed class StraightThroughClamp : AutogradFunction
/// {
///     protected override Tensor Forward(FunctionContext context, Tensor[] inputs) => inputs[0].Clamp(0f, 1f);
///     protected override Tensor?[] Backward(FunctionContext context, Tensor outputGradient) => [outputGradient];
/// }
/// var y = new StraightThroughClamp().Apply(x);
/// </code>
/// </example>
/// </remarks>
public abstract class AutogradFunction
{
    /// <summary>The name shown in the graph and in error messages; the type name by default.</summary>
    public virtual string Name => GetType().Name;

    /// <summary>The output for <paramref name="inputs"/>; runs with gradient recording off.</summary>
    protected abstract Tensor Forward(FunctionContext context, Tensor[] inputs);

    /// <summary>
    /// dLoss/dInput for each input given dLoss/dOutput (<paramref name="outputGradient"/>, shaped as the
    /// output): one entry per input, each shaped as its input, or null for no gradient.
    /// </summary>
    protected abstract Tensor?[] Backward(FunctionContext context, Tensor outputGradient);

    /// <summary>Runs <see cref="Forward"/> and, when an input requires grad, records <see cref="Backward"/> as the output's rule.</summary>
    public Tensor Apply(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"{Name}: input {i} is null.");
        var context = new FunctionContext(inputs);
        Tensor output;
        using (GradMode.NoGrad()) output = Forward(context, inputs);
        if (output is null) throw new InvalidOperationException($"{Name}.Forward returned null; it must return the output tensor.");
        if (inputs.Any(x => ReferenceEquals(x, output)) || !output.IsLeaf || output.RequiresGrad)
            output = output.Clone(); // the output must be a node of its own (returning an input, or a view of one, must not rewire it)
        if (!Tensor.Tracks(inputs)) return output;

        var saved = (Tensor[])inputs.Clone();
        return output.Record(Name, saved, g =>
        {
            Tensor?[] gradients;
            using (GradMode.NoGrad()) gradients = Backward(context, g);
            if (gradients is null || gradients.Length != saved.Length)
                throw new InvalidOperationException(
                    $"{Name}.Backward returned {(gradients is null ? "null" : gradients.Length + " gradients")}; it must return one per input ({saved.Length}), null where an input gets none.");
            for (int i = 0; i < saved.Length; i++)
            {
                var x = saved[i];
                var gx = gradients[i];
                if (gx is null || !x.RequiresGrad) continue;
                if (!gx.Dims.AsSpan().SequenceEqual(x.Dims))
                    throw new InvalidOperationException(
                        $"{Name}.Backward: the gradient of input {i} has shape {Tensor.ShapeText(gx.Dims)}, but input {i} has shape {Tensor.ShapeText(x.Dims)}.");
                TensorPrimitives.Add(x.GradStorage(), gx.Span, x.GradStorage());
            }
        });
    }
}

/// <summary>What a <see cref="AutogradFunction"/>'s forward leaves for its backward (PyTorch's <c>ctx</c>).</summary>
public sealed class FunctionContext
{
    private Tensor[] _saved = [];

    internal FunctionContext(Tensor[] inputs) => Inputs = inputs;

    /// <summary>The inputs the function was applied to.</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>Keeps tensors for the backward (as <c>ctx.save_for_backward</c>); they must stay unmodified until then.</summary>
    public void SaveForBackward(params Tensor[] tensors) => _saved = (Tensor[])tensors.Clone();

    /// <summary>The tensors given to <see cref="SaveForBackward"/>, in order.</summary>
    public IReadOnlyList<Tensor> SavedTensors => _saved;

    /// <summary>Whether input <paramref name="index"/> needs a gradient (as <c>ctx.needs_input_grad</c>): skip the work for those that do not.</summary>
    public bool NeedsInputGradient(int index) => Inputs[index].RequiresGrad;
}
