using System.Numerics.Tensors;
using Workbench.Kernels;

namespace Workbench.Tensors;

// Comparisons, selection and elementwise minimum/maximum, broadcasting as PyTorch. Comparisons return
// float 0/1 tensors that carry no gradient (torch returns bool tensors; here a mask is a float tensor).
public sealed partial class Tensor
{
    /// <summary>1 where this == other, else 0 (broadcasting; NaN equals nothing). No gradient.</summary>
    public Tensor Eq(Tensor other) => Compare<EqualTo>(other);

    /// <summary>1 where this ≠ other, else 0 (broadcasting; true where either is NaN). No gradient.</summary>
    public Tensor Ne(Tensor other) => Compare<NotEqualTo>(other);

    /// <summary>1 where this &lt; other, else 0 (broadcasting). No gradient.</summary>
    public Tensor Lt(Tensor other) => Compare<LessThan>(other);

    /// <summary>1 where this ≤ other, else 0 (broadcasting). No gradient.</summary>
    public Tensor Le(Tensor other) => Compare<LessThanOrEqualTo>(other);

    /// <summary>1 where this &gt; other, else 0 (broadcasting). No gradient.</summary>
    public Tensor Gt(Tensor other) => Compare<GreaterThan>(other);

    /// <summary>1 where this ≥ other, else 0 (broadcasting). No gradient.</summary>
    public Tensor Ge(Tensor other) => Compare<GreaterThanOrEqualTo>(other);

    /// <summary>1 where this == <paramref name="value"/>, else 0. No gradient.</summary>
    public Tensor Eq(float value) => Compare<EqualTo>(value);

    /// <summary>1 where this ≠ <paramref name="value"/>, else 0. No gradient.</summary>
    public Tensor Ne(float value) => Compare<NotEqualTo>(value);

    /// <summary>1 where this &lt; <paramref name="value"/>, else 0. No gradient.</summary>
    public Tensor Lt(float value) => Compare<LessThan>(value);

    /// <summary>1 where this ≤ <paramref name="value"/>, else 0. No gradient.</summary>
    public Tensor Le(float value) => Compare<LessThanOrEqualTo>(value);

    /// <summary>1 where this &gt; <paramref name="value"/>, else 0. No gradient.</summary>
    public Tensor Gt(float value) => Compare<GreaterThan>(value);

    /// <summary>1 where this ≥ <paramref name="value"/>, else 0. No gradient.</summary>
    public Tensor Ge(float value) => Compare<GreaterThanOrEqualTo>(value);

    private Tensor Compare<TComparison>(Tensor other) where TComparison : struct, IComparison
    {
        ArgumentNullException.ThrowIfNull(other);
        var shape = BroadcastShape(Dims, other.Dims);
        var y = Uninitialized(shape);
        SelectKernels.Compare<TComparison>(ExpandedTo(this, shape), ExpandedTo(other, shape), y.Storage);
        return y;
    }

    private Tensor Compare<TComparison>(float value) where TComparison : struct, IComparison
    {
        var y = Uninitialized(Dims);
        SelectKernels.Compare<TComparison>(Storage, value, y.Storage);
        return y;
    }

