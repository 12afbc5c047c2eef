using System.Numerics.Tensors;
using Workbench.Kernels;

namespace Workbench.Tensors;

// Reductions over any set of axes (Sum, Mean, Var, Std, Amax, Amin). The reduced shape, with the
// reduced axes kept as size 1, broadcasts against the input; one BroadcastPlan between the two drives
// both the reduction (contiguous runs of the input summed or compared into the reduced tensor) and its
// backward (the reduced gradient expanded back over the runs). An empty axis list reduces every axis,
// as PyTorch 1.13 does for dim=[].
public sealed partial class Tensor
{
    /// <summary>Σ over <paramref name="axes"/> (<c>torch.sum(dim=axes)</c>): (B, C, H, W).Sum([0, 2, 3]) → (C).</summary>
    public Tensor Sum(int[] axes, bool keepDim = false) => SumOver(axes, keepDim, mean: false);

    /// <summary>Mean over <paramref name="axes"/> (NaN when they hold no element): (B, C, H, W).Mean([2, 3], keepDim: true) → (B, C, 1, 1).</summary>
    public Tensor Mean(int[] axes, bool keepDim = false) => SumOver(axes, keepDim, mean: true);

    /// <summary>
    /// Variance over <paramref name="axes"/>: Σ (x − mean)² / max(0, N − <paramref name="correction"/>), N the
    /// number of elements reduced (<c>torch.var(dim, correction=…)</c>; correction 1 is PyTorch's default
    /// <c>unbiased=True</c>, 0 is <c>unbiased=False</c>). d/dx = 2 (x − mean) / (N − correction).
    /// </summary>
    public Tensor Var(int[] axes, int correction = 1, bool keepDim = false)
    {
        var (kept, dims, count) = ReducedLayout(ReducedAxes(axes, "Var"), keepDim);
        var plan = BroadcastPlan.For(kept, Dims);
        var mean = Zeros(kept);
        var y = Zeros(dims);
        if (Size > 0)
        {
            Elementwise.AccumulateUnbroadcast(Storage, mean.Storage, plan, targetIsA: true);
            TensorPrimitives.Divide(mean.Storage, count, mean.Storage);
            AxesMoments.AccumulateSquaredDeviations(Storage, mean.Storage, y.Storage, plan);
        }
        else
        {
            mean.Fill(float.NaN);
        }
        float divisor = Math.Max(0, count - correction);
        TensorPrimitives.Divide(y.Storage, divisor, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Var", [x], g =>
        {
            var gx = x.GradStorage();
            if (x.Size > 0) AxesMoments.AccumulateVarianceGradient(g.Storage, x.Storage, mean.Storage, 2f / divisor, gx, plan);
        });
    }

    /// <summary>Variance along one axis; see <see cref="Var(int[], int, bool)"/>.</summary>
    public Tensor Var(int axis, int correction = 1, bool keepDim = false) => Var([axis], correction, keepDim);

    /// <summary>√<see cref="Var(int[], int, bool)"/> over <paramref name="axes"/> (<c>torch.std</c>, same correction rule).</summary>
    public Tensor Std(int[] axes, int correction = 1, bool keepDim = false) => Var(axes, correction, keepDim).Sqrt();

    /// <summary>Standard deviation along one axis; see <see cref="Std(int[], int, bool)"/>.</summary>
    public Tensor Std(int axis, int correction = 1, bool keepDim = false) => Std([axis], correction, keepDim);

    /// <summary>
    /// Maximum over <paramref name="axes"/> (<c>torch.amax</c>). The gradient is split evenly among the
    /// elements equal to the maximum, as in PyTorch (unlike <see cref="Max(int, bool)"/>, which picks the first).
    /// </summary>
    public Tensor Amax(int[] axes, bool keepDim = false) => ExtremeOver(axes, keepDim, maximum: true);

    /// <summary>Minimum over <paramref name="axes"/> (<c>torch.amin</c>); ties share the gradient evenly.</summary>
    public Tensor Amin(int[] axes, bool keepDim = false) => ExtremeOver(axes, keepDim, maximum: false);

    private Tensor SumOver(int[] axes, bool keepDim, bool mean)
    {
        var reduced = ReducedAxes(axes, mean ? "Mean" : "Sum");
        if (axes.Length == 1) return SumAlong(axes[0], keepDim, mean); // the one-axis kernel, bit for bit
        var (kept, dims, count) = ReducedLayout(reduced, keepDim);
        float scale = !mean ? 1f : count == 0 ? float.NaN : 1f / count;
        var plan = BroadcastPlan.For(kept, Dims);
        var y = Zeros(dims);
        if (Size > 0) Elementwise.AccumulateUnbroadcast(Storage, y.Storage, plan, targetIsA: true);
        if (scale != 1f) TensorPrimitives.Multiply(y.Storage, scale, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record(mean ? "MeanAxes" : "SumAxes", [x], g =>
        {
            var (gx, beta) = x.GradForUpdate();
            if (x.Size > 0) Expansion.Expand(g.Storage, scale, gx, plan, accumulate: beta != 0f);
        });
    }

    private Tensor ExtremeOver(int[] axes, bool keepDim, bool maximum)
    {
        string op = maximum ? "Amax" : "Amin";
        var (kept, dims, count) = ReducedLayout(ReducedAxes(axes, op), keepDim);
        if (count == 0)
            throw new ArgumentException($"{op}: the axes [{string.Join(", ", axes)}] of shape {ShapeText(Dims)} hold no element; the {(maximum ? "maximum" : "minimum")} is undefined.", nameof(axes));
        var plan = BroadcastPlan.For(kept, Dims);
        var y = Uninitialized(dims);
        if (Size > 0) AxesExtremes.Reduce(Storage, y.Storage, plan, maximum);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record(op, [x], g =>
        {
            var gx = x.GradStorage();
            if (x.Size > 0) AxesExtremes.AccumulateGradient(g.Storage, x.Storage, y.Storage, gx, plan);
        });
    }

    /// <summary>
    /// For the reduced axes flagged in <paramref name="reduced"/>: the shape with them kept as size 1, the
    /// result's shape (that, or without them), and the number of elements each result reduces.
    /// </summary>
    private (int[] Kept, int[] Dims, int Count) ReducedLayout(bool[] reduced, bool keepDim)
    {
        var kept = (int[])Dims.Clone();
        var dims = new List<int>(Rank);
        long count = 1;
        for (int d = 0; d < Rank; d++)
        {
            if (reduced[d])
            {
                count *= Dims[d];
                kept[d] = 1;
                if (keepDim) dims.Add(1);
            }
            else dims.Add(Dims[d]);
        }
        return (kept, dims.ToArray(), (int)count);
    }
}
