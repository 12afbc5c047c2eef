using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>
/// Broadcast copies over a <see cref="BroadcastPlan"/> whose operand A is the smaller shape and whose
/// output is the expanded one: the forward of <c>expand</c> and the backward of a sum over axes. Their
/// inverse (summing an expanded tensor back onto the smaller shape) is
/// <see cref="Elementwise.AccumulateUnbroadcast"/>.
/// </summary>
internal static class Expansion
{
    /// <summary>
    /// destination[j] = scale · source[broadcast index of j] over the plan's output, or
    /// destination[j] += … when <paramref name="accumulate"/>. Runs along which A repeats are filled
    /// (or shifted) by one value; runs along which it advances are copied (or added) whole.
    /// </summary>
    public static void Expand(float[] source, float scale, float[] destination, BroadcastPlan plan, bool accumulate)
    {
        var state = new ExpandState
        {
            Source = source, Destination = destination, Scale = scale, Accumulate = accumulate,
            Advances = plan.RunAdvancesA, Run = plan.RunLength,
        };
        plan.ForEachRun(ref state, static (ref ExpandState s, int o, int ia, int ib) =>
        {
            var dst = s.Destination.AsSpan(o, s.Run);
            if (s.Advances)
            {
                var src = s.Source.AsSpan(ia, s.Run);
                if (s.Accumulate)
                {
                    if (s.Scale == 1f) TensorPrimitives.Add(dst, src, dst);
                    else TensorPrimitives.MultiplyAdd(src, s.Scale, dst, dst);
                }
                else if (s.Scale == 1f) src.CopyTo(dst);
                else TensorPrimitives.Multiply(src, s.Scale, dst);
            }
            else
            {
                float value = s.Source[ia] * s.Scale;
                if (s.Accumulate) TensorPrimitives.Add(dst, value, dst);
                else dst.Fill(value);
            }
        });
    }

    private struct ExpandState
    {
        public float[] Source, Destination;
        public float Scale;
        public bool Accumulate, Advances;
        public int Run;
    }
}
