using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>
/// The geometry of a 1-D convolution: a (C, L) signal zero-padded by <see cref="Padding"/> at both ends, a kernel
/// of <see cref="Kernel"/> taps <see cref="Dilation"/> apart moved by <see cref="Stride"/>, giving
/// OutLength = ⌊(L + 2p − d·(k − 1) − 1)/s⌋ + 1 window positions.
/// </summary>
internal readonly record struct Conv1dGeometry(int Channels, int Length, int Kernel, int Stride, int Padding, int Dilation, int OutLength)
    : IColumnUnfolding
{
    public int PatchSize => Channels * Kernel;
    public int Positions => OutLength;
    public int ImageSize => Channels * Length;

    public void UnfoldBatch(ReadOnlySpan<float> images, int count, Span<float> columns) => Im2Col1d.UnfoldBatch(this, images, count, columns);

    public void FoldBatch(ReadOnlySpan<float> columns, int count, Span<float> images, bool accumulate) =>
        Im2Col1d.FoldBatch(this, columns, count, images, accumulate);

    public bool TryPackTransposed(ReadOnlySpan<float> images, int count, Gemm.PackedMatrix packed) => false;

    /// <summary>The positions o in [lo, hi) whose tap <paramref name="j"/> reads inside the signal: 0 ≤ o·s − p + j·d &lt; L.</summary>
    public (int Lo, int Hi) ValidRange(int j)
    {
        int offset = j * Dilation - Padding;                         // index = o·s + offset
        int lo = offset >= 0 ? 0 : (-offset + Stride - 1) / Stride;
        int hi = Length - offset <= 0 ? 0 : (Length - offset - 1) / Stride + 1;
        lo = Math.Min(lo, OutLength);
        return (lo, Math.Clamp(hi, lo, OutLength));
    }
}

/// <summary>
/// im2col for 1-D signals and its adjoint: the column matrix of <c>count</c> signals is (C·k, count·Lo),
/// row c·k + j, column n·Lo + o holding x[n, c, o·s − p + j·d] (zero in the padding). Signals are split over
/// the kernel worker threads by whole signals; each value is summed in the same order on any thread.
/// </summary>
internal static unsafe class Im2Col1d
{
    /// <summary>Writes the column matrix (C·k, count·Lo) of <paramref name="count"/> signals (count, C, L).</summary>
    public static void UnfoldBatch(in Conv1dGeometry g, ReadOnlySpan<float> signals, int count, Span<float> columns)
    {
        Require(g, signals.Length, columns.Length, count);
        fixed (float* x = signals, c = columns)
            ParallelChunks.RunItems(new Unfold(g, x, c, count), count, (long)g.PatchSize * g.OutLength);
    }

    /// <summary>
    /// The adjoint of <see cref="UnfoldBatch"/>: signals[n, c, o·s − p + j·d] += columns[c·k + j, n·Lo + o]; unless
    /// <paramref name="accumulate"/> the signals are cleared first. Taps add in order j = 0, 1, …
    /// </summary>
    public static void FoldBatch(in Conv1dGeometry g, ReadOnlySpan<float> columns, int count, Span<float> signals, bool accumulate)
    {
        Require(g, signals.Length, columns.Length, count);
        fixed (float* x = signals, c = columns)
            ParallelChunks.RunItems(new Fold(g, c, x, count, accumulate), count, (long)g.PatchSize * g.OutLength);
    }

    private static void Require(in Conv1dGeometry g, int signalsLength, int columnsLength, int count)
    {
        if (signalsLength != count * g.ImageSize || columnsLength != count * g.PatchSize * g.OutLength)
            throw new ArgumentException($"Im2Col1d: {count} signals need {count * g.ImageSize} values and {count * g.PatchSize * g.OutLength} column entries, got {signalsLength} and {columnsLength}.");
    }

    private readonly struct Unfold(Conv1dGeometry g, float* signals, float* columns, int count) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            long ld = (long)count * g.OutLength;
            for (int n = start; n < start + length; n++)
                for (int c = 0; c < g.Channels; c++)
                {
                    float* signal = signals + (long)n * g.ImageSize + (long)c * g.Length;
                    for (int j = 0; j < g.Kernel; j++)
                    {
                        float* line = columns + (c * g.Kernel + j) * ld + (long)n * g.OutLength;
                        var (lo, hi) = g.ValidRange(j);
                        new Span<float>(line, lo).Clear();
                        new Span<float>(line + hi, g.OutLength - hi).Clear();
                        float* source = signal + (lo * g.Stride - g.Padding + j * g.Dilation);
                        if (g.Stride == 1) new ReadOnlySpan<float>(source, hi - lo).CopyTo(new Span<float>(line + lo, hi - lo));
                        else for (int o = lo; o < hi; o++, source += g.Stride) line[o] = *source;
                    }
                }
        }
    }

    private readonly struct Fold(Conv1dGeometry g, float* columns, float* signals, int count, bool accumulate) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            long ld = (long)count * g.OutLength;
            for (int n = start; n < start + length; n++)
                for (int c = 0; c < g.Channels; c++)
                {
                    float* signal = signals + (long)n * g.ImageSize + (long)c * g.Length;
                    if (!accumulate) new Span<float>(signal, g.Length).Clear();
                    for (int j = 0; j < g.Kernel; j++)
                    {
                        float* line = columns + (c * g.Kernel + j) * ld + (long)n * g.OutLength;
                        var (lo, hi) = g.ValidRange(j);
                        float* target = signal + (lo * g.Stride - g.Padding + j * g.Dilation);
                        if (g.Stride == 1)
                        {
                            var span = new Span<float>(target, hi - lo);
                            TensorPrimitives.Add(span, new ReadOnlySpan<float>(line + lo, hi - lo), span);
                        }
                        else for (int o = lo; o < hi; o++, target += g.Stride) *target += line[o];
                    }
                }
        }
    }
}
