namespace Workbench.Tensors;

/// <summary>
/// Integer token ids in row-major order with a shape, e.g. a batch of sequences (B, T): the input of
/// <see cref="Tensor.Embedding"/>, in the place of PyTorch's LongTensor. The array is used as given, not copied, so a
/// data loader can refill one buffer step after step.
/// </summary>
public sealed class TokenIds
{
    private readonly int[] _shape;

    /// <summary>Wraps <paramref name="values"/> (row-major) as a tensor of ids of <paramref name="shape"/>.</summary>
    public TokenIds(int[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (shape.Length == 0) shape = [values.Length];
        int size = Tensor.CheckedSize(shape);
        if (size != values.Length)
            throw new ArgumentException($"{values.Length} token ids cannot fill shape {Tensor.ShapeText(shape)} ({size} elements).", nameof(values));
        Values = values;
        _shape = (int[])shape.Clone();
    }

    /// <summary>The ids, row-major.</summary>
    public int[] Values { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Number of ids.</summary>
    public int Count => Values.Length;

    internal int[] Dims => _shape;

    /// <summary>The multi-index of flat position <paramref name="flat"/>, as "(b, t)".</summary>
    internal string PositionText(int flat)
    {
        var index = new int[_shape.Length];
        for (int d = _shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % _shape[d];
            flat /= _shape[d];
        }
        return "(" + string.Join(", ", index) + ")";
    }
}
