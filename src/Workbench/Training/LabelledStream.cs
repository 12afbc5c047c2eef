using Workbench.Data;
using Workbench.Tensors;

namespace Workbench.Training;

/// <summary>
/// The labelled batches of semi-supervised training, one per optimizer step: the labelled images cycled in passes,
/// each pass a seeded shuffle, min(batch size, N_l) images per step. Step s takes positions s·b … s·b + b − 1 of the
/// endless sequence pass 0, pass 1, …, so the batch of a step depends on (seed, step) alone and a resumed run
/// continues the stream exactly.
/// </summary>
internal sealed class LabelledStream(ImageDataset labelled, int batchSize, ulong seed)
{
    private int _pass = -1;
    private int[] _order = [];

    /// <summary>Images per labelled batch.</summary>
    public int BatchSize { get; } = Math.Min(batchSize, labelled.Count);

    public ImageDataset Images => labelled;

    /// <summary>The labelled images and labels of optimizer step <paramref name="step"/> (0-based).</summary>
    public (Tensor Images, int[] Labels) Batch(long step)
    {
        var indices = new int[BatchSize];
        long position = step * BatchSize;
        for (int i = 0; i < indices.Length; i++, position++)
        {
            int pass = (int)(position / labelled.Count);
            if (pass != _pass) (_pass, _order) = (pass, new Rng(SeedMix.Combine(seed, pass, LabelledStreamId)).Permutation(labelled.Count));
            indices[i] = _order[(int)(position % labelled.Count)];
        }
        return labelled.Batch(indices);
    }

    /// <summary>Stream id mixed into (seed, pass), apart from the shuffle's, ε's and binarization's streams.</summary>
    private const int LabelledStreamId = 3;
}
