namespace Workbench.Data;

/// <summary>
/// The training images whose labels a semi-supervised model may see: the same number from every class, drawn
/// with a recorded seed (the same seed and training set give the same indices). Saved as JSON in a run folder.
/// </summary>
/// <param name="Seed">Seeded the draw.</param>
/// <param name="Labels">Number of labelled images.</param>
/// <param name="Classes">Number of classes; each contributes Labels / Classes images.</param>
/// <param name="Indices">Indices into the training set, ascending.</param>
public sealed record LabelledSubset(ulong Seed, int Labels, int Classes, int[] Indices)
{
    /// <summary>
    /// Draws <paramref name="labels"/> / K images of each of the K classes of <paramref name="train"/>: for each class in
    /// turn, a seeded permutation of its images (in training-set order) and its first labels / K.
    /// </summary>
    /// <exception cref="ArgumentException">labels is not a positive multiple of K, or a class has too few images.</exception>
    public static LabelledSubset Draw(ImageDataset train, int labels, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(train);
        int classes = train.ClassNames.Count;
        if (labels <= 0 || labels % classes != 0)
            throw new ArgumentException($"labels: must be a positive multiple of the number of classes ({classes}), the same number from each class (got {labels}).");
        if (labels > train.Count)
            throw new ArgumentException($"labels: is {labels} but the training set has {train.Count} images.");
        int perClass = labels / classes;
        var byClass = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
        var all = train.Labels;
        for (int i = 0; i < all.Length; i++) byClass[all[i]].Add(i);
        var rng = new Tensors.Rng(SeedMix.Combine(seed, LabelledSubsetStream));
        var chosen = new List<int>(labels);
        for (int c = 0; c < classes; c++)
        {
            if (byClass[c].Count < perClass)
                throw new ArgumentException($"labels: {labels} labels need {perClass} images of each class, but class {c} ('{train.ClassNames[c]}') has {byClass[c].Count}.");
            var order = rng.Permutation(byClass[c].Count);
            for (int j = 0; j < perClass; j++) chosen.Add(byClass[c][order[j]]);
        }
        chosen.Sort();
        return new LabelledSubset(seed, labels, classes, chosen.ToArray());
    }

    /// <summary>The labelled images themselves, with their labels.</summary>
    public ImageDataset Of(ImageDataset train) => train.Subset(Indices);

    /// <summary>Stream id that keeps the subset's generator apart from the training streams of the same seed.</summary>
    private const int LabelledSubsetStream = 7;
}
