using System.Buffers;
using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>
/// Softmax and log-softmax along one axis of a tensor viewed as (outer, n, inner), and their backward
/// rules. Every pass runs over contiguous memory with TensorPrimitives: along the last axis (inner = 1) a
/// row at a time, otherwise on whole inner-length rows. The maximum is subtracted first, so nothing
/// overflows (as PyTorch, a row whose maximum is ±∞ gives NaN).
/// </summary>
internal static class SoftmaxKernels
{
    /// <summary>y[o, k, i] = exp(x[o, k, i] − m) / Σₖ exp(x[o, k, i] − m), m the maximum over k.</summary>
    public static void Softmax(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> y)
    {
        if (n == 0) return;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var row = x.Slice(o * n, n);
                var dst = y.Slice(o * n, n);
                TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), dst);
                ExpOfShifted(dst, dst);
                TensorPrimitives.Multiply(dst, 1f / TensorPrimitives.Sum<float>(dst), dst);
            }
            return;
        }
        float[] rented = ArrayPool<float>.Shared.Rent(2 * inner);
        try
        {
            var shifts = rented.AsSpan(0, inner);
            var sums = rented.AsSpan(inner, inner);
            for (int o = 0; o < outer; o++)
            {
                var block = x.Slice(o * n * inner, n * inner);
                var dstBlock = y.Slice(o * n * inner, n * inner);
                ColumnMax(block, n, inner, shifts);
                sums.Clear();
                for (int k = 0; k < n; k++)
                {
                    var dst = dstBlock.Slice(k * inner, inner);
                    TensorPrimitives.Subtract(block.Slice(k * inner, inner), shifts, dst);
                    ExpOfShifted(dst, dst);
                    TensorPrimitives.Add(sums, dst, sums);
                }
                TensorPrimitives.Reciprocal(sums, sums);
                for (int k = 0; k < n; k++)
                {
                    var dst = dstBlock.Slice(k * inner, inner);
                    TensorPrimitives.Multiply(dst, sums, dst);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>y[o, k, i] = (x[o, k, i] − m) − log Σₖ exp(x[o, k, i] − m), m the maximum over k.</summary>
    public static void LogSoftmax(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> y)
    {
        if (n == 0) return;
        float[] rented = ArrayPool<float>.Shared.Rent(inner == 1 ? n : 3 * inner);
        try
        {
            if (inner == 1)
            {
                var terms = rented.AsSpan(0, n);
                for (int o = 0; o < outer; o++)
                {
                    var row = x.Slice(o * n, n);
                    var dst = y.Slice(o * n, n);
                    TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), dst);
                    ExpOfShifted(dst, terms);
                    TensorPrimitives.Subtract(dst, MathF.Log(TensorPrimitives.Sum<float>(terms)), dst);
                }
                return;
            }
            var shifts = rented.AsSpan(0, inner);
            var sums = rented.AsSpan(inner, inner);
            var term = rented.AsSpan(2 * inner, inner);
            for (int o = 0; o < outer; o++)
            {
                var block = x.Slice(o * n * inner, n * inner);
                var dstBlock = y.Slice(o * n * inner, n * inner);
                ColumnMax(block, n, inner, shifts);
                sums.Clear();
                for (int k = 0; k < n; k++)
                {
                    var dst = dstBlock.Slice(k * inner, inner);
                    TensorPrimitives.Subtract(block.Slice(k * inner, inner), shifts, dst);
                    ExpOfShifted(dst, term);
                    TensorPrimitives.Add(sums, term, sums);
                }
                TensorPrimitives.Log(sums, sums);
                for (int k = 0; k < n; k++)
                {
                    var dst = dstBlock.Slice(k * inner, inner);
                    TensorPrimitives.Subtract(dst, sums, dst);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// gradient (+)= y ⊙ (g − Σₖ g ⊙ y), the backward of <see cref="Softmax"/> from its output y; with
    /// <paramref name="overwrite"/> the old gradient is not read.
    /// </summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> upstream, ReadOnlySpan<float> y, int outer, int n, int inner, Span<float> gradient, bool overwrite)
    {
        if (n == 0) return;
        float[] rented = ArrayPool<float>.Shared.Rent(inner == 1 ? n : 2 * inner);
        try
        {
            if (inner == 1)
            {
                var centred = rented.AsSpan(0, n);
                for (int o = 0; o < outer; o++)
                {
                    var g = upstream.Slice(o * n, n);
                    var yRow = y.Slice(o * n, n);
                    TensorPrimitives.Subtract(g, TensorPrimitives.Dot(g, yRow), centred);
                    AddProduct(yRow, centred, gradient.Slice(o * n, n), overwrite);
                }
                return;
            }
            var dots = rented.AsSpan(0, inner);
            var centredRow = rented.AsSpan(inner, inner);
            for (int o = 0; o < outer; o++)
            {
                int start = o * n * inner;
                dots.Clear();
                for (int k = 0; k < n; k++)
                    TensorPrimitives.MultiplyAdd(upstream.Slice(start + k * inner, inner), y.Slice(start + k * inner, inner), dots, dots);
                for (int k = 0; k < n; k++)
                {
                    int offset = start + k * inner;
                    TensorPrimitives.Subtract(upstream.Slice(offset, inner), dots, centredRow);
                    AddProduct(y.Slice(offset, inner), centredRow, gradient.Slice(offset, inner), overwrite);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// gradient (+)= g − exp(y) ⊙ Σₖ g, the backward of <see cref="LogSoftmax"/> from its output y; with
    /// <paramref name="overwrite"/> the old gradient is not read.
    /// </summary>
    public static void LogSoftmaxBackward(ReadOnlySpan<float> upstream, ReadOnlySpan<float> y, int outer, int n, int inner, Span<float> gradient, bool overwrite)
    {
        if (n == 0) return;
        float[] rented = ArrayPool<float>.Shared.Rent(inner == 1 ? n : 2 * inner);
        try
        {
            if (inner == 1)
            {
                var term = rented.AsSpan(0, n);
                for (int o = 0; o < outer; o++)
                {
                    var g = upstream.Slice(o * n, n);
                    ExpOfShifted(y.Slice(o * n, n), term);
                    TensorPrimitives.MultiplyAdd(term, -TensorPrimitives.Sum(g), g, term);
                    AddTo(term, gradient.Slice(o * n, n), overwrite);
                }
                return;
            }
            var sums = rented.AsSpan(0, inner);
            var termRow = rented.AsSpan(inner, inner);
            for (int o = 0; o < outer; o++)
            {
                int start = o * n * inner;
                sums.Clear();
                for (int k = 0; k < n; k++) TensorPrimitives.Add(sums, upstream.Slice(start + k * inner, inner), sums);
                for (int k = 0; k < n; k++)
                {
                    int offset = start + k * inner;
                    ExpOfShifted(y.Slice(offset, inner), termRow);
                    TensorPrimitives.Multiply(termRow, sums, termRow);
                    TensorPrimitives.Subtract(upstream.Slice(offset, inner), termRow, termRow);
                    AddTo(termRow, gradient.Slice(offset, inner), overwrite);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// destination = e^values for values ≤ 0 (logits minus their maximum, log-probabilities): the eight-lane
    /// exp of <see cref="SmoothActivationMath.ExpOrZero"/>, several times cheaper than the general one.
    /// </summary>
    internal static void ExpOfShifted(ReadOnlySpan<float> values, Span<float> destination) =>
        VectorLoops.Map(values, destination, new ExpNonPositiveVector());

    /// <summary>shifts[i] = maxₖ block[k, i] over an (n, inner) block (n &gt; 0; a NaN propagates through TensorPrimitives.Max).</summary>
    internal static void ColumnMax(ReadOnlySpan<float> block, int n, int inner, Span<float> shifts)
    {
        block[..inner].CopyTo(shifts);
        for (int k = 1; k < n; k++) TensorPrimitives.Max(shifts, block.Slice(k * inner, inner), shifts);
    }

    private static void AddProduct(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> gradient, bool overwrite)
    {
        if (overwrite) TensorPrimitives.Multiply(a, b, gradient);
        else TensorPrimitives.MultiplyAdd(a, b, gradient, gradient);
    }

    private static void AddTo(ReadOnlySpan<float> values, Span<float> gradient, bool overwrite)
    {
        if (overwrite) values.CopyTo(gradient);
        else TensorPrimitives.Add(gradient, values, gradient);
    }
}
