using Workbench.Kernels;

namespace Workbench.Tensors;

// Joining tensors: Stack adds a new axis, Cat (= Concat) extends an existing one. Both lay each input
// out as `outer` blocks interleaved into the result's rows, so they share one copy loop and one
// backward rule (each input's blocks cut back out of the gradient).
public sealed partial class Tensor
{
    /// <summary>
    /// Joins tensors of one shape along a new axis <paramref name="axis"/> of the result (<c>torch.stack</c>;
    /// axis in −(rank+1)..rank): T tensors (B, H) stacked on axis 1 give (B, T, H).
    /// </summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Stack needs at least one tensor.", nameof(tensors));
        var first = tensors[0];
        int a = CheckAxis(axis, first.Rank + 1, "Stack", first.Dims);
        for (int t = 1; t < tensors.Count; t++)
            if (!tensors[t].Dims.AsSpan().SequenceEqual(first.Dims))
                throw new ArgumentException($"Stack: tensor {t} has shape {ShapeText(tensors[t].Dims)}, but tensor 0 has {ShapeText(first.Dims)}; all must have the same shape.", nameof(tensors));
        var dims = new int[first.Rank + 1];
        for (int d = 0, j = 0; d <= first.Rank; d++) dims[d] = d == a ? tensors.Count : first.Dims[j++];
        int outer = 1;
        for (int d = 0; d < a; d++) outer *= first.Dims[d];
        int block = outer == 0 ? 0 : first.Size / outer;
        var blocks = new int[tensors.Count];
        Array.Fill(blocks, block);
        return Join("Stack", tensors.ToArray(), dims, outer, blocks);
    }

    /// <summary><c>torch.cat</c>: the same as <see cref="Concat"/>.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int axis = 0) => Concat(tensors, axis);

    /// <summary>
    /// A tensor of shape <paramref name="dims"/> whose every one of <paramref name="outer"/> rows is input 0's
    /// next block of blocks[0] elements, then input 1's block of blocks[1], and so on.
    /// </summary>
    private static Tensor Join(string op, Tensor[] inputs, int[] dims, int outer, int[] blocks)
    {
        int stride = 0;
        foreach (int b in blocks) stride += b;
        var y = Uninitialized(dims);
        for (int t = 0, offset = 0; t < inputs.Length; offset += blocks[t], t++)
            Slices.Insert(inputs[t].Storage, outer, blocks[t], y.Storage, stride, offset, accumulate: false);
        if (!Tracks(inputs)) return y;
        return y.Record(op, inputs, g =>
        {
            for (int t = 0, start = 0; t < inputs.Length; start += blocks[t], t++)
                if (inputs[t].RequiresGrad) Slices.Extract(g.Storage, stride, start, outer, blocks[t], inputs[t].GradStorage(), accumulate: true);
        });
    }
}
