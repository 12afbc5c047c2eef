using Workbench.Tensors;

namespace Workbench.Data;

/// <summary>
/// The Fashion-MNIST subset embedded in Workbench.dll (folder <c>Data/Bundled/fashion-mnist-subset</c>),
/// and the deterministic stratified selection that produces it.
/// </summary>
public static class BundledSubset
{
    /// <summary>Images per class in the bundled training split.</summary>
    public const int TrainPerClass = 500;

    /// <summary>Images per class in the bundled test split.</summary>
    public const int TestPerClass = 100;

    /// <summary>The seed of the per-class permutations that chose the bundled images.</summary>
    public const ulong DefaultSeed = 20171028;

    private const string ResourcePrefix = "Workbench.Data.Bundled.fashion-mnist-subset.";

    /// <summary>Loads a split of the bundled subset from the library's embedded resources.</summary>
    public static ImageDataset Load(DatasetSplit split, IReadOnlyList<string> classNames)
    {
        var (images, labels) = FashionMnist.Spec.Files(split);
        return IdxReader.ToDataset(ReadResource(images.FileName, 3), ReadResource(labels.FileName, 1), classNames);
    }

    private static IdxArray ReadResource(string fileName, int rank)
    {
        string name = ResourcePrefix + fileName;
        using var stream = typeof(BundledSubset).Assembly.GetManifestResourceStream(name)
            ?? throw new DataFileException(name, "embedded resource missing from Workbench.dll: regenerate it with `workbench data make-subset` and rebuild");
        return IdxReader.Read(stream, $"embedded:{fileName}", rank);
    }

    /// <summary>
    /// Indices of a class-balanced subset: for each class c, the images of class c in file order are
    /// permuted with a generator seeded by (seed, c) and the first <paramref name="perClass"/> taken.
    /// The result is sorted ascending, so the subset keeps the original file order.
    /// </summary>
    public static int[] StratifiedIndices(ReadOnlySpan<int> labels, int classes, int perClass, ulong seed)
    {
        var byClass = new List<int>[classes];
        for (int c = 0; c < classes; c++) byClass[c] = [];
        for (int i = 0; i < labels.Length; i++) byClass[labels[i]].Add(i);

        var chosen = new List<int>(classes * perClass);
        for (int c = 0; c < classes; c++)
        {
            if (byClass[c].Count < perClass)
                throw new ArgumentException($"Class {c} has {byClass[c].Count} images, fewer than the {perClass} requested.");
            var members = byClass[c].ToArray();
            new Rng(SeedMix.Combine(seed, c)).Shuffle<int>(members);
            chosen.AddRange(members.AsSpan(0, perClass));
        }
        chosen.Sort();
        return chosen.ToArray();
    }

    /// <summary>
    /// Writes the selected images and labels of <paramref name="source"/> as gzip IDX files named
    /// <paramref name="imagesFile"/> and <paramref name="labelsFile"/> in <paramref name="directory"/>.
    /// Pixels are converted back to bytes (round(255·p)), which is exact for data read from IDX.
    /// </summary>
    public static void WriteIdx(ImageDataset source, ReadOnlySpan<int> indices, string directory, string imagesFile, string labelsFile)
    {
        int p = source.ValuesPerImage;
        var pixels = new byte[indices.Length * p];
        var labels = new byte[indices.Length];
        for (int b = 0; b < indices.Length; b++)
        {
            var image = source.Image(indices[b]);
            for (int j = 0; j < p; j++) pixels[b * p + j] = (byte)Math.Clamp(MathF.Round(image[j] * 255f), 0f, 255f);
            labels[b] = checked((byte)source.Labels[indices[b]]);
        }
        IdxWriter.WriteFile(Path.Combine(directory, imagesFile), [indices.Length, source.Height, source.Width], pixels, gzip: true);
        IdxWriter.WriteFile(Path.Combine(directory, labelsFile), [indices.Length], labels, gzip: true);
    }
}
