using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels;

/// <summary>
/// Copies a row-major tensor into the layout of a permutation of its axes (PyTorch's <c>permute</c>
/// made contiguous). The permutation is first simplified: size-1 axes are dropped and axes that stay
/// neighbours in the same order are merged, so (B, T, H) → (T, B, H) becomes a copy of H-long runs and
/// (B, C, H, W) → (B, H, W, C) a batch of (C, H·W) transposes. When the last axis stays last, whole runs
/// are copied; otherwise the two axes that are contiguous on either side are transposed in blocks
/// (8 × 8 in AVX registers) so both the reads and the writes stay within a few cache lines.
/// </summary>
internal static unsafe class Permutation
{
    private const int Tile = 64; // columns per block: 8 source rows of 256 bytes, 64 destination rows of 32 bytes

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
            // The last axis stays last: copy runs of dims[last] in destination order, the innermost loop axis directly.
            int run = dims[rank - 1];
            var loops = LoopAxes(dims, order, sourceStride, destinationStride, skipA: rank - 1, skipB: -1);
            var (extent, sourceStep, destinationStep) = loops[^1];
            var walk = new Odometer(loops[..^1]);
            do
            {
                for (int k = 0; k < extent; k++)
                    Copy(source.Slice(walk.Source + k * sourceStep, run), destination.Slice(walk.Destination + k * destinationStep, run), accumulate);
            }
            while (walk.Next());
            return;
        }

        // A batch of 2-D transposes: rows of the source's last axis become columns of the destination.
        int rows = dims[rowAxis], cols = dims[rank - 1];
        int rowStride = sourceStride[rowAxis], colStride = destinationStride[rank - 1];
        var others = LoopAxes(dims, order, sourceStride, destinationStride, skipA: rowAxis, skipB: rank - 1);
        var batch = new Odometer(others);
        fixed (float* s = source, d = destination)
        {
            do Transpose(s + batch.Source, rowStride, d + batch.Destination, colStride, rows, cols, accumulate);
            while (batch.Next());
        }
    }

    /// <summary>
    /// d[c·colStride + r] (+)= s[r·rowStride + c] for r &lt; rows, c &lt; cols: blocks of <see cref="Tile"/>
    /// columns, swept by strips of 8 rows transposed 8 × 8 at a time in AVX registers where available.
    /// </summary>
    private static void Transpose(float* s, int rowStride, float* d, int colStride, int rows, int cols, bool accumulate)
    {
        for (int c0 = 0; c0 < cols; c0 += Tile)
        {
            int c1 = Math.Min(c0 + Tile, cols);
            int r = 0;
            if (Avx.IsSupported)
            {
                for (; r + 8 <= rows; r += 8)
                {
                    int c = c0;
                    for (; c + 8 <= c1; c += 8)
                        Transpose8x8(s + (long)r * rowStride + c, rowStride, d + (long)c * colStride + r, colStride, accumulate);
                    TransposeScalar(s, rowStride, d, colStride, r, r + 8, c, c1, accumulate);
                }
            }
            TransposeScalar(s, rowStride, d, colStride, r, rows, c0, c1, accumulate);
        }
    }

    private static void TransposeScalar(float* s, int rowStride, float* d, int colStride, int r0, int r1, int c0, int c1, bool accumulate)
    {
        for (int r = r0; r < r1; r++)
        {
            float* from = s + (long)r * rowStride;
            float* to = d + r;
            if (accumulate)
                for (int c = c0; c < c1; c++) to[(long)c * colStride] += from[c];
            else
                for (int c = c0; c < c1; c++) to[(long)c * colStride] = from[c];
        }
    }

    /// <summary>The 8 × 8 block at s (row stride <paramref name="rowStride"/>) transposed into d (row stride <paramref name="colStride"/>).</summary>
    private static void Transpose8x8(float* s, int rowStride, float* d, int colStride, bool accumulate)
    {
        Vector256<float> a = Avx.LoadVector256(s), b = Avx.LoadVector256(s + rowStride);
        Vector256<float> c = Avx.LoadVector256(s + 2 * rowStride), e = Avx.LoadVector256(s + 3 * rowStride);
        Vector256<float> f = Avx.LoadVector256(s + 4 * rowStride), g = Avx.LoadVector256(s + 5 * rowStride);
        Vector256<float> h = Avx.LoadVector256(s + 6 * rowStride), k = Avx.LoadVector256(s + 7 * rowStride);
        // Pairs of rows interleaved: (a0 b0 a1 b1 | a4 b4 a5 b5), (a2 b2 a3 b3 | a6 b6 a7 b7), …
        var t0 = Avx.UnpackLow(a, b); var t1 = Avx.UnpackHigh(a, b);
        var t2 = Avx.UnpackLow(c, e); var t3 = Avx.UnpackHigh(c, e);
        var t4 = Avx.UnpackLow(f, g); var t5 = Avx.UnpackHigh(f, g);
        var t6 = Avx.UnpackLow(h, k); var t7 = Avx.UnpackHigh(h, k);
        // Quarter columns: u0 = (a0 b0 c0 e0 | a4 b4 c4 e4), u1 = (a1 … | a5 …), …; u4–u7 the same for rows f–k.
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        // Columns 0–3 join the low halves, columns 4–7 the high halves.
        Store(d, Avx.Permute2x128(u0, u4, 0x20), accumulate);
        Store(d + colStride, Avx.Permute2x128(u1, u5, 0x20), accumulate);
        Store(d + 2 * colStride, Avx.Permute2x128(u2, u6, 0x20), accumulate);
        Store(d + 3 * colStride, Avx.Permute2x128(u3, u7, 0x20), accumulate);
        Store(d + 4 * colStride, Avx.Permute2x128(u0, u4, 0x31), accumulate);
        Store(d + 5 * colStride, Avx.Permute2x128(u1, u5, 0x31), accumulate);
        Store(d + 6 * colStride, Avx.Permute2x128(u2, u6, 0x31), accumulate);
        Store(d + 7 * colStride, Avx.Permute2x128(u3, u7, 0x31), accumulate);
    }

    private static void Store(float* d, Vector256<float> column, bool accumulate) =>
        Avx.Store(d, accumulate ? Avx.Add(Avx.LoadVector256(d), column) : column);

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
