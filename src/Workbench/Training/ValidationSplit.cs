using Workbench.Data;
using Workbench.Tensors;

namespace Workbench.Training;

/// <summary>
/// A seeded split of the training images into the images trained on and a held-out validation set: a random
/// ⌊fraction·N⌉ of them (at least 1, at most N − 1), chosen by a generator of its own stream of the run seed, so the
/// same seed and fraction always hold out the same images and the shuffle, ε and binarization streams are untouched.
/// Both parts keep the original order.
/// </summary>
/// <param name="Train">The images trained on.</param>
/// <param name="Validation">The held-out images, measured after every epoch.</param>
/// <param name="ValidationIndices">Indices into the full training set of the held-out images, ascending.</param>
public sealed record ValidationSplit(ImageDataset Train, ImageDataset Validation, int[] ValidationIndices)
{
    /// <summary>Stream id mixed into the seed for the choice of validation images (the trainer's are 1 and 2).</summary>
    private const int SplitStream = 3;

    /// <summary>Holds out <paramref name="fraction"/> of <paramref name="train"/>, chosen by <paramref name="seed"/>.</summary>
    public static ValidationSplit Of(ImageDataset train, double fraction, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), $"The validation fraction must be in (0, 1), got {fraction}.");
        if (train.Count < 2)
            throw new ArgumentException($"A validation split needs at least 2 training images, got {train.Count}.", nameof(train));
        int held = (int)Math.Clamp(Math.Round(fraction * train.Count), 1, train.Count - 1);
        var permutation = new Rng(SeedMix.Combine(seed, SplitStream)).Permutation(train.Count);
        var validation = permutation[..held];
        Array.Sort(validation);
        var isHeld = new bool[train.Count];
        foreach (int i in validation) isHeld[i] = true;
        var kept = Enumerable.Range(0, train.Count).Where(i => !isHeld[i]).ToArray();
        return new ValidationSplit(train.Subset(kept), train.Subset(validation), validation);
    }
}
