using Workbench.Kernels;

namespace Workbench.Tensors;

// N-d axis rearrangements: Permute and Transpose(dim0, dim1) copy into the new layout; Unsqueeze and
// Squeeze add or drop a size-1 axis as views; Expand/BroadcastTo and Repeat copy along broadcast axes.
// PyTorch returns strided views for all of these; here every tensor is contiguous, so those that move
// data make a copy, and the backward rule of each is the inverse rearrangement (or the sum over copies).
public sealed partial class Tensor
{
    /// <summary>
    /// The tensor with its axes reordered: result axis i is this tensor's axis <paramref name="axes"/>[i]
    /// (<c>torch.permute</c>), e.g. (B, T, H).Permute(1, 0, 2) → (T, B, H). Negative axes count from the
    /// end. A contiguous copy (a view when only size-1 axes move). Backward: the gradient permuted back.
    /// </summary>
    public Tensor Permute(params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length != Rank)
            throw new ArgumentException(
                $"Permute: [{string.Join(", ", axes)}] names {axes.Length} axes, but the tensor of shape {ShapeText(Dims)} has {Rank}; name each of 0..{Rank - 1} once.",
                nameof(axes));
        var order = new int[Rank];
        var seen = new bool[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int a = CheckAxis(axes[i], Rank, "Permute", Dims, nameof(axes));
            if (seen[a])
                throw new ArgumentException($"Permute: axis {axes[i]} appears more than once in [{string.Join(", ", axes)}]; name each of 0..{Rank - 1} once.", nameof(axes));
            seen[a] = true;
            order[i] = a;
        }
        var dims = new int[Rank];
        for (int i = 0; i < Rank; i++) dims[i] = Dims[order[i]];
        if (KeepsLayout(order)) return Reshape(dims);

