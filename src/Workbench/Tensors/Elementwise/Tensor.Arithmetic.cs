using System.Numerics.Tensors;
using Workbench.Kernels;

namespace Workbench.Tensors;

// Broadcasting arithmetic: +, -, ×, ÷ between tensors (NumPy rules) and with scalars.
public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator -(Tensor a) => a.MulScalar(-1f);
    public static Tensor operator +(Tensor a, float b) => a.AddScalar(b);
    public static Tensor operator +(float a, Tensor b) => b.AddScalar(a);
    public static Tensor operator -(Tensor a, float b) => a.AddScalar(-b);
    public static Tensor operator -(float a, Tensor b) => b.MulScalar(-1f).AddScalar(a);
    public static Tensor operator *(Tensor a, float b) => a.MulScalar(b);
    public static Tensor operator *(float a, Tensor b) => b.MulScalar(a);
    public static Tensor operator /(Tensor a, float b) => a.MulScalar(1f / b);

    /// <summary>this + other, broadcasting.</summary>
    public Tensor Add(Tensor other)
    {
        var (y, plan) = BinaryForward(BinaryOp.Add, this, other);
        if (!Tracks(this, other)) return y;
        var (a, b) = (this, other);
        return y.Record("Add", [a, b], g =>
        {
            if (a.RequiresGrad) Elementwise.AccumulateUnbroadcast(g.Storage, a.GradStorage(), plan, targetIsA: true);
            if (b.RequiresGrad) Elementwise.AccumulateUnbroadcast(g.Storage, b.GradStorage(), plan, targetIsA: false);
        });
    }

    /// <summary>this − other, broadcasting.</summary>
    public Tensor Sub(Tensor other)
    {
        var (y, plan) = BinaryForward(BinaryOp.Subtract, this, other);
        if (!Tracks(this, other)) return y;
        var (a, b) = (this, other);
        return y.Record("Sub", [a, b], g =>
        {
            if (a.RequiresGrad) Elementwise.AccumulateUnbroadcast(g.Storage, a.GradStorage(), plan, targetIsA: true);
            if (b.RequiresGrad)
            {
                var negated = Uninitialized(g.Dims);
                TensorPrimitives.Negate(g.Storage, negated.Storage);
                Elementwise.AccumulateUnbroadcast(negated.Storage, b.GradStorage(), plan, targetIsA: false);
            }
        });
    }

    /// <summary>this ⊙ other (elementwise), broadcasting.</summary>
    public Tensor Mul(Tensor other)
    {
        var (y, plan) = BinaryForward(BinaryOp.Multiply, this, other);
        if (!Tracks(this, other)) return y;
        var (a, b) = (this, other);
        return y.Record("Mul", [a, b], g =>
        {
            // d(a·b)/da = b, d(a·b)/db = a.
            if (a.RequiresGrad) AccumulateProduct(g, b, a, plan, targetIsA: true);
            if (b.RequiresGrad) AccumulateProduct(g, a, b, plan, targetIsA: false);
        });
    }

    /// <summary>this ÷ other (elementwise), broadcasting.</summary>
    public Tensor Div(Tensor other)
    {
        var (y, plan) = BinaryForward(BinaryOp.Divide, this, other);
        if (!Tracks(this, other)) return y;
        var (a, b) = (this, other);
        return y.Record("Div", [a, b], g =>
        {
            // d(a/b)/da = 1/b; d(a/b)/db = −a/b² = −y/b.
            if (a.RequiresGrad)
            {
                var (gOverB, _) = BinaryForward(BinaryOp.Divide, g, b);
                Elementwise.AccumulateUnbroadcast(gOverB.Storage, a.GradStorage(), plan, targetIsA: true);
            }
            if (b.RequiresGrad)
            {
                var (gY, _) = BinaryForward(BinaryOp.Multiply, g, y);
                var (gYOverB, _) = BinaryForward(BinaryOp.Divide, gY, b);
                TensorPrimitives.Negate(gYOverB.Storage, gYOverB.Storage);
                Elementwise.AccumulateUnbroadcast(gYOverB.Storage, b.GradStorage(), plan, targetIsA: false);
            }
        });
    }

    /// <summary>this + c.</summary>
    public Tensor AddScalar(float c)
    {
        var y = Uninitialized((int[])Dims.Clone());
        TensorPrimitives.Add(Storage, c, y.Storage);
        if (!Tracks(this)) return y;
        var a = this;
        return y.Record("AddScalar", [a], g => TensorPrimitives.Add(a.GradStorage(), g.Storage, a.GradStorage()));
    }

    /// <summary>this · c.</summary>
    public Tensor MulScalar(float c)
    {
        var y = Uninitialized((int[])Dims.Clone());
        TensorPrimitives.Multiply(Storage, c, y.Storage);
        if (!Tracks(this)) return y;
        var a = this;
        return y.Record("MulScalar", [a], g => TensorPrimitives.MultiplyAdd(g.Storage, c, a.GradStorage(), a.GradStorage()));
    }

    /// <summary>target.grad += unbroadcast(g ⊙ factor).</summary>
    private static void AccumulateProduct(Tensor g, Tensor factor, Tensor target, BroadcastPlan? plan, bool targetIsA)
    {
        if (plan is null)
        {
            var acc = target.GradStorage();
            TensorPrimitives.MultiplyAdd(g.Storage, factor.Storage, acc, acc);
            return;
        }
        var (product, _) = BinaryForward(BinaryOp.Multiply, g, factor);
        Elementwise.AccumulateUnbroadcast(product.Storage, target.GradStorage(), plan, targetIsA);
    }

    /// <summary>Computes a (op) b into a new tensor; the plan is null when the shapes are equal.</summary>
    private static (Tensor Result, BroadcastPlan? Plan) BinaryForward(BinaryOp op, Tensor a, Tensor b)
    {
        if (a.Dims.AsSpan().SequenceEqual(b.Dims))
        {
            var same = Uninitialized((int[])a.Dims.Clone());
            Elementwise.Apply(op, a.Storage, b.Storage, same.Storage);
            return (same, null);
        }
        var plan = BroadcastPlan.For(a.Dims, b.Dims);
        var y = Uninitialized((int[])plan.OutputShape.Clone());
        Elementwise.Binary(op, a.Storage, b.Storage, y.Storage, plan);
        return (y, plan);
    }

    /// <summary>The gradient buffer as an array (created zeroed on first use).</summary>
    internal float[] GradStorage()
    {
        GradAccumulator();
        return Grad!.Storage;
    }
}
