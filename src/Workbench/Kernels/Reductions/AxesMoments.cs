using System.Buffers;
using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>
/// Second moments over a set of axes, on a <see cref="BroadcastPlan"/> whose operand A is the reduced
/// shape (the reduced axes kept with size 1) and whose output is the input's shape: each contiguous run
/// of the input either meets one mean (the run lies along reduced axes) or a run of means.
/// </summary>
internal static class AxesMoments
{
    /// <summary>squares[m] += Σ (x[j] − mean[m])² over the elements j that reduce onto m.</summary>
    public static void AccumulateSquaredDeviations(float[] x, float[] mean, float[] squares, BroadcastPlan plan)
    {
        float[] scratch = ArrayPool<float>.Shared.Rent(plan.RunLength);
        try
        {
            var state = new State { X = x, Mean = mean, Target = squares, Scratch = scratch, Run = plan.RunLength, Advances = plan.RunAdvancesA };
            plan.ForEachRun(ref state, static (ref State s, int o, int ia, int ib) =>
            {
                var deviation = s.Scratch.AsSpan(0, s.Run);
                var xs = s.X.AsSpan(o, s.Run);
                if (s.Advances)
                {
                    TensorPrimitives.Subtract(xs, s.Mean.AsSpan(ia, s.Run), deviation);
                    var dst = s.Target.AsSpan(ia, s.Run);
                    TensorPrimitives.FusedMultiplyAdd(deviation, deviation, dst, dst);
                }
                else
                {
                    TensorPrimitives.Subtract(xs, s.Mean[ia], deviation);
                    s.Target[ia] += TensorPrimitives.SumOfSquares(deviation);
                }
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// gradient[j] += scale · upstream[m] · (x[j] − mean[m]): the backward of the variance with
    /// scale = 2 / (N − correction).
    /// </summary>
    public static void AccumulateVarianceGradient(float[] upstream, float[] x, float[] mean, float scale, float[] gradient, BroadcastPlan plan)
    {
        float[] scratch = ArrayPool<float>.Shared.Rent(plan.RunLength);
        try
        {
            var state = new State
            {
                X = x, Mean = mean, Upstream = upstream, Target = gradient, Scale = scale, Scratch = scratch,
                Run = plan.RunLength, Advances = plan.RunAdvancesA,
            };
            plan.ForEachRun(ref state, static (ref State s, int o, int ia, int ib) =>
            {
                var deviation = s.Scratch.AsSpan(0, s.Run);
                var dst = s.Target.AsSpan(o, s.Run);
                if (s.Advances)
                {
                    TensorPrimitives.Subtract(s.X.AsSpan(o, s.Run), s.Mean.AsSpan(ia, s.Run), deviation);
                    TensorPrimitives.Multiply(deviation, s.Upstream!.AsSpan(ia, s.Run), deviation);
                    TensorPrimitives.MultiplyAdd(deviation, s.Scale, dst, dst);
                }
                else
                {
                    TensorPrimitives.Subtract(s.X.AsSpan(o, s.Run), s.Mean[ia], deviation);
                    TensorPrimitives.MultiplyAdd(deviation, s.Upstream![ia] * s.Scale, dst, dst);
                }
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    private struct State
    {
        public float[] X, Mean, Target, Scratch;
        public float[]? Upstream;
        public float Scale;
        public int Run;
        public bool Advances;
    }
}