        var y = Uninitialized(dims);
        Permutation.Permute(Storage, Dims, order, y.Storage, accumulate: false);
        if (!Tracks(this)) return y;
        var x = this;
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++) inverse[order[i]] = i;
        return y.Record("Permute", [x], g =>
        {
            var (gx, beta) = x.GradForUpdate();
            Permutation.Permute(g.Storage, dims, inverse, gx, accumulate: beta != 0f);
        });
    }

    /// <summary>
    /// The tensor with axes <paramref name="dim0"/> and <paramref name="dim1"/> swapped (<c>torch.transpose</c>),
    /// e.g. (B, T, H).Transpose(0, 1) → (T, B, H). A contiguous copy; see <see cref="Permute"/>.
    /// </summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int a = CheckAxis(dim0, Rank, "Transpose", Dims, nameof(dim0));
        int b = CheckAxis(dim1, Rank, "Transpose", Dims, nameof(dim1));
        if (Rank == 0) return Permute();
        var axes = new int[Rank];
        for (int i = 0; i < Rank; i++) axes[i] = i;
        (axes[a], axes[b]) = (axes[b], axes[a]);
        return Permute(axes);
    }

    /// <summary>
    /// A view with a size-1 axis inserted at position <paramref name="axis"/> of the result
    /// (<c>torch.unsqueeze</c>; axis in −(rank+1)..rank): (B, H).Unsqueeze(1) → (B, 1, H).
    /// </summary>
    public Tensor Unsqueeze(int axis)
    {
        int a = CheckAxis(axis, Rank + 1, "Unsqueeze", Dims);
        var dims = new int[Rank + 1];
        for (int d = 0, j = 0; d <= Rank; d++) dims[d] = d == a ? 1 : Dims[j++];
        return Reshape(dims);
    }

    /// <summary>
    /// A view without axis <paramref name="axis"/> if it has size 1 (<c>torch.squeeze(dim)</c>); an axis
    /// of another size is left in place, as in PyTorch.
    /// </summary>
    public Tensor Squeeze(int axis)
    {
        int a = CheckAxis(axis, Rank, "Squeeze", Dims);
        if (Rank == 0 || Dims[a] != 1) return Reshape(Dims);
        var dims = new int[Rank - 1];
        for (int d = 0, j = 0; d < Rank; d++) if (d != a) dims[j++] = Dims[d];
        return Reshape(dims);
    }

    /// <summary>A view without any of the size-1 axes (<c>torch.squeeze()</c>).</summary>
    public Tensor Squeeze() => Reshape(Dims.Where(d => d != 1).ToArray());

    /// <summary>
    /// This tensor repeated along its size-1 axes (and along new leading axes) to <paramref name="shape"/>
    /// (<c>torch.Tensor.expand</c>): (B, 1, H).Expand(B, T, H), or (H).Expand(B, H). −1 keeps an existing
    /// dimension's size. A contiguous copy; backward sums the gradient over the expanded axes.
    /// </summary>
    public Tensor Expand(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length < Rank)
            throw new ArgumentException(
                $"Expand: the target shape {ShapeText(shape)} has {shape.Length} dimensions, fewer than the {Rank} of the tensor's shape {ShapeText(Dims)}.",
                nameof(shape));
        int lead = shape.Length - Rank;
        var dims = new int[shape.Length];
        for (int d = 0; d < shape.Length; d++)
        {
            int own = d >= lead ? Dims[d - lead] : 1;
            if (shape[d] == -1 && d >= lead) dims[d] = own;
            else if (shape[d] < 0)
                throw new ArgumentException($"Expand: size {shape[d]} at dimension {d} of {ShapeText(shape)} is not allowed (sizes are ≥ 0, or −1 to keep an existing dimension).", nameof(shape));
            else if (own != 1 && own != shape[d])
                throw new ArgumentException($"Expand: dimension {d - lead} of shape {ShapeText(Dims)} has size {own} and cannot become {shape[d]} (target {ShapeText(shape)}); only size-1 dimensions expand.", nameof(shape));
            else dims[d] = shape[d];
        }
        if (dims.Length == Rank && dims.AsSpan().SequenceEqual(Dims)) return Reshape(dims);

        var y = Uninitialized(dims);
        var plan = y.Size == 0 ? null : BroadcastPlan.For(Dims, dims);
        if (plan is not null) Expansion.Expand(Storage, 1f, y.Storage, plan, accumulate: false);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Expand", [x], g =>
        {
            var gx = x.GradStorage();
            if (plan is not null) Elementwise.AccumulateUnbroadcast(g.Storage, gx, plan, targetIsA: true);
        });
    }

    /// <summary>This tensor broadcast to <paramref name="shape"/> (<c>torch.broadcast_to</c>): the same as <see cref="Expand"/>.</summary>
    public Tensor BroadcastTo(params int[] shape) => Expand(shape);

    /// <summary>
    /// The tensor tiled <paramref name="repeats"/>[d] times along each dimension (<c>torch.Tensor.repeat</c>;
    /// extra leading counts add new dimensions): (2, 3).Repeat(2, 1) → (4, 3) holding the rows twice.
    /// </summary>
    public Tensor Repeat(params int[] repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        if (repeats.Length < Rank)
            throw new ArgumentException(
                $"Repeat: {repeats.Length} repeat counts [{string.Join(", ", repeats)}] for a tensor of shape {ShapeText(Dims)}; give at least one per dimension ({Rank}).",
                nameof(repeats));
        int lead = repeats.Length - Rank;
        // (d0, d1, …) seen as (1, d0, 1, d1, …), expanded to (r0, d0, r1, d1, …), then merged to (r0·d0, r1·d1, …).
        var interleaved = new int[2 * repeats.Length];
        var expanded = new int[2 * repeats.Length];
        var result = new int[repeats.Length];
        for (int d = 0; d < repeats.Length; d++)
        {
            if (repeats[d] < 0)
                throw new ArgumentException($"Repeat: count {repeats[d]} at position {d} of [{string.Join(", ", repeats)}] is negative; counts are ≥ 0.", nameof(repeats));
            int own = d >= lead ? Dims[d - lead] : 1;
            (interleaved[2 * d], interleaved[2 * d + 1]) = (1, own);
            (expanded[2 * d], expanded[2 * d + 1]) = (repeats[d], own);
            result[d] = repeats[d] * own;
        }
        return Reshape(interleaved).Expand(expanded).Reshape(result);
    }

    /// <summary>True when the axes longer than 1 keep their order, so the permuted tensor has the same memory layout.</summary>
    private bool KeepsLayout(int[] order)
    {
        int last = -1;
        foreach (int a in order)
        {
            if (Dims[a] == 1) continue;
            if (a < last) return false;
            last = a;
        }
        return true;
    }
}
