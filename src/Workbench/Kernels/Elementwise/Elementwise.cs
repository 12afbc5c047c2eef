using System.Numerics.Tensors;

namespace Workbench.Kernels;

internal enum BinaryOp { Add, Subtract, Multiply, Divide }

/// <summary>Broadcasting binary arithmetic and its reverse (summing a gradient back to an operand's shape).</summary>
internal static class Elementwise
{
    private struct BinaryState
    {
        public float[] A, B, Output;
        public BinaryOp Op;
        public bool AdvancesA, AdvancesB;
        public int Run;
    }

    /// <summary>output = a (op) b, with NumPy broadcasting; <paramref name="output"/> has the plan's output size.</summary>
    public static void Binary(BinaryOp op, float[] a, float[] b, float[] output, BroadcastPlan? plan)
    {
        if (plan is null)
        {
            Apply(op, a, b, output);
            return;
        }
        var state = new BinaryState
        {
            A = a, B = b, Output = output, Op = op,
            AdvancesA = plan.RunAdvancesA, AdvancesB = plan.RunAdvancesB, Run = plan.RunLength,
        };
        plan.ForEachRun(ref state, static (ref BinaryState s, int o, int ia, int ib) =>
        {
            var dst = s.Output.AsSpan(o, s.Run);
            if (s.AdvancesA && s.AdvancesB) Apply(s.Op, s.A.AsSpan(ia, s.Run), s.B.AsSpan(ib, s.Run), dst);
            else if (s.AdvancesA) ApplyScalarRight(s.Op, s.A.AsSpan(ia, s.Run), s.B[ib], dst);
            else ApplyScalarLeft(s.Op, s.A[ia], s.B.AsSpan(ib, s.Run), dst);
        });
    }

    public static void Apply(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, dst); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(a, b, dst); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(a, b, dst); break;
            default: TensorPrimitives.Divide(a, b, dst); break;
        }
    }

    public static void ApplyScalarRight(BinaryOp op, ReadOnlySpan<float> a, float b, Span<float> dst)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, dst); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(a, b, dst); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(a, b, dst); break;
            default: TensorPrimitives.Divide(a, b, dst); break;
        }
    }

    public static void ApplyScalarLeft(BinaryOp op, float a, ReadOnlySpan<float> b, Span<float> dst)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(b, a, dst); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(a, b, dst); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(b, a, dst); break;
            default: TensorPrimitives.Divide(a, b, dst); break;
        }
    }

    private struct ReduceState
    {
        public float[] Source, Target;
        public bool TargetIsA, Advances;
        public int Run;
    }

    /// <summary>
    /// target += source summed over the dimensions along which the target operand (A or B of
    /// <paramref name="plan"/>) was broadcast: the backward of broadcasting.
    /// </summary>
    public static void AccumulateUnbroadcast(float[] source, float[] target, BroadcastPlan? plan, bool targetIsA)
    {
        if (plan is null)
        {
            TensorPrimitives.Add(target, source, target);
            return;
        }
        var state = new ReduceState
        {
            Source = source,
            Target = target,
            TargetIsA = targetIsA,
            Advances = targetIsA ? plan.RunAdvancesA : plan.RunAdvancesB,
            Run = plan.RunLength,
        };
        plan.ForEachRun(ref state, static (ref ReduceState s, int o, int ia, int ib) =>
        {
            int t = s.TargetIsA ? ia : ib;
            var src = s.Source.AsSpan(o, s.Run);
            if (s.Advances)
            {
                var dst = s.Target.AsSpan(t, s.Run);
                TensorPrimitives.Add(dst, src, dst);
            }
            else
            {
                s.Target[t] += TensorPrimitives.Sum(src);
            }
        });
    }
}
