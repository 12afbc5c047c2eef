namespace Workbench.Tensors;

// Checking the axis arguments of the shape, slicing and reduction ops: each failure names the op, the
// value given and the range allowed, as PyTorch's dimension wrapping does.
public sealed partial class Tensor
{
    /// <summary>
    /// <paramref name="axis"/> in 0..rank−1 (negative counts from the end). <paramref name="rank"/> is the
    /// tensor's rank, or rank + 1 for ops that insert an axis (Unsqueeze, Stack); a scalar accepts −1 and 0.
    /// </summary>
    internal static int CheckAxis(int axis, int rank, string op, ReadOnlySpan<int> shape, string argument = "axis")
    {
        int span = Math.Max(rank, 1);
        if (axis < -span || axis >= span)
            throw new ArgumentOutOfRangeException(argument,
                $"{op}: axis {axis} is out of range [{-span}, {span - 1}] for a tensor of shape {ShapeText(shape)}.");
        return axis < 0 ? axis + span : axis;
    }

    /// <summary>
    /// Which axes <paramref name="axes"/> names (negative count from the end); an empty list names every
    /// axis, as PyTorch 1.13's reductions over <c>dim=[]</c>. A repeated axis is an error.
    /// </summary>
    private bool[] ReducedAxes(int[] axes, string op)
    {
        ArgumentNullException.ThrowIfNull(axes);
        var reduced = new bool[Rank];
        if (axes.Length == 0)
        {
            Array.Fill(reduced, true);
            return reduced;
        }
        foreach (int axis in axes)
        {
            int a = CheckAxis(axis, Rank, op, Dims, nameof(axes));
            if (Rank == 0) continue;
            if (reduced[a])
                throw new ArgumentException($"{op}: axis {axis} appears more than once in [{string.Join(", ", axes)}] (shape {ShapeText(Dims)}).", nameof(axes));
            reduced[a] = true;
        }
        return reduced;
    }
}
