using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// A lookup table of learned vectors as PyTorch's <c>nn.Embedding</c>: token ids of shape S (e.g. (B, T)) → (S…, D).
/// Initialised like PyTorch: weight ~ N(0, 1), the <c>padding_idx</c> row zero; that row receives no gradient.
/// </summary>
public sealed class Embedding : Module<TokenIds, Tensor>
{
    /// <summary>Creates the table, drawing its initial weights from <paramref name="rng"/>.</summary>
    /// <param name="paddingIdx">A row that is not trained (negative counts from the end, as PyTorch); none when null.</param>
    public Embedding(int numEmbeddings, int embeddingDim, Rng rng, int? paddingIdx = null)
    {
        if (numEmbeddings < 1 || embeddingDim < 1)
            throw new ArgumentOutOfRangeException(nameof(numEmbeddings),
                $"Embedding needs positive sizes, got num_embeddings={numEmbeddings}, embedding_dim={embeddingDim}.");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        int padding = Tensor.ResolvePaddingIndex(paddingIdx, numEmbeddings);
        PaddingIdx = padding < 0 ? null : padding;
        var weight = Init.Persistent(numEmbeddings, embeddingDim); // (N, D)
        rng.FillNormal(weight.Span);
        if (PaddingIdx is { } row) weight.Span.Slice(row * embeddingDim, embeddingDim).Clear();
        Weight = RegisterParameter("weight", weight);
    }

    public int NumEmbeddings { get; }
    public int EmbeddingDim { get; }

    /// <summary>The untrained row (resolved to 0..N−1), or null.</summary>
    public int? PaddingIdx { get; }

    /// <summary>(N, D).</summary>
    public Tensor Weight { get; }

    /// <summary>Ids of shape S → (S…, D).</summary>
    public override Tensor Forward(TokenIds input) => Tensor.Embedding(input, Weight, PaddingIdx);

    protected override string ExtraRepr() =>
        $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is { } p ? $", padding_idx={p}" : "");
}
