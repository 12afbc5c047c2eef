using System.Buffers;
using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>
/// Reductions along one axis of a row-major tensor viewed as (outer, n, inner): the reduced axis has
/// length n, <c>inner</c> is the product of the dimensions after it. The result is (outer, inner).
/// For the last axis (inner = 1) each output reduces one contiguous row; otherwise whole
/// inner-length rows are combined with vector ops, so every loop runs over contiguous memory.
/// </summary>
internal static class AxisReduction
{
    /// <summary>y = scale · Σₖ x[o, k, i].</summary>
    public static void Sum(ReadOnlySpan<float> x, int outer, int n, int inner, float scale, Span<float> y)
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) y[o] = TensorPrimitives.Sum(x.Slice(o * n, n)) * scale;
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var dst = y.Slice(o * inner, inner);
            var block = x.Slice(o * n * inner, n * inner);
            if (n == 0) { dst.Clear(); }
            else
            {
                block[..inner].CopyTo(dst);
                for (int k = 1; k < n; k++) TensorPrimitives.Add(dst, block.Slice(k * inner, inner), dst);
            }
            if (scale != 1f) TensorPrimitives.Multiply(dst, scale, dst);
        }
    }

    /// <summary>
    /// sums[j] (+)= Σᵢ x[i, j] over the rows of a (rows, cols) matrix, added row by row in order
    /// (((sums + x₀) + x₁) + …); with <paramref name="overwrite"/> the old sums are ignored (taken as 0),
    /// which gives the same bits as adding into zeros.
    /// </summary>
    /// <remarks>
    /// Large matrices (a layer's bias gradient over a batch, a convolution's per-group weight gradients) are cut into
    /// runs of whole columns on the kernel worker threads; each column is summed in the same order in any run.
    /// </remarks>
    public static unsafe void AccumulateColumnSums(ReadOnlySpan<float> x, int rows, int cols, Span<float> sums, bool overwrite)
    {
        if (x.Length < (long)rows * cols || sums.Length < cols) throw new ArgumentException("AccumulateColumnSums: spans too short.");
        if (overwrite && rows == 0)
        {
            sums[..cols].Clear();
            return;
        }
        fixed (float* px = x, ps = sums)
            ParallelChunks.RunItems(new ColumnSums(px, ps, rows, cols, overwrite), cols, rows);
    }

    private readonly unsafe struct ColumnSums(float* x, float* sums, int rows, int cols, bool overwrite) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            var total = new Span<float>(sums + start, length);
            int first = 0;
            if (overwrite)
            {
                new ReadOnlySpan<float>(x + start, length).CopyTo(total);
                first = 1;
            }
            for (int r = first; r < rows; r++) TensorPrimitives.Add(total, new ReadOnlySpan<float>(x + (long)r * cols + start, length), total);
        }
    }

    /// <summary>
    /// gradient[o, k, i] += scale · upstream[o, i] for every k: the backward of <see cref="Sum"/>. With
    /// <paramref name="overwrite"/> the old gradient is ignored (taken as 0; same bits as adding into zeros).
    /// </summary>
    public static void AccumulateBroadcast(ReadOnlySpan<float> upstream, int outer, int n, int inner, float scale, Span<float> gradient, bool overwrite = false)
    {
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                var row = gradient.Slice(o * n, n);
                if (overwrite) row.Fill(upstream[o] * scale);
                else TensorPrimitives.Add(row, upstream[o] * scale, row);
                continue;
            }
            var g = upstream.Slice(o * inner, inner);
            for (int k = 0; k < n; k++)
            {
                var dst = gradient.Slice((o * n + k) * inner, inner);
                if (overwrite) TensorPrimitives.Multiply(g, scale, dst);
                else TensorPrimitives.MultiplyAdd(g, scale, dst, dst);
            }
        }
    }

    /// <summary>
    /// y = maxₖ x[o, k, i] and argMax = the first k attaining it (n must be &gt; 0). A NaN wins, as
    /// in PyTorch, so NaNs propagate.
    /// </summary>
    public static void Max(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> y, Span<int> argMax)
    {
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                var row = x.Slice(o * n, n);
                int index = TensorPrimitives.IndexOfMax(row);
                y[o] = row[index];
                argMax[o] = index;
                continue;
            }
            var best = y.Slice(o * inner, inner);
            var bestIndex = argMax.Slice(o * inner, inner);
            x.Slice(o * n * inner, inner).CopyTo(best);
            bestIndex.Clear();
            for (int k = 1; k < n; k++)
            {
                var row = x.Slice((o * n + k) * inner, inner);
                for (int i = 0; i < inner; i++)
                {
                    float v = row[i];
                    if (v > best[i] || (float.IsNaN(v) && !float.IsNaN(best[i])))
                    {
                        best[i] = v;
                        bestIndex[i] = k;
                    }
                }
            }
        }
    }

    /// <summary>gradient[o, argMax[o, i], i] += upstream[o, i]: the backward of <see cref="Max"/>.</summary>
    public static void AccumulateAtIndex(ReadOnlySpan<float> upstream, ReadOnlySpan<int> argMax, int outer, int n, int inner, Span<float> gradient)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                gradient[(o * n + argMax[o * inner + i]) * inner + i] += upstream[o * inner + i];
    }

    /// <summary>
    /// y = log Σₖ exp x[o, k, i], computed as m + log Σₖ exp(x − m) with m the maximum so no term
    /// overflows. Where m is infinite the shift is 0 instead (all −∞ gives −∞, any +∞ gives +∞).
    /// An empty axis gives −∞.
    /// </summary>
    public static void LogSumExp(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> y)
    {
        if (n == 0)
        {
            y[..(outer * inner)].Fill(float.NegativeInfinity);
            return;
        }
        float[] rented = ArrayPool<float>.Shared.Rent(inner == 1 ? n : 2 * inner);
        try
        {
            for (int o = 0; o < outer; o++)
            {
                if (inner == 1)
                {
                    var row = x.Slice(o * n, n);
                    float shift = TensorPrimitives.Max(row);
                    if (!float.IsFinite(shift)) shift = 0f;
                    var terms = rented.AsSpan(0, n);
                    TensorPrimitives.Subtract(row, shift, terms);
                    TensorPrimitives.Exp(terms, terms);
                    y[o] = shift + MathF.Log(TensorPrimitives.Sum(terms));
                    continue;
                }
                var block = x.Slice(o * n * inner, n * inner);
                var shifts = y.Slice(o * inner, inner);
                block[..inner].CopyTo(shifts);
                for (int k = 1; k < n; k++) TensorPrimitives.Max(shifts, block.Slice(k * inner, inner), shifts);
                for (int i = 0; i < inner; i++) if (!float.IsFinite(shifts[i])) shifts[i] = 0f;
                var sums = rented.AsSpan(0, inner);
                var term = rented.AsSpan(inner, inner);
                sums.Clear();
                for (int k = 0; k < n; k++)
                {
                    TensorPrimitives.Subtract(block.Slice(k * inner, inner), shifts, term);
                    TensorPrimitives.Exp(term, term);
                    TensorPrimitives.Add(sums, term, sums);
                }
                TensorPrimitives.Log(sums, sums);
                TensorPrimitives.Add(shifts, sums, shifts);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>gradient[o, k, i] += upstream[o, i] · exp(x[o, k, i] − y[o, i]) (the softmax along the axis).</summary>
    public static void AccumulateLogSumExpGradient(ReadOnlySpan<float> upstream, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        int outer, int n, int inner, Span<float> gradient)
    {
        if (n == 0) return;
        float[] rented = ArrayPool<float>.Shared.Rent(inner == 1 ? n : inner);
        try
        {
            for (int o = 0; o < outer; o++)
            {
                if (inner == 1)
                {
                    var softmax = rented.AsSpan(0, n);
                    TensorPrimitives.Subtract(x.Slice(o * n, n), y[o], softmax);
                    TensorPrimitives.Exp(softmax, softmax);
                    var dst = gradient.Slice(o * n, n);
                    TensorPrimitives.MultiplyAdd(softmax, upstream[o], dst, dst);
                    continue;
                }
                var g = upstream.Slice(o * inner, inner);
                var yRow = y.Slice(o * inner, inner);
                var weight = rented.AsSpan(0, inner);
                for (int k = 0; k < n; k++)
                {
                    int offset = (o * n + k) * inner;
                    TensorPrimitives.Subtract(x.Slice(offset, inner), yRow, weight);
                    TensorPrimitives.Exp(weight, weight);
                    var dst = gradient.Slice(offset, inner);
                    TensorPrimitives.FusedMultiplyAdd(weight, g, dst, dst);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
