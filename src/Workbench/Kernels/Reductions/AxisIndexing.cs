using System.Buffers;
using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>
/// Loops along one axis of a tensor seen as (outer, n, inner): gathering and scattering entries of the
/// axis by index, the position of its minimum or maximum, and running sums along it.
/// </summary>
internal static class AxisIndexing
{
    /// <summary>destination[o, r, i] = source[o, indices[r], i] (indices already checked).</summary>
    public static void Gather(ReadOnlySpan<float> source, int outer, int n, int inner, ReadOnlySpan<int> indices, Span<float> destination)
    {
        int count = indices.Length;
        for (int o = 0; o < outer; o++)
            for (int r = 0; r < count; r++)
                source.Slice((o * n + indices[r]) * inner, inner).CopyTo(destination.Slice((o * count + r) * inner, inner));
    }

    /// <summary>destination[o, indices[r], i] += source[o, r, i]; repeated indices add up. The inverse of <see cref="Gather"/>.</summary>
    public static void ScatterAdd(ReadOnlySpan<float> source, int outer, int n, int inner, ReadOnlySpan<int> indices, Span<float> destination)
    {
        int count = indices.Length;
        for (int o = 0; o < outer; o++)
            for (int r = 0; r < count; r++)
            {
                var dst = destination.Slice((o * n + indices[r]) * inner, inner);
                TensorPrimitives.Add(dst, source.Slice((o * count + r) * inner, inner), dst);
            }
    }

    /// <summary>
    /// y = minₖ x[o, k, i] and argMin = the first k attaining it (n &gt; 0); NaN wins. Computed as the
    /// maximum of −x so that it shares <see cref="AxisReduction.Max"/>'s tie and NaN rules.
    /// </summary>
    public static void Min(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> y, Span<int> argMin)
    {
        int size = outer * n * inner;
        float[] negated = ArrayPool<float>.Shared.Rent(size);
        try
        {
            TensorPrimitives.Negate(x[..size], negated.AsSpan(0, size));
            AxisReduction.Max(negated.AsSpan(0, size), outer, n, inner, y, argMin);
            TensorPrimitives.Negate(y[..(outer * inner)], y[..(outer * inner)]);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(negated);
        }
    }

    /// <summary>The first k attaining the maximum (or minimum) of x[o, k, i] for each (o, i) (n &gt; 0).</summary>
    public static void ArgExtreme(ReadOnlySpan<float> x, int outer, int n, int inner, bool maximum, Span<int> indices)
    {
        float[] values = ArrayPool<float>.Shared.Rent(outer * inner);
        try
        {
            var y = values.AsSpan(0, outer * inner);
            if (maximum) AxisReduction.Max(x, outer, n, inner, y, indices);
            else Min(x, outer, n, inner, y, indices);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(values);
        }
    }

    /// <summary>
    /// Running sums along the axis: y[o, k, i] = Σ_{j ≤ k} x[o, j, i], or with <paramref name="reverse"/>
    /// Σ_{j ≥ k} (the backward of the forward sum). With <paramref name="accumulate"/> the sums are added
    /// to y instead of written.
    /// </summary>
    public static void CumulativeSum(ReadOnlySpan<float> x, int outer, int n, int inner, bool reverse, Span<float> y, bool accumulate)
    {
        float[] running = ArrayPool<float>.Shared.Rent(inner);
        try
        {
            var sum = running.AsSpan(0, inner);
            for (int o = 0; o < outer; o++)
            {
                sum.Clear();
                for (int step = 0; step < n; step++)
                {
                    int k = reverse ? n - 1 - step : step;
                    int offset = (o * n + k) * inner;
                    var dst = y.Slice(offset, inner);
                    if (inner == 1)
                    {
                        sum[0] += x[offset];
                        dst[0] = accumulate ? dst[0] + sum[0] : sum[0];
                        continue;
                    }
                    TensorPrimitives.Add(sum, x.Slice(offset, inner), sum);
                    if (accumulate) TensorPrimitives.Add(dst, sum, dst);
                    else sum.CopyTo(dst);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(running);
        }
    }
}
