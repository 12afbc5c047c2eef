using Workbench.Kernels;

namespace Workbench.Tensors;

// Softmax and log-softmax along any axis (torch.softmax / torch.log_softmax), stable (the maximum is
// subtracted first); each backward reads the op's own output.
public sealed partial class Tensor
{
    /// <summary>
    /// softmax along <paramref name="axis"/> (negative counts from the end): exp(x − m) / Σ exp(x − m) with m
    /// the maximum along the axis, so the values along the axis are positive and sum to 1.
    /// d/dx: gx = y ⊙ (g − Σ g ⊙ y) along the axis.
    /// </summary>
    public Tensor Softmax(int axis)
    {
        var (outer, n, inner) = SoftmaxLayout(axis, "Softmax");
        var y = Uninitialized(Dims);
        SoftmaxKernels.Softmax(Storage, outer, n, inner, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Softmax", [x], g =>
        {
            var (gx, beta) = x.GradForUpdate();
            SoftmaxKernels.SoftmaxBackward(g.Storage, y.Storage, outer, n, inner, gx, overwrite: beta == 0f);
        });
    }

    /// <summary>
    /// log softmax along <paramref name="axis"/>: (x − m) − log Σ exp(x − m), finite for any finite x (no
    /// log of an underflowed softmax). d/dx: gx = g − exp(y) Σ g along the axis.
    /// </summary>
    public Tensor LogSoftmax(int axis)
    {
        var (outer, n, inner) = SoftmaxLayout(axis, "LogSoftmax");
        var y = Uninitialized(Dims);
        SoftmaxKernels.LogSoftmax(Storage, outer, n, inner, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("LogSoftmax", [x], g =>
        {
            var (gx, beta) = x.GradForUpdate();
            SoftmaxKernels.LogSoftmaxBackward(g.Storage, y.Storage, outer, n, inner, gx, overwrite: beta == 0f);
        });
    }

    /// <summary>This tensor as (outer, n, inner) around the axis; a scalar is one row of one element, as in PyTorch.</summary>
    private (int Outer, int N, int Inner) SoftmaxLayout(int axis, string op)
    {
        if (Rank == 0)
        {
            if (axis is 0 or -1) return (1, 1, 1);
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{op}: axis {axis} is out of range for a scalar (allowed: 0 or -1).");
        }
        if (axis < -Rank || axis >= Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{op}: axis {axis} is out of range for shape {ShapeText(Dims)} (allowed: {-Rank}..{Rank - 1}).");
        return SplitAround(Dims, axis < 0 ? axis + Rank : axis);
    }
}