    /// <summary>
    /// <paramref name="a"/> where <paramref name="condition"/> is nonzero, else <paramref name="b"/>, all three
    /// broadcast together (<c>torch.where</c>; the condition is a 0/1 mask such as <see cref="Gt(Tensor)"/> returns).
    /// The gradient flows to a where the condition is nonzero and to b elsewhere (summed over broadcast dimensions).
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = BroadcastShape(BroadcastShape(condition.Dims, a.Dims), b.Dims);
        var mask = ExpandedTo(condition, shape);
        var y = Uninitialized(shape);
        SelectKernels.Where(mask, ExpandedTo(a, shape), ExpandedTo(b, shape), y.Storage);
        if (!Tracks(a, b)) return y;
        return y.Record("Where", [a, b], g =>
        {
            var part = Uninitialized(shape);
            if (a.RequiresGrad)
            {
                SelectKernels.MaskGradient(g.Storage, mask, whereTrue: true, part.Storage);
                AccumulateReduced(part.Storage, a, shape);
            }
            if (b.RequiresGrad)
            {
                SelectKernels.MaskGradient(g.Storage, mask, whereTrue: false, part.Storage);
                AccumulateReduced(part.Storage, b, shape);
            }
        });
    }

    /// <summary>
    /// This tensor with <paramref name="value"/> where <paramref name="mask"/> is nonzero (<c>Tensor.masked_fill</c>);
    /// the mask broadcasts to this tensor's shape. The gradient flows where the mask is zero.
    /// </summary>
    public Tensor MaskedFill(Tensor mask, float value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var shape = BroadcastShape(Dims, mask.Dims);
        if (!shape.AsSpan().SequenceEqual(Dims))
            throw new ArgumentException($"MaskedFill: mask of shape {ShapeText(mask.Dims)} does not broadcast to the tensor's shape {ShapeText(Dims)}.", nameof(mask));
        return Where(mask, Scalar(value), this);
    }

    /// <summary>
    /// Elementwise maximum, broadcasting (<c>torch.maximum</c>; NaN propagates). Where the two are equal
    /// each receives half of the gradient, as in PyTorch.
    /// </summary>
    public Tensor Maximum(Tensor other) => MinMax(other, minimum: false);

    /// <summary>
    /// Elementwise minimum, broadcasting (<c>torch.minimum</c>; NaN propagates). Where the two are equal
    /// each receives half of the gradient, as in PyTorch.
    /// </summary>
    public Tensor Minimum(Tensor other) => MinMax(other, minimum: true);

    private Tensor MinMax(Tensor other, bool minimum)
    {
        ArgumentNullException.ThrowIfNull(other);
        var shape = BroadcastShape(Dims, other.Dims);
        var (aValues, bValues) = (ExpandedTo(this, shape), ExpandedTo(other, shape));
        var y = Uninitialized(shape);
        SelectKernels.MinMax(aValues, bValues, y.Storage, minimum);
        if (!Tracks(this, other)) return y;
        var (a, b) = (this, other);
        return y.Record(minimum ? "Minimum" : "Maximum", [a, b], g =>
        {
            var partA = a.RequiresGrad ? Uninitialized(shape) : null;
            var partB = b.RequiresGrad ? Uninitialized(shape) : null;
            SelectKernels.MinMaxBackward(g.Storage, aValues, bValues, minimum, partA is null ? default : partA.Storage, partB is null ? default : partB.Storage);
            if (partA is not null) AccumulateReduced(partA.Storage, a, shape);
            if (partB is not null) AccumulateReduced(partB.Storage, b, shape);
        });
    }

    /// <summary>The broadcast shape of two shapes (NumPy rules); throws naming both when they do not broadcast.</summary>
    private static int[] BroadcastShape(int[] a, int[] b) =>
        a.AsSpan().SequenceEqual(b) ? a : (int[])BroadcastPlan.For(a, b).OutputShape.Clone();

    /// <summary>The values of <paramref name="t"/> laid out in <paramref name="shape"/> (its own storage when the shapes are equal).</summary>
    private static float[] ExpandedTo(Tensor t, int[] shape)
    {
        if (t.Dims.AsSpan().SequenceEqual(shape)) return t.Storage;
        var expanded = Uninitialized(shape);
        LossKernels.ExpandOperandB(t.Storage, BroadcastPlan.For(shape, t.Dims), expanded.Storage);
        return expanded.Storage;
    }

    /// <summary>target.grad += <paramref name="gradient"/> (laid out in <paramref name="shape"/>) summed over the dimensions target was broadcast along.</summary>
    private static void AccumulateReduced(float[] gradient, Tensor target, int[] shape)
    {
        if (target.Dims.AsSpan().SequenceEqual(shape)) TensorPrimitives.Add(target.GradStorage(), gradient, target.GradStorage());
        else Elementwise.AccumulateUnbroadcast(gradient, target.GradStorage(), BroadcastPlan.For(shape, target.Dims), targetIsA: false);
    }
}
