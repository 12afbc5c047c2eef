using System.Buffers;
using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>
/// Cross-entropy of softmax(logits) against class indices and its fused backward softmax − one-hot,
/// for logits viewed as (N, C, inner) (classes along the second axis, inner = d₁·d₂·… positions) and
/// one target per (n, i). Forward keeps, per position, the maximum m and log Σ exp(x − m) so the
/// backward recomputes the softmax without a second reduction. Positions whose target is the ignore
/// index get loss 0 and no gradient.
/// </summary>
internal static class CrossEntropyKernels
{
    /// <summary>
    /// loss[p] = (m − x[n, t, i]) + log Σ_c exp(x[n, c, i] − m) for p = n·inner + i (0 where ignored);
    /// shifts[p] = m and logSums[p] = the log-sum, kept for <see cref="Backward"/>.
    /// </summary>
    public static unsafe void Forward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int batch, int classes, int inner, int ignoreIndex,
        Span<float> loss, Span<float> shifts, Span<float> logSums)
    {
        if (classes == 0) return;
        if (inner == 1)
        {
            // Rows are independent: each is computed by the same code on whichever thread holds it (same bits on any thread count).
            fixed (float* x = logits, y = loss, m = shifts, s = logSums)
            fixed (int* t = targets)
                ParallelChunks.RunItems(new RowsForward(x, t, classes, ignoreIndex, y, m, s), batch, 2L * classes);
            return;
        }
        float[] rented = ArrayPool<float>.Shared.Rent(inner);
        try
        {
            var term = rented.AsSpan(0, inner);
            for (int n = 0; n < batch; n++)
            {
                var block = logits.Slice(n * classes * inner, classes * inner);
                var shift = shifts.Slice(n * inner, inner);
                var sums = logSums.Slice(n * inner, inner);
                SoftmaxKernels.ColumnMax(block, classes, inner, shift);
                sums.Clear();
                for (int c = 0; c < classes; c++)
                {
                    TensorPrimitives.Subtract(block.Slice(c * inner, inner), shift, term);
                    SoftmaxKernels.ExpOfShifted(term, term);
                    TensorPrimitives.Add(sums, term, sums);
                }
                TensorPrimitives.Log(sums, sums);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
        for (int p = 0; p < targets.Length; p++)
        {
            int t = targets[p];
            if (t == ignoreIndex) { loss[p] = 0f; continue; }
            int n = p / inner, i = p - n * inner;
            loss[p] = (shifts[p] - logits[(n * classes + t) * inner + i]) + logSums[p];
        }
    }

    /// <summary>Rows [start, start + length) of the (N, C) forward: shift, log-sum and loss of each row.</summary>
    private readonly unsafe struct RowsForward(float* logits, int* targets, int classes, int ignoreIndex, float* loss, float* shifts, float* logSums)
        : IChunkKernel
    {
        public void Run(int start, int length)
        {
            float[] rented = ArrayPool<float>.Shared.Rent(classes);
            try
            {
                var terms = rented.AsSpan(0, classes);
                for (int n = start; n < start + length; n++)
                {
                    var row = new ReadOnlySpan<float>(logits + (long)n * classes, classes);
                    float shift = TensorPrimitives.Max(row);
                    TensorPrimitives.Subtract(row, shift, terms);
                    SoftmaxKernels.ExpOfShifted(terms, terms);
                    shifts[n] = shift;
                    logSums[n] = MathF.Log(TensorPrimitives.Sum<float>(terms));
                    int t = targets[n];
                    loss[n] = t == ignoreIndex ? 0f : (shift - row[t]) + logSums[n];
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// gradient[n, c, i] += w[p] · (softmax(x)[n, c, i] − [c = t]) with the softmax rebuilt as
    /// exp((x − m) − log-sum) and w[p] = upstream weight of position p (0 where ignored).
    /// </summary>
    public static unsafe void Backward(UpstreamGradient upstream, ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int batch, int classes, int inner,
        int ignoreIndex, ReadOnlySpan<float> shifts, ReadOnlySpan<float> logSums, Span<float> gradient)
    {
        if (classes == 0) return;
        if (inner == 1)
        {
            // Each row's gradient is written by one part only: the same bits on any thread count.
            fixed (float* x = logits, m = shifts, s = logSums, dx = gradient)
            fixed (int* t = targets)
                ParallelChunks.RunItems(new RowsBackward(upstream, x, t, classes, ignoreIndex, m, s, dx), batch, 3L * classes);
            return;
        }
        float[] rented = ArrayPool<float>.Shared.Rent(2 * inner);
        try
        {
            var weights = rented.AsSpan(0, inner);
            var softmaxRow = rented.AsSpan(inner, inner);
            for (int n = 0; n < batch; n++)
            {
                for (int i = 0; i < inner; i++)
                {
                    int p = n * inner + i;
                    weights[i] = targets[p] == ignoreIndex ? 0f : upstream.At(p);
                }
                for (int c = 0; c < classes; c++)
                {
                    int start = (n * classes + c) * inner;
                    TensorPrimitives.Subtract(logits.Slice(start, inner), shifts.Slice(n * inner, inner), softmaxRow);
                    TensorPrimitives.Subtract(softmaxRow, logSums.Slice(n * inner, inner), softmaxRow);
                    SoftmaxKernels.ExpOfShifted(softmaxRow, softmaxRow);
                    var dst = gradient.Slice(start, inner);
                    TensorPrimitives.MultiplyAdd(softmaxRow, weights, dst, dst);
                }
                for (int i = 0; i < inner; i++)
                {
                    int t = targets[n * inner + i];
                    if (t != ignoreIndex) gradient[(n * classes + t) * inner + i] -= weights[i];
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>Rows [start, start + length) of the (N, C) backward: w·(softmax(x) − onehot(t)) added into each row's gradient.</summary>
    private readonly unsafe struct RowsBackward(UpstreamGradient upstream, float* logits, int* targets, int classes, int ignoreIndex,
        float* shifts, float* logSums, float* gradient) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            float[] rented = ArrayPool<float>.Shared.Rent(classes);
            try
            {
                var softmax = rented.AsSpan(0, classes);
                for (int n = start; n < start + length; n++)
                {
                    int t = targets[n];
                    if (t == ignoreIndex) continue;
                    float w = upstream.At(n);
                    TensorPrimitives.Subtract(new ReadOnlySpan<float>(logits + (long)n * classes, classes), shifts[n], softmax);
                    TensorPrimitives.Subtract(softmax, logSums[n], softmax);
                    SoftmaxKernels.ExpOfShifted(softmax, softmax);
                    var dst = new Span<float>(gradient + (long)n * classes, classes);
                    TensorPrimitives.MultiplyAdd(softmax, w, dst, dst);
                    dst[t] -= w;
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>loss[p] = −x[n, t, i] (0 where ignored): the negative log-likelihood of log-probabilities.</summary>
    public static void NllForward(ReadOnlySpan<float> logProbs, ReadOnlySpan<int> targets, int classes, int inner, int ignoreIndex, Span<float> loss)
    {
        for (int p = 0; p < targets.Length; p++)
        {
            int t = targets[p];
            int n = p / inner, i = p - n * inner;
            loss[p] = t == ignoreIndex ? 0f : -logProbs[(n * classes + t) * inner + i];
        }
    }

    /// <summary>gradient[n, t, i] −= w[p]: the backward of <see cref="NllForward"/>.</summary>
    public static void NllBackward(UpstreamGradient upstream, ReadOnlySpan<int> targets, int classes, int inner, int ignoreIndex, Span<float> gradient)
    {
        for (int p = 0; p < targets.Length; p++)
        {
            int t = targets[p];
            if (t == ignoreIndex) continue;
            int n = p / inner, i = p - n * inner;
            gradient[(n * classes + t) * inner + i] -= upstream.At(p);
        }
    }
}
