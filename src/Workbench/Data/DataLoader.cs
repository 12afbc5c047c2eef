using Workbench.Tensors;

namespace Workbench.Data;

/// <summary>One minibatch: images (B, H·W), their labels and dataset indices, and where it sits in the epoch.</summary>
/// <remarks>
/// With reusable buffers (the default) <see cref="Images"/> and the arrays are overwritten by the next
/// batch of the same size: read them before moving on, or <see cref="Tensor.Clone"/> them to keep.
/// </remarks>
public sealed record Batch(Tensor Images, int[] Labels, int[] Indices, int Epoch, int BatchIndex)
{
    /// <summary>Number of images in this batch (B).</summary>
    public int Size => Labels.Length;
}

/// <summary>
/// Iterates a dataset in minibatches. The order of epoch <c>e</c> is a permutation drawn from a
/// generator seeded by (seed, e) alone, so a run resumed at epoch e sees exactly the batches the
/// uninterrupted run would have seen, without replaying earlier epochs.
/// </summary>
public sealed class DataLoader
{
    private readonly ImageDataset _dataset;
    private readonly bool _reuseBuffers;
    private readonly Dictionary<int, (Tensor Images, int[] Labels, int[] Indices)> _buffers = new();

    /// <param name="dataset">The images to iterate.</param>
    /// <param name="batchSize">Images per batch (the last one may be smaller unless <paramref name="dropLast"/>).</param>
    /// <param name="seed">Seed of the per-epoch shuffles.</param>
    /// <param name="shuffle">False iterates in dataset order every epoch.</param>
    /// <param name="dropLast">Skip the last batch when it would be smaller than <paramref name="batchSize"/>.</param>
    /// <param name="transform">Applied in place to each batch's images (e.g. <see cref="DynamicBinarization"/>).</param>
    /// <param name="reuseBuffers">Fill the same tensors batch after batch instead of allocating new ones.</param>
    public DataLoader(ImageDataset dataset, int batchSize, ulong seed, bool shuffle = true, bool dropLast = false,
        IBatchTransform? transform = null, bool reuseBuffers = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Batch size must be positive, got {batchSize}.");
        _dataset = dataset;
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
        DropLast = dropLast;
        Transform = transform;
        _reuseBuffers = reuseBuffers;
    }

    public ImageDataset Dataset => _dataset;
    public int BatchSize { get; }
    public ulong Seed { get; }
    public bool Shuffle { get; }
    public bool DropLast { get; }
    public IBatchTransform? Transform { get; }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch => DropLast ? _dataset.Count / BatchSize : (_dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>Images seen per epoch (all of them, or fewer with <see cref="DropLast"/>).</summary>
    public int ImagesPerEpoch => DropLast ? BatchesPerEpoch * BatchSize : _dataset.Count;

    /// <summary>The order in which epoch <paramref name="epoch"/> visits the dataset: a permutation of 0..N-1 that depends on (seed, epoch) only.</summary>
    public int[] Order(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), "must be non-negative");
        if (!Shuffle)
        {
            var identity = new int[_dataset.Count];
            for (int i = 0; i < identity.Length; i++) identity[i] = i;
            return identity;
        }
        return new Rng(SeedMix.Combine(Seed, epoch)).Permutation(_dataset.Count);
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/>, from batch <paramref name="startBatch"/> on
    /// (to resume in the middle of an epoch).
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch, int startBatch = 0)
    {
        if (startBatch < 0 || startBatch > BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(startBatch), $"Batch {startBatch} of an epoch of {BatchesPerEpoch} batches.");
        var order = Order(epoch);
        for (int b = startBatch; b < BatchesPerEpoch; b++)
        {
            int start = b * BatchSize;
            int size = Math.Min(BatchSize, order.Length - start);
            yield return MakeBatch(order.AsSpan(start, size), epoch, b);
        }
    }

    private Batch MakeBatch(ReadOnlySpan<int> indices, int epoch, int batchIndex)
    {
        var (images, labels, indexCopy) = BuffersFor(indices.Length);
        indices.CopyTo(indexCopy);
        _dataset.CopyBatch(indices, images.Span, labels);
        Transform?.Apply(images, indexCopy, epoch);
        return new Batch(images, labels, indexCopy, epoch, batchIndex);
    }

    private (Tensor Images, int[] Labels, int[] Indices) BuffersFor(int size)
    {
        if (_reuseBuffers && _buffers.TryGetValue(size, out var cached)) return cached;
        // Built with GC-owned storage on purpose: a batch must outlive any TensorScope the caller's
        // training step runs in, and a reused buffer must never go back to a scope's pool.
        int[] dims = [size, _dataset.ValuesPerImage]; // (B, H·W)
        var buffers = (new Tensor(dims, new float[size * _dataset.ValuesPerImage], owner: null), new int[size], new int[size]);
        if (_reuseBuffers) _buffers[size] = buffers;
        return buffers;
    }
}
