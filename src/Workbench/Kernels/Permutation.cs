namespace Workbench.Kernels;

/// <summary>
/// Copies a row-major tensor into the layout of a permutation of its axes (PyTorch's <c>permute</c>
/// made contiguous). The permutation is first simplified: size-1 axes are dropped and axes that stay
/// neighbours in the same order are merged, so (B, T, H) → (T, B, H) becomes a copy of H-long runs and
/// (B, C, H, W) → (B, H, W, C) a batch of (C, H·W) transposes. When the last axis stays last, whole runs
/// are copied; otherwise the two axes that are contiguous on either side are transposed in square tiles
/// so both the reads and the writes stay within a few cache lines.
/// </summary>
internal static class Permutation
{
    private const int Tile = 32;

    /// <summary>
    /// destination (+)= source permuted: destination's axis i is source's axis <paramref name="axes"/>[i]
    /// (<paramref name="axes"/> is a permutation of 0..rank−1, already checked).
    /// </summary>
    public static void Permute(ReadOnlySpan<float> source, ReadOnlySpan<int> sourceDims, ReadOnlySpan<int> axes, Span<float> destination, bool accumulate)
    {
        int size = 1;
        foreach (int d in sourceDims) size *= d;
        if (size == 0) return;
        var (dims, order) = Simplify(sourceDims, axes);
        int rank = dims.Length;
        if (rank <= 1 || IsIdentity(order))
        {
            Copy(source[..size], destination[..size], accumulate);
            return;
        }

        // Source strides of the merged axes, and each source axis's stride in the destination.
        var sourceStride = new int[rank];
        var destinationStride = new int[rank];
        sourceStride[rank - 1] = 1;
        for (int d = rank - 2; d >= 0; d--) sourceStride[d] = sourceStride[d + 1] * dims[d + 1];
        for (int i = rank - 1, stride = 1; i >= 0; stride *= dims[order[i]], i--) destinationStride[order[i]] = stride;

        int rowAxis = order[rank - 1]; // the source axis that is contiguous in the destination
        if (rowAxis == rank - 1)
        {
            // The last axis stays last: copy runs of dims[last] in destination order.
            int run = dims[rank - 1];
            var loops = LoopAxes(dims, order, sourceStride, destinationStride, skipA: rank - 1, skipB: -1);
            var walk = new Odometer(loops);
            do Copy(source.Slice(walk.Source, run), destination.Slice(walk.Destination, run), accumulate);
            while (walk.Next());
            return;
        }

        // A batch of 2-D transposes: rows of the source's last axis become columns of the destination.
        int rows = dims[rowAxis], cols = dims[rank - 1];
        int rowStride = sourceStride[rowAxis], colStride = destinationStride[rank - 1];
        var others = LoopAxes(dims, order, sourceStride, destinationStride, skipA: rowAxis, skipB: rank - 1);
        var batch = new Odometer(others);
        do TransposeTiles(source, batch.Source, rowStride, destination, batch.Destination, colStride, rows, cols, accumulate);
        while (batch.Next());
    }

    /// <summary>destination[d + c·colStride + r] (+)= source[s + r·rowStride + c] for r &lt; rows, c &lt; cols, tile by tile.</summary>
    private static void TransposeTiles(ReadOnlySpan<float> source, int s, int rowStride, Span<float> destination, int d, int colStride,
        int rows, int cols, bool accumulate)
    {
        for (int r0 = 0; r0 < rows; r0 += Tile)
        {
            int r1 = Math.Min(r0 + Tile, rows);
            for (int c0 = 0; c0 < cols; c0 += Tile)
            {
                int c1 = Math.Min(c0 + Tile, cols);
                for (int r = r0; r < r1; r++)
                {
                    int from = s + r * rowStride, to = d + r;
                    if (accumulate)
                        for (int c = c0; c < c1; c++) destination[to + c * colStride] += source[from + c];
                    else
                        for (int c = c0; c < c1; c++) destination[to + c * colStride] = source[from + c];
                }
            }
        }
    }

    private static void Copy(ReadOnlySpan<float> source, Span<float> destination, bool accumulate)
    {
        if (accumulate) System.Numerics.Tensors.TensorPrimitives.Add(destination, source, destination);
        else source.CopyTo(destination);
    }

    /// <summary>
    /// The permutation with size-1 axes dropped and neighbouring axes that keep their order merged:
    /// the merged source dimensions and the destination order of the merged axes.
    /// </summary>
    private static (int[] Dims, int[] Order) Simplify(ReadOnlySpan<int> sourceDims, ReadOnlySpan<int> axes)
    {
        // Destination order of the source axes that are longer than 1.
        var kept = new List<int>();
        foreach (int a in axes) if (sourceDims[a] != 1) kept.Add(a);
        // Groups: maximal runs of consecutive source axes (a, a+1, …; size-1 axes between them are skipped).
        var groups = new List<(int First, int Last)>();
        foreach (int a in kept)
        {
            if (groups.Count > 0 && NextKept(sourceDims, groups[^1].Last) == a) groups[^1] = (groups[^1].First, a);
            else groups.Add((a, a));
        }
        // Merged source axes are the groups in source order.
        var bySource = Enumerable.Range(0, groups.Count).OrderBy(g => groups[g].First).ToArray();
        var dims = new int[groups.Count];
        var rankOfGroup = new int[groups.Count];
        for (int m = 0; m < bySource.Length; m++)
        {
            var (first, last) = groups[bySource[m]];
            int extent = 1;
            for (int a = first; a <= last; a++) extent *= sourceDims[a];
            dims[m] = extent;
            rankOfGroup[bySource[m]] = m;
        }
        return (dims, rankOfGroup);
    }

    private static int NextKept(ReadOnlySpan<int> dims, int axis)
    {
        for (int a = axis + 1; a < dims.Length; a++) if (dims[a] != 1) return a;
        return -1;
    }

    private static bool IsIdentity(int[] order)
    {
        for (int i = 0; i < order.Length; i++) if (order[i] != i) return false;
        return true;
    }

    /// <summary>The loop axes in destination order (outermost first), without the two handled by the inner loops.</summary>
    private static (int Extent, int SourceStride, int DestinationStride)[] LoopAxes(int[] dims, int[] order, int[] sourceStride,
        int[] destinationStride, int skipA, int skipB)
    {
        var loops = new List<(int, int, int)>();
        foreach (int a in order)
            if (a != skipA && a != skipB) loops.Add((dims[a], sourceStride[a], destinationStride[a]));
        return loops.ToArray();
    }

    /// <summary>Walks every index of the loop axes (the last fastest), tracking the source and destination offsets.</summary>
    private struct Odometer((int Extent, int SourceStride, int DestinationStride)[] loops)
    {
        private readonly int[] _index = new int[loops.Length];
        public int Source { get; private set; }
        public int Destination { get; private set; }

        /// <summary>Moves to the next index; false after the last.</summary>
        public bool Next()
        {
            for (int k = loops.Length - 1; k >= 0; k--)
            {
                var (extent, s, d) = loops[k];
                _index[k]++;
                Source += s;
                Destination += d;
                if (_index[k] < extent) return true;
                Source -= s * extent;
                Destination -= d * extent;
                _index[k] = 0;
            }
            return false;
        }
    }
}
