using System.Numerics.Tensors;
using Workbench.Kernels;

namespace Workbench.Tensors;

// Reductions over all elements or along one axis. An axis reduction views the tensor as
// (outer, n, inner) around the reduced axis; the kernels in Kernels/AxisReduction.cs do the loops.
public sealed partial class Tensor
{
    /// <summary>Σ of all elements, as a rank-0 tensor.</summary>
    public Tensor Sum()
    {
        var y = Uninitialized([]);
        y.Storage[0] = TensorPrimitives.Sum(Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Sum", [x], g => TensorPrimitives.Add(x.GradStorage(), g.Storage[0], x.GradStorage()));
    }

    /// <summary>Mean of all elements, as a rank-0 tensor.</summary>
    public Tensor Mean()
    {
        var y = Uninitialized([]);
        float scale = Size == 0 ? float.NaN : 1f / Size;
        y.Storage[0] = TensorPrimitives.Sum(Storage) * scale;
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Mean", [x], g => TensorPrimitives.Add(x.GradStorage(), g.Storage[0] * scale, x.GradStorage()));
    }

    /// <summary>Σ along <paramref name="axis"/> (negative counts from the end); the axis is removed, or kept with size 1.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => SumAlong(axis, keepDim, mean: false);

    /// <summary>Mean along <paramref name="axis"/> (NaN for an empty axis); the axis is removed, or kept with size 1.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => SumAlong(axis, keepDim, mean: true);

    private Tensor SumAlong(int axis, bool keepDim, bool mean)
    {
        var (outer, n, inner, dims) = AxisLayout(axis, keepDim);
        float scale = !mean ? 1f : n == 0 ? float.NaN : 1f / n;
        var y = Uninitialized(dims);
        AxisReduction.Sum(Storage, outer, n, inner, scale, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record(mean ? "MeanAxis" : "SumAxis", [x], g =>
        {
            var (gx, beta) = x.GradForUpdate();
            AxisReduction.AccumulateBroadcast(g.Storage, outer, n, inner, scale, gx, overwrite: beta == 0f);
        });
    }

    /// <summary>
    /// log Σ exp along <paramref name="axis"/>, computed stably as m + log Σ exp(x − m) with m the
    /// maximum (no overflow for large x, no −∞ for very negative x). d/dx = softmax along the axis.
    /// </summary>
    public Tensor LogSumExp(int axis, bool keepDim = false)
    {
        var (outer, n, inner, dims) = AxisLayout(axis, keepDim);
        var y = Uninitialized(dims);
        AxisReduction.LogSumExp(Storage, outer, n, inner, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("LogSumExp", [x],
            g => AxisReduction.AccumulateLogSumExpGradient(g.Storage, x.Storage, y.Storage, outer, n, inner, x.GradStorage()));
    }

    /// <summary>
    /// Maximum along <paramref name="axis"/>. The gradient goes to the position of the maximum only
    /// (the first one when several are equal), as in PyTorch's <c>max(dim)</c>.
    /// </summary>
    public Tensor Max(int axis, bool keepDim = false)
    {
        var (outer, n, inner, dims) = AxisLayout(axis, keepDim);
        if (n == 0) throw new ArgumentException($"Max: axis {axis} of shape {ShapeText(Dims)} is empty; the maximum is undefined.");
        var y = Uninitialized(dims);
        var argMax = new int[outer * inner];
        AxisReduction.Max(Storage, outer, n, inner, y.Storage, argMax);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("MaxAxis", [x], g => AxisReduction.AccumulateAtIndex(g.Storage, argMax, outer, n, inner, x.GradStorage()));
    }

    /// <summary>This tensor seen as (outer, n, inner) around <paramref name="axis"/>, and the reduced shape.</summary>
    private (int Outer, int N, int Inner, int[] ReducedDims) AxisLayout(int axis, bool keepDim)
    {
        if (Rank == 0 && axis is 0 or -1) return (1, 1, 1, []); // a scalar reduces to itself, as in PyTorch
        int a = NormalizeAxis(axis, Rank);
        var (outer, n, inner) = SplitAround(Dims, a);
        int[] reduced;
        if (keepDim)
        {
            reduced = (int[])Dims.Clone();
            reduced[a] = 1;
        }
        else
        {
            reduced = new int[Rank - 1];
            for (int d = 0, j = 0; d < Rank; d++) if (d != a) reduced[j++] = Dims[d];
        }
        return (outer, n, inner, reduced);
    }
}
