using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// Splits every axis after the batch axis into <see cref="Shape"/>: (N, F) → (N, shape…), the inverse of
/// <see cref="Flatten"/> (PyTorch's <c>nn.Unflatten(1, shape)</c>). One entry may be −1 (inferred). A view: no copy.
/// </summary>
public sealed class Unflatten : Module<Tensor, Tensor>
{
    private readonly int[] _shape;

    public Unflatten(params int[] shape)
    {
        if (shape.Length == 0) throw new ArgumentException("Unflatten needs a target shape.", nameof(shape));
        if (shape.Count(d => d == -1) > 1 || shape.Any(d => d < -1 || d == 0))
            throw new ArgumentException($"Unflatten: shape ({string.Join(", ", shape)}) must hold positive sizes and at most one -1.", nameof(shape));
        _shape = (int[])shape.Clone();
    }

    /// <summary>The shape each sample is split into.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>(N, …) → (N, shape…).</summary>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank < 1) throw new ArgumentException("Unflatten needs an input with a batch axis, got a scalar.");
        return input.Reshape([input.Dim(0), .. _shape]);
    }

    protected override string ExtraRepr() => $"dim=1, unflattened_size=({string.Join(", ", _shape)})";
}
