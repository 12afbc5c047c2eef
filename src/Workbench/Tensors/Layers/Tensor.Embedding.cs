using Workbench.Kernels;

namespace Workbench.Tensors;

// Lookup of rows by integer id (torch.nn.functional.embedding).
public sealed partial class Tensor
{
    /// <summary>
    /// Rows of <paramref name="weight"/> (N, D) picked by <paramref name="ids"/>: ids of shape S → (S…, D), as PyTorch's
    /// <c>F.embedding</c>. The gradient scatter-adds each output row's gradient into the row it was read from; the row
    /// <paramref name="paddingIdx"/> (negative counts from the end, as PyTorch) receives no gradient.
    /// </summary>
    public static Tensor Embedding(TokenIds ids, Tensor weight, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        weight.RequireRank(2, "Embedding weight");
        int count = weight.Dims[0], dim = weight.Dims[1];
        int padding = ResolvePaddingIndex(paddingIdx, count);
        var values = ids.Values;
        for (int p = 0; p < values.Length; p++)
            if ((uint)values[p] >= (uint)count)
                throw new ArgumentOutOfRangeException(nameof(ids),
                    $"Embedding: token id {values[p]} at position {ids.PositionText(p)} is outside 0..{count - 1} (num_embeddings = {count}).");

        var y = Uninitialized([.. ids.Dims, dim]); // (S…, D)
        var table = weight.Storage;
        var output = y.Storage;
        for (int p = 0; p < values.Length; p++)
            Array.Copy(table, values[p] * dim, output, p * dim, dim);
        if (!Tracks(weight)) return y;
        return y.Record("Embedding", [weight], g =>
        {
            var (gradient, beta) = weight.GradForUpdate();
            if (beta == 0f) gradient.AsSpan().Clear();
            EmbeddingKernels.ScatterAddRows(g.Storage, values, dim, padding, gradient);
        });
    }

    /// <summary>PyTorch's padding_idx rule: in −N..N−1, negative counting from the end; −1 (none) when null.</summary>
    internal static int ResolvePaddingIndex(int? paddingIdx, int count)
    {
        if (paddingIdx is not { } index) return -1;
        if (index < -count || index >= count)
            throw new ArgumentOutOfRangeException(nameof(paddingIdx), $"padding_idx {index} is outside {-count}..{count - 1} (num_embeddings = {count}).");
        return index < 0 ? index + count : index;
    }
}
