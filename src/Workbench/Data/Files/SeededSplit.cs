namespace Workbench.Data.Files;

/// <summary>
/// The test split of a source that has none of its own: a tenth of the images (at least one), chosen by a permutation drawn
/// from <see cref="Seed"/>, kept in file order; the rest are the training images, in file order too. The same file always
/// splits the same way, whatever the run's seed.
/// </summary>
public static class SeededSplit
{
    /// <summary>The seed of the permutation.</summary>
    public const ulong Seed = 2025;

    /// <summary>One in this many images is a test image.</summary>
    public const int TestShare = 10;

    /// <summary>Splits <paramref name="all"/> into training and test images, both sharing its values (nothing is copied).</summary>
    /// <exception cref="DataFileException">Fewer than two images (named by <paramref name="file"/>).</exception>
    public static (ImageDataset Train, ImageDataset Test) Split(ImageDataset all, string file)
    {
        if (all.Count < 2) throw new DataFileException(file, $"holds {all.Count} image(s); at least 2 are needed to split off test images");
        var (train, test) = Indices(all.Count);
        return (all.View(train, all.Source), all.View(test, all.Source));
    }

    /// <summary>The sorted training and test indices of <paramref name="count"/> images.</summary>
    public static (int[] Train, int[] Test) Indices(int count)
    {
        int testCount = Math.Max(1, count / TestShare);
        var permutation = new Tensors.Rng(Seed).Permutation(count);
        var test = permutation[..testCount];
        var train = permutation[testCount..];
        Array.Sort(test);
        Array.Sort(train);
        return (train, test);
    }
}
