using Workbench.Tensors;

namespace Workbench.Data.Text;

/// <summary>Masks of real (not padded) time steps for batches of sequences of varying length.</summary>
public static class SequenceMasks
{
    /// <summary>
    /// The (B, <paramref name="steps"/>) float mask with 1 at step t of row b when t &lt; lengths[b] + <paramref name="extraSteps"/>, else 0
    /// (a constant, no gradient). Multiply a per-step loss by it and sum to ignore the padding.
    /// </summary>
    public static Tensor FromLengths(ReadOnlySpan<int> lengths, int steps, int extraSteps = 0)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), $"Steps must be non-negative, got {steps}.");
        var mask = new float[lengths.Length * steps];
        for (int b = 0; b < lengths.Length; b++)
        {
            int real = lengths[b] + extraSteps;
            if (lengths[b] < 0 || real > steps)
                throw new ArgumentOutOfRangeException(nameof(lengths), $"Row {b} has length {lengths[b]} (+{extraSteps}), outside 0..{steps} steps.");
            mask.AsSpan(b * steps, real).Fill(1f);
        }
        int[] shape = [lengths.Length, steps];
        return new Tensor(shape, mask, owner: null);
    }
}
