using Workbench.Kernels;

namespace Workbench.Tensors;

// Along one axis: the minimum (the counterpart of Max in Tensor.Reductions.cs), the positions of the
// maximum and minimum, and running sums.
public sealed partial class Tensor
{
    /// <summary>
    /// Minimum along <paramref name="axis"/> (<c>torch.min(dim).values</c>). The gradient goes to the
    /// position of the minimum only (the first one when several are equal), as in PyTorch; NaN propagates.
    /// </summary>
    public Tensor Min(int axis, bool keepDim = false)
    {
        CheckAxis(axis, Rank, "Min", Dims);
        var (outer, n, inner, dims) = AxisLayout(axis, keepDim);
        if (n == 0) throw new ArgumentException($"Min: axis {axis} of shape {ShapeText(Dims)} is empty; the minimum is undefined.", nameof(axis));
        var y = Uninitialized(dims);
        var argMin = new int[outer * inner];
        AxisIndexing.Min(Storage, outer, n, inner, y.Storage, argMin);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("MinAxis", [x], g => AxisReduction.AccumulateAtIndex(g.Storage, argMin, outer, n, inner, x.GradStorage()));
    }

    /// <summary>
    /// The index of the maximum along <paramref name="axis"/> for each position of the other axes, in
    /// row-major order of the reduced shape (<c>torch.argmax(dim)</c>, which returns int64; here plain
    /// ints). The first index wins on ties; a NaN counts as the maximum.
    /// </summary>
    public int[] ArgMax(int axis) => ArgExtreme(axis, maximum: true, "ArgMax");

    /// <summary>The index of the minimum along <paramref name="axis"/>, as <see cref="ArgMax(int)"/> (<c>torch.argmin(dim)</c>).</summary>
    public int[] ArgMin(int axis) => ArgExtreme(axis, maximum: false, "ArgMin");

    /// <summary>The row-major index of the largest element (<c>torch.argmax()</c>); the first on ties.</summary>
    public int ArgMax() => ArgExtreme(1, Size, 1, maximum: true, "ArgMax")[0];

    /// <summary>The row-major index of the smallest element (<c>torch.argmin()</c>); the first on ties.</summary>
    public int ArgMin() => ArgExtreme(1, Size, 1, maximum: false, "ArgMin")[0];

    /// <summary>
    /// Running sums along <paramref name="axis"/>: y[…, k, …] = Σ_{j ≤ k} x[…, j, …] (<c>torch.cumsum</c>).
    /// The gradient is the running sum of the upstream gradient taken from the end.
    /// </summary>
    public Tensor CumSum(int axis)
    {
        int a = CheckAxis(axis, Rank, "CumSum", Dims);
        var (outer, n, inner) = Rank == 0 ? (1, 1, 1) : SplitAround(Dims, a);
        var y = Uninitialized((int[])Dims.Clone());
        AxisIndexing.CumulativeSum(Storage, outer, n, inner, reverse: false, y.Storage, accumulate: false);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("CumSum", [x], g =>
        {
            var (gx, beta) = x.GradForUpdate();
            AxisIndexing.CumulativeSum(g.Storage, outer, n, inner, reverse: true, gx, accumulate: beta != 0f);
        });
    }

    private int[] ArgExtreme(int axis, bool maximum, string op)
    {
        CheckAxis(axis, Rank, op, Dims);
        var (outer, n, inner, _) = AxisLayout(axis, keepDim: false);
        return ArgExtreme(outer, n, inner, maximum, op);
    }

    /// <summary>The first index of the extreme along the middle axis of this tensor seen as (outer, n, inner).</summary>
    private int[] ArgExtreme(int outer, int n, int inner, bool maximum, string op)
    {
        if (n == 0) throw new ArgumentException($"{op}: the tensor of shape {ShapeText(Dims)} has no element along the axis searched; there is no extreme to point to.");
        var indices = new int[outer * inner];
        AxisIndexing.ArgExtreme(Storage, outer, n, inner, maximum, indices);
        return indices;
    }
}
