using System.Buffers;
using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>
/// Maximum and minimum over a set of axes (PyTorch's <c>amax</c>/<c>amin</c>), on a
/// <see cref="BroadcastPlan"/> whose operand A is the reduced shape (reduced axes kept with size 1) and
/// whose output is the input's shape. NaN wins, so NaNs propagate as in PyTorch.
/// </summary>
internal static class AxesExtremes
{
    /// <summary>y[m] = max (or min) of x[j] over the elements j that reduce onto m; y is overwritten.</summary>
    public static void Reduce(float[] x, float[] y, BroadcastPlan plan, bool maximum)
    {
        y.AsSpan().Fill(maximum ? float.NegativeInfinity : float.PositiveInfinity);
        var state = new State { X = x, Y = y, Run = plan.RunLength, Advances = plan.RunAdvancesA, Maximum = maximum };
        plan.ForEachRun(ref state, static (ref State s, int o, int ia, int ib) =>
        {
            var xs = s.X.AsSpan(o, s.Run);
            if (s.Advances)
            {
                var ys = s.Y.AsSpan(ia, s.Run);
                if (s.Maximum) TensorPrimitives.Max(ys, xs, ys);
                else TensorPrimitives.Min(ys, xs, ys);
            }
            else
            {
                s.Y[ia] = s.Maximum ? MathF.Max(s.Y[ia], TensorPrimitives.Max(xs)) : MathF.Min(s.Y[ia], TensorPrimitives.Min(xs));
            }
        });
    }

    /// <summary>
    /// gradient[j] += upstream[m] / count[m] where x[j] == y[m], count[m] being how many elements equal
    /// y[m]: the gradient split evenly among ties, as PyTorch's <c>amax</c>/<c>amin</c> backward.
    /// </summary>
    public static void AccumulateGradient(float[] upstream, float[] x, float[] y, float[] gradient, BroadcastPlan plan)
    {
        float[] share = ArrayPool<float>.Shared.Rent(y.Length);
        try
        {
            var state = new State { X = x, Y = y, Share = share, Upstream = upstream, Gradient = gradient, Run = plan.RunLength, Advances = plan.RunAdvancesA };
            share.AsSpan(0, y.Length).Clear();
            plan.ForEachRun(ref state, static (ref State s, int o, int ia, int ib) =>
            {
                for (int k = 0; k < s.Run; k++)
                    if (s.X[o + k] == s.Y[s.Advances ? ia + k : ia]) s.Share![s.Advances ? ia + k : ia] += 1f;
            });
            for (int m = 0; m < y.Length; m++) share[m] = upstream[m] / share[m];
            plan.ForEachRun(ref state, static (ref State s, int o, int ia, int ib) =>
            {
                for (int k = 0; k < s.Run; k++)
                {
                    int m = s.Advances ? ia + k : ia;
                    if (s.X[o + k] == s.Y[m]) s.Gradient![o + k] += s.Share![m];
                }
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(share);
        }
    }

    private struct State
    {
        public float[] X, Y;
        public float[]? Share, Upstream, Gradient;
        public int Run;
        public bool Advances, Maximum;
    }
}
