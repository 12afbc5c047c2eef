using Workbench.Kernels;

namespace Workbench.Tensors;

// Taking parts of a tensor along one axis: a contiguous range (Narrow, Slice), every step-th entry
// (Slice with a step), one entry with the axis removed (Select), or entries by index (IndexSelect).
// Each result is a copy; the backward rule adds the gradient back into the entries it came from, so a
// tensor sliced several times collects the gradients of all its slices.
public sealed partial class Tensor
{
    /// <summary>
    /// Entries <paramref name="start"/> .. start + <paramref name="length"/> − 1 of axis <paramref name="axis"/>
    /// (<c>torch.narrow</c>; a negative start counts from the end): (B, T, H).Narrow(1, t, 1) → (B, 1, H).
    /// </summary>
    public Tensor Narrow(int axis, int start, int length)
    {
        int a = RequireAxisToCut(axis, "Narrow");
        int n = Dims[a];
        if (start < -n || start > n)
            throw new ArgumentOutOfRangeException(nameof(start),
                $"Narrow: start {start} is out of range [{-n}, {n}] for axis {axis} of size {n} (shape {ShapeText(Dims)}).");
        if (start < 0) start += n;
        if (length < 0 || length > n - start)
            throw new ArgumentOutOfRangeException(nameof(length),
                $"Narrow: length {length} is out of range [0, {n - start}] for start {start} on axis {axis} of size {n} (shape {ShapeText(Dims)}).");
        var dims = (int[])Dims.Clone();
        dims[a] = length;
        return CopyRange(a, start, length, dims, "Narrow");
    }

    /// <summary>
    /// x[…, start:end:step, …] along <paramref name="axis"/>, with Python's slice rules as PyTorch applies
    /// them: null means the whole side, a negative bound counts from the end, and bounds beyond either
    /// end are clamped (so the result may be empty); <paramref name="step"/> must be positive.
    /// </summary>
    public Tensor Slice(int axis, int? start, int? end, int step = 1)
    {
        int a = RequireAxisToCut(axis, "Slice");
        if (step <= 0) throw new ArgumentOutOfRangeException(nameof(step), $"Slice: step {step} is out of range; it must be ≥ 1 (negative steps are not supported, as in PyTorch).");
        int n = Dims[a];
        int first = ClampBound(start ?? 0, n), stop = ClampBound(end ?? n, n);
        int count = stop > first ? (stop - first - 1) / step + 1 : 0;
        var dims = (int[])Dims.Clone();
        dims[a] = count;
        if (step == 1 || count <= 1) return CopyRange(a, first, count, dims, "Slice");
        var indices = new int[count];
        for (int k = 0; k < count; k++) indices[k] = first + k * step;
        return GatherAlong(a, indices, "Slice");
    }

    /// <summary>
    /// Entry <paramref name="index"/> of axis <paramref name="axis"/> with that axis removed
    /// (<c>torch.select</c>, i.e. x[:, index]; a negative index counts from the end): (B, T, H).Select(1, t) → (B, H).
    /// </summary>
    public Tensor Select(int axis, int index)
    {
        int a = RequireAxisToCut(axis, "Select");
        int n = Dims[a];
        if (index < -n || index >= n)
            throw new ArgumentOutOfRangeException(nameof(index),
                $"Select: index {index} is out of range [{-n}, {n - 1}] for axis {axis} of size {n} (shape {ShapeText(Dims)}).");
        if (index < 0) index += n;
        var dims = new int[Rank - 1];
        for (int d = 0, j = 0; d < Rank; d++) if (d != a) dims[j++] = Dims[d];
        return CopyRange(a, index, 1, dims, "Select");
    }

    /// <summary>
    /// The entries <paramref name="indices"/> of axis <paramref name="axis"/>, in that order
    /// (<c>torch.index_select</c>; indices in 0..n−1 and may repeat, their gradients then add up).
    /// </summary>
    public Tensor IndexSelect(int axis, ReadOnlySpan<int> indices)
    {
        int a = RequireAxisToCut(axis, "IndexSelect");
        int n = Dims[a];
        for (int r = 0; r < indices.Length; r++)
            if ((uint)indices[r] >= (uint)n)
                throw new ArgumentOutOfRangeException(nameof(indices),
                    $"IndexSelect: index {indices[r]} (position {r}) is out of range [0, {n - 1}] for axis {axis} of size {n} (shape {ShapeText(Dims)}).");
        return GatherAlong(a, indices.ToArray(), "IndexSelect");
    }

    /// <summary>Entries start .. start + count − 1 of axis <paramref name="a"/>, shaped as <paramref name="dims"/> (a view when that is everything).</summary>
    private Tensor CopyRange(int a, int start, int count, int[] dims, string op)
    {
        if (count == Dims[a]) return Reshape(dims);
        var (outer, n, inner) = SplitAround(Dims, a);
        int block = count * inner, offset = start * inner;
        var y = Uninitialized(dims);
        Slices.Extract(Storage, n * inner, offset, outer, block, y.Storage, accumulate: false);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record(op, [x], g => Slices.Insert(g.Storage, outer, block, x.GradStorage(), n * inner, offset, accumulate: true));
    }

    /// <summary>Entries <paramref name="indices"/> (checked) of axis <paramref name="a"/>; the gradient is scattered back, repeats adding up.</summary>
    private Tensor GatherAlong(int a, int[] indices, string op)
    {
        var (outer, n, inner) = SplitAround(Dims, a);
        var dims = (int[])Dims.Clone();
        dims[a] = indices.Length;
        var y = Uninitialized(dims);
        AxisIndexing.Gather(Storage, outer, n, inner, indices, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record(op, [x], g => AxisIndexing.ScatterAdd(g.Storage, outer, n, inner, indices, x.GradStorage()));
    }

    private int RequireAxisToCut(int axis, string op)
    {
        if (Rank == 0) throw new ArgumentException($"{op}: a rank-0 tensor has no axis to take entries from; reshape it to (1) first.");
        return CheckAxis(axis, Rank, op, Dims);
    }

    /// <summary>A Python slice bound: negative counts from the end, then clamped to 0..n.</summary>
    private static int ClampBound(int bound, int n)
    {
        long b = bound < 0 ? (long)bound + n : bound;
        return (int)Math.Clamp(b, 0, n);
    }
}
