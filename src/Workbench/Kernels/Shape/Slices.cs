using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>
/// Copies between a tensor seen as (outer, n, inner) and a slab of it along the middle axis:
/// the loops behind concatenation, splitting and row gathering.
/// </summary>
internal static unsafe class Slices
{
    /// <summary>
    /// Every row of the (<paramref name="rows"/>, row.Length) <paramref name="destination"/> set to <paramref name="row"/>
    /// (a Linear layer's bias broadcast before its GEMM adds x·Wᵀ), rows split over the worker threads.
    /// </summary>
    public static void RepeatRow(ReadOnlySpan<float> row, int rows, Span<float> destination)
    {
        if (destination.Length != (long)rows * row.Length)
            throw new ArgumentException($"RepeatRow: {rows} rows of {row.Length} need {(long)rows * row.Length} elements, got {destination.Length}.");
        fixed (float* r = row, d = destination)
            ParallelChunks.RunItems(new RepeatRows(r, row.Length, d), rows, row.Length);
    }

    private readonly struct RepeatRows(float* row, int width, float* destination) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            var source = new ReadOnlySpan<float>(row, width);
            for (int r = start; r < start + length; r++) source.CopyTo(new Span<float>(destination + (long)r * width, width));
        }
    }

    /// <summary>
    /// For each of <paramref name="outer"/> blocks, destination[o·stride + offset ..][..block] is set to
    /// (or, when <paramref name="accumulate"/>, increased by) source[o·block ..][..block].
    /// </summary>
    public static void Insert(ReadOnlySpan<float> source, int outer, int block, Span<float> destination, int stride, int offset, bool accumulate)
    {
        for (int o = 0; o < outer; o++)
        {
            var src = source.Slice(o * block, block);
            var dst = destination.Slice(o * stride + offset, block);
            if (accumulate) TensorPrimitives.Add(dst, src, dst);
            else src.CopyTo(dst);
        }
    }

    /// <summary>
    /// For each of <paramref name="outer"/> blocks, destination[o·block ..][..block] is set to (or
    /// increased by) source[o·stride + offset ..][..block]: the inverse of <see cref="Insert"/>.
    /// </summary>
    public static void Extract(ReadOnlySpan<float> source, int stride, int offset, int outer, int block, Span<float> destination, bool accumulate)
    {
        for (int o = 0; o < outer; o++)
        {
            var src = source.Slice(o * stride + offset, block);
            var dst = destination.Slice(o * block, block);
            if (accumulate) TensorPrimitives.Add(dst, src, dst);
            else src.CopyTo(dst);
        }
    }

    /// <summary>destination row r = source row rows[r], rows of <paramref name="rowSize"/> elements (indices already checked).</summary>
    public static void GatherRows(ReadOnlySpan<float> source, int rowSize, ReadOnlySpan<int> rows, Span<float> destination)
    {
        for (int r = 0; r < rows.Length; r++)
            source.Slice(rows[r] * rowSize, rowSize).CopyTo(destination.Slice(r * rowSize, rowSize));
    }

    /// <summary>destination row rows[r] += source row r; repeated indices add up.</summary>
    public static void ScatterAddRows(ReadOnlySpan<float> source, int rowSize, ReadOnlySpan<int> rows, Span<float> destination)
    {
        for (int r = 0; r < rows.Length; r++)
        {
            var dst = destination.Slice(rows[r] * rowSize, rowSize);
            TensorPrimitives.Add(dst, source.Slice(r * rowSize, rowSize), dst);
        }
    }

    /// <summary>
    /// destination (cols × rows) = sourceᵀ, or += when <paramref name="accumulate"/>. Works in square
    /// tiles so both the reads and the writes stay within a few cache lines.
    /// </summary>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination, bool accumulate)
    {
        const int Tile = 32;
        for (int r0 = 0; r0 < rows; r0 += Tile)
        {
            int r1 = Math.Min(r0 + Tile, rows);
            for (int c0 = 0; c0 < cols; c0 += Tile)
            {
                int c1 = Math.Min(c0 + Tile, cols);
                for (int r = r0; r < r1; r++)
                    for (int c = c0; c < c1; c++)
                    {
                        if (accumulate) destination[c * rows + r] += source[r * cols + c];
                        else destination[c * rows + r] = source[r * cols + c];
                    }
            }
        }
    }
}
