namespace Workbench.Data.Text;

/// <summary>
/// Iterates a <see cref="SequenceDataset"/> in padded minibatches. As <see cref="DataLoader"/> does for images, the order
/// of epoch <c>e</c> is a permutation drawn from a generator seeded by (seed, e) alone, so a run resumed at epoch e
/// (or at a batch inside it) sees exactly the batches the uninterrupted run would have seen.
/// </summary>
public sealed class SequenceLoader
{
    /// <param name="data">The sentences to iterate.</param>
    /// <param name="batchSize">Sentences per batch (the last batch of an epoch may be smaller).</param>
    /// <param name="seed">Seed of the per-epoch shuffles.</param>
    public SequenceLoader(SequenceDataset data, int batchSize, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Batch size must be positive, got {batchSize}.");
        Data = data;
        BatchSize = batchSize;
        Seed = seed;
    }

    public SequenceDataset Data { get; }
    public int BatchSize { get; }
    public ulong Seed { get; }

    /// <summary>Batches per epoch (every sentence once; the last batch may be smaller).</summary>
    public int BatchesPerEpoch => (Data.Count + BatchSize - 1) / BatchSize;

    /// <summary>The order in which epoch <paramref name="epoch"/> visits the sentences: a permutation of 0..N-1 that depends on (seed, epoch) only.</summary>
    public int[] Order(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), $"Epoch must be non-negative, got {epoch}.");
        return new Tensors.Rng(SeedMix.Combine(Seed, epoch)).Permutation(Data.Count);
    }

    /// <summary>The shuffled batches of epoch <paramref name="epoch"/>, from batch <paramref name="startBatch"/> on.</summary>
    public IEnumerable<SequenceBatch> Epoch(int epoch, int startBatch = 0)
    {
        if (startBatch < 0 || startBatch > BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(startBatch), $"Batch {startBatch} of an epoch of {BatchesPerEpoch} batches.");
        return Batches(Data, Order(epoch), BatchSize, epoch, startBatch);
    }

    /// <summary>The sentences of <paramref name="data"/> in dataset order, <paramref name="batchSize"/> at a time (for evaluation).</summary>
    public static IEnumerable<SequenceBatch> InOrder(SequenceDataset data, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Batch size must be positive, got {batchSize}.");
        var order = new int[data.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        return Batches(data, order, batchSize, epoch: 0, startBatch: 0);
    }

    private static IEnumerable<SequenceBatch> Batches(SequenceDataset data, int[] order, int batchSize, int epoch, int startBatch)
    {
        int batches = (order.Length + batchSize - 1) / batchSize;
        for (int b = startBatch; b < batches; b++)
        {
            int start = b * batchSize;
            yield return SequenceBatch.Pack(data, order.AsSpan(start, Math.Min(batchSize, order.Length - start)), epoch, b);
        }
    }
}
