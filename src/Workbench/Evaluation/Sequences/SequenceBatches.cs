using Workbench.Data.Text;
using Workbench.Models.Sequences;

namespace Workbench.Evaluation.Sequences;

/// <summary>Hands the data layer's batches to the sequence models, which see only ids (<see cref="TokenBatch"/>).</summary>
public static class SequenceBatches
{
    /// <summary>The same padded (B, T) ids and lengths as a model's input (the arrays are shared, not copied).</summary>
    public static TokenBatch ToTokenBatch(this SequenceBatch batch) => new(batch.Size, batch.Steps, batch.Tokens, batch.Lengths);

    /// <summary>The dataset's sentences in order, <paramref name="batchSize"/> at a time, as model inputs.</summary>
    public static IEnumerable<TokenBatch> InOrder(SequenceDataset data, int batchSize) =>
        SequenceLoader.InOrder(data, batchSize).Select(ToTokenBatch);

    /// <summary>Sentences <paramref name="indices"/> of <paramref name="data"/> as one padded model input.</summary>
    public static TokenBatch Of(SequenceDataset data, ReadOnlySpan<int> indices) => SequenceBatch.Pack(data, indices).ToTokenBatch();
}
