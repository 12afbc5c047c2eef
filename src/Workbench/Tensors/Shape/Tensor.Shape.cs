using System.Numerics.Tensors;
using Workbench.Kernels;

namespace Workbench.Tensors;

// Shape ops: views (Reshape, Flatten) that share storage, and copies that move data between tensors
// (Transpose, Concat, Split, Chunk, GatherRows). Copies along an axis view each tensor as
// (outer, n, inner) around that axis, so every piece is `outer` contiguous blocks of n·inner elements.
public sealed partial class Tensor
{
    /// <summary>
    /// The same elements in row-major order with another shape: a view on the same storage (no copy).
    /// One dimension may be −1 and is then inferred from the others.
    /// </summary>
    public Tensor Reshape(params int[] shape)
    {
        var dims = ResolveShape(shape);
        var y = View(dims);
        if (!Tracks(this)) return y;
        var x = this;
        // Same layout: the gradient maps element for element.
        return y.Record("Reshape", [x], g => TensorPrimitives.Add(x.GradStorage(), g.Storage, x.GradStorage()));
    }

    /// <summary>Merges the dimensions from <paramref name="startAxis"/> to the last into one: (B, C, H, W) → (B, C·H·W) by default. A view.</summary>
    public Tensor Flatten(int startAxis = 1)
    {
        if (Rank == 0) return Reshape(1);
        int start = NormalizeAxis(startAxis, Rank);
        var shape = new int[start + 1];
        Array.Copy(Dims, shape, start);
        int merged = 1;
        for (int d = start; d < Rank; d++) merged *= Dims[d];
        shape[start] = merged;
        return Reshape(shape);
    }

    /// <summary>The transpose of a matrix, (R, C) → (C, R), as a new contiguous tensor.</summary>
    public Tensor Transpose()
    {
        RequireRank(2, "Transpose");
        int rows = Dims[0], cols = Dims[1];
        var y = Uninitialized([cols, rows]);
        Slices.Transpose(Storage, rows, cols, y.Storage, accumulate: false);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Transpose", [x], g => Slices.Transpose(g.Storage, cols, rows, x.GradStorage(), accumulate: true));
    }

    /// <summary>
    /// Joins tensors along <paramref name="axis"/>; all must have the same rank and the same size in
    /// every other dimension.
    /// </summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Concat needs at least one tensor.", nameof(tensors));
        var first = tensors[0];
        if (first.Rank == 0) throw new ArgumentException("Concat: rank-0 tensors have no axis to join along; reshape them to (1) first.");
        int a = NormalizeAxis(axis, first.Rank);
        var dims = (int[])first.Dims.Clone();
        dims[a] = 0;
        foreach (var t in tensors)
        {
            bool compatible = t.Rank == first.Rank;
            for (int d = 0; compatible && d < t.Rank; d++) compatible = d == a || t.Dims[d] == first.Dims[d];
            if (!compatible)
                throw new ArgumentException($"Concat along axis {axis}: shape {ShapeText(t.Dims)} does not match {ShapeText(first.Dims)} outside that axis.");
            dims[a] += t.Dims[a];
        }
        var (outer, _, inner) = SplitAround(dims, a);
        var inputs = tensors.ToArray();
        var blocks = new int[inputs.Length];
        for (int t = 0; t < inputs.Length; t++) blocks[t] = inputs[t].Dims[a] * inner;
        return Join("Concat", inputs, dims, outer, blocks);
    }

    /// <summary>Cuts this tensor along <paramref name="axis"/> into consecutive pieces of the given sizes (which must add up to that dimension).</summary>
    public Tensor[] Split(int[] sizes, int axis)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (Rank == 0) throw new ArgumentException("Split: a rank-0 tensor has no axis to split.");
        int a = NormalizeAxis(axis, Rank);
        long sum = 0;
        foreach (int s in sizes)
        {
            if (s < 0) throw new ArgumentException($"Split: negative size {s} in [{string.Join(", ", sizes)}].", nameof(sizes));
            sum += s;
        }
        if (sum != Dims[a])
            throw new ArgumentException($"Split: sizes [{string.Join(", ", sizes)}] add up to {sum}, but axis {axis} of shape {ShapeText(Dims)} has {Dims[a]}.", nameof(sizes));

        var (outer, n, inner) = SplitAround(Dims, a);
        var pieces = new Tensor[sizes.Length];
        int offset = 0;
        for (int p = 0; p < sizes.Length; p++)
        {
            var dims = (int[])Dims.Clone();
            dims[a] = sizes[p];
            var y = Uninitialized(dims);
            int block = sizes[p] * inner, start = offset * inner;
            Slices.Extract(Storage, n * inner, start, outer, block, y.Storage, accumulate: false);
            offset += sizes[p];
            if (Tracks(this))
            {
                var x = this;
                y.Record("Split", [x], g => Slices.Insert(g.Storage, outer, block, x.GradStorage(), n * inner, start, accumulate: true));
            }
            pieces[p] = y;
        }
        return pieces;
    }

    /// <summary>
    /// Splits along <paramref name="axis"/> into at most <paramref name="chunks"/> pieces of
    /// ⌈n / chunks⌉ elements, the last one smaller (as PyTorch's <c>chunk</c>: 5 into 3 gives 2, 2, 1;
    /// 6 into 4 gives three pieces of 2).
    /// </summary>
    public Tensor[] Chunk(int chunks, int axis)
    {
        if (chunks < 1) throw new ArgumentOutOfRangeException(nameof(chunks), $"Chunk: the number of chunks must be at least 1, got {chunks}.");
        if (Rank == 0) throw new ArgumentException("Chunk: a rank-0 tensor has no axis to split.");
        int n = Dims[NormalizeAxis(axis, Rank)];
        if (n == 0) return Split(new int[chunks], axis);
        int size = (n + chunks - 1) / chunks;
        int count = (n + size - 1) / size;
        var sizes = new int[count];
        for (int p = 0; p < count; p++) sizes[p] = Math.Min(size, n - p * size);
        return Split(sizes, axis);
    }

    /// <summary>
    /// Selects entries of dimension 0: result[r] = this[rows[r]], for a tensor of any rank ≥ 1.
    /// Indices may repeat (their gradients add up).
    /// </summary>
    public Tensor GatherRows(ReadOnlySpan<int> rows)
    {
        if (Rank == 0) throw new ArgumentException("GatherRows needs a tensor of rank ≥ 1, got a scalar.");
        int count = Dims[0];
        for (int r = 0; r < rows.Length; r++)
            if ((uint)rows[r] >= (uint)count)
                throw new ArgumentOutOfRangeException(nameof(rows), rows[r],
                    $"GatherRows: index {rows[r]} (position {r}) is out of range for dimension 0 of size {count} in shape {ShapeText(Dims)}.");
        int rowSize = count == 0 ? 0 : Size / count;
        var dims = (int[])Dims.Clone();
        dims[0] = rows.Length;
        var y = Uninitialized(dims);
        Slices.GatherRows(Storage, rowSize, rows, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        var indices = rows.ToArray();
        return y.Record("GatherRows", [x], g => Slices.ScatterAddRows(g.Storage, rowSize, indices, x.GradStorage()));
    }

    /// <summary>The shape with a −1 entry resolved; checks that the element count is unchanged.</summary>
    private int[] ResolveShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int inferred = -1;
        long known = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == -1)
            {
                if (inferred >= 0) throw new ArgumentException($"Reshape {ShapeText(shape)}: only one dimension may be −1.", nameof(shape));
                inferred = d;
            }
            else if (shape[d] < 0) throw new ArgumentException($"Reshape {ShapeText(shape)}: dimension {d} is negative.", nameof(shape));
            else known *= shape[d];
        }
        var dims = (int[])shape.Clone();
        if (inferred >= 0)
        {
            if (known == 0 || Size % known != 0)
                throw new ArgumentException($"Reshape {ShapeText(shape)}: cannot infer the −1 dimension for {Size} elements of shape {ShapeText(Dims)}.", nameof(shape));
            dims[inferred] = (int)(Size / known);
        }
        else if (known != Size)
        {
            throw new ArgumentException($"Reshape: shape {ShapeText(shape)} holds {known} elements, but the tensor of shape {ShapeText(Dims)} has {Size}.", nameof(shape));
        }
        return dims;
    }

    /// <summary>(product of dims before axis, dims[axis], product after axis).</summary>
    private static (int Outer, int N, int Inner) SplitAround(int[] dims, int axis)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= dims[d];
        for (int d = axis + 1; d < dims.Length; d++) inner *= dims[d];
        return (outer, dims[axis], inner);
    }
}
