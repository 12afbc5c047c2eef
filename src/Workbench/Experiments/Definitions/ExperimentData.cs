using Workbench.Data;
using Workbench.Data.Text;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Experiments.Definitions;

/// <summary>Loads the training and test images (or the sentences) a <see cref="DataSpec"/> names.</summary>
public static class ExperimentData
{
    /// <summary>Sprite images generated for the "sprites" and "sprites-colour" datasets: training and test draws use different seeds.</summary>
    public const int SpritesTrainCount = 20000, SpritesTestCount = 2000;

    /// <summary>The training and test images <paramref name="spec"/> names (limited, with a held-out class removed from training).</summary>
    public static (ImageDataset Train, ImageDataset Test) Load(DataSpec spec)
    {
        if (spec.Input != ModelInput.Images)
            throw new ArgumentException($"Dataset '{spec.Dataset}' holds sentences, not images: load it with {nameof(ExperimentData)}.{nameof(LoadSentences)}.");
        if (spec.KindProblem() is var (field, problem)) throw new ArgumentException($"data.{field}: {problem}.");
        var (train, test) = spec.Dataset switch
        {
            "fashion-mnist-subset" => (FashionMnist.LoadBundledSubset(DatasetSplit.Train), FashionMnist.LoadBundledSubset(DatasetSplit.Test)),
            "fashion-mnist" => (FashionMnist.Load(spec.Directory, DatasetSplit.Train), FashionMnist.Load(spec.Directory, DatasetSplit.Test)),
            "mnist" => (Mnist.Load(spec.Directory, DatasetSplit.Train), Mnist.Load(spec.Directory, DatasetSplit.Test)),
            "sprites" => (Sprites.Sample(SpritesTrainCount, seed: 1).Images, Sprites.Sample(SpritesTestCount, seed: 2).Images),
            "sprites-colour" => (Sprites.Sample(SpritesTrainCount, seed: 1, SpritesOptions.ColourDefaults).Images,
                                 Sprites.Sample(SpritesTestCount, seed: 2, SpritesOptions.ColourDefaults).Images),
            "image-folder" => Workbench.Data.Files.ImageFolder.Load(spec.PathFullPath ?? Path.GetFullPath(spec.Path!), spec.DataFolder),
            "npy" => Workbench.Data.Files.NpyDataset.Load(spec.PathFullPath ?? Path.GetFullPath(spec.Path!),
                spec.LabelsFullPath ?? (spec.Labels is { } labels ? Path.GetFullPath(labels) : null), spec.MemoryMap),
            "csv" => Workbench.Data.Files.CsvDataset.Load(spec.PathFullPath ?? Path.GetFullPath(spec.Path!), spec.LabelColumn),
            _ => throw new ArgumentException($"Unknown dataset '{spec.Dataset}'; expected one of {string.Join(", ", DataSpec.Known)}."),
        };
        // A held-out class leaves the training images only; one out of range is reported by DataFit with the file's name.
        if (spec.HeldOutClass is { } heldOut && heldOut < train.ClassNames.Count) train = train.WithoutClasses(heldOut);
        // Fixed seeds: every run of an experiment sees the same images, whatever its training seed.
        return (Limit(train, spec.TrainLimit, seed: 0), Limit(test, spec.TestLimit, seed: 1));
    }

    /// <summary>
    /// The training, validation and test sentences <paramref name="spec"/> names (WordNet's definitions, or the lines of
    /// <see cref="DataSpec.File"/>), split and encoded by <see cref="SequenceData"/> with the spec's length limit, minimum
    /// count and split seed; <see cref="DataSpec.TrainLimit"/> and <see cref="DataSpec.TestLimit"/> keep a seeded subset of
    /// the training and test sentences (the vocabulary stays the one of the whole training split).
    /// </summary>
    public static SequenceSplits LoadSentences(DataSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Input != ModelInput.Sentences)
            throw new ArgumentException($"Dataset '{spec.Dataset}' holds images, not sentences: load it with {nameof(ExperimentData)}.{nameof(Load)}.");
        if (spec.KindProblem() is var (field, problem)) throw new ArgumentException($"data.{field}: {problem}.");
        var options = spec.SentenceOptions();
        var splits = spec.Dataset switch
        {
            "text-lines" => SequenceData.FromLines(spec.FileFullPath ?? Path.GetFullPath(spec.File!), options),
            _ => SequenceData.Load(options),
        };
        var train = LimitIndices(splits.Train.Count, spec.TrainLimit, seed: 0) is { } trainChosen ? splits.Train.Subset(trainChosen) : splits.Train;
        var test = LimitIndices(splits.Test.Count, spec.TestLimit, seed: 1) is { } testChosen ? splits.Test.Subset(testChosen) : splits.Test;
        return splits with { Train = train, Test = test };
    }

    /// <summary>
    /// The test sprites of a "sprites" or "sprites-colour" <see cref="DataSpec"/> with their generative factors: the same
    /// images, in the same order, as <see cref="Load"/>'s test set. Null for every other dataset (no known factors).
    /// </summary>
    public static SpritesDataset? SpritesTest(DataSpec spec)
    {
        SpritesOptions? options = spec.Dataset switch
        {
            "sprites" => new SpritesOptions(),
            "sprites-colour" => SpritesOptions.ColourDefaults,
            _ => null,
        };
        if (options is null) return null;
        var test = Sprites.Sample(SpritesTestCount, seed: 2, options);
        return LimitIndices(test.Count, spec.TestLimit, seed: 1) is { } chosen ? test.Subset(chosen) : test;
    }

    /// <summary>A seeded random subset of <paramref name="limit"/> images in a fixed order, or the whole set.</summary>
    private static ImageDataset Limit(ImageDataset data, int? limit, ulong seed) =>
        LimitIndices(data.Count, limit, seed) is { } chosen ? data.Subset(chosen) : data;

    /// <summary>The sorted indices of a seeded random subset of <paramref name="limit"/> of <paramref name="count"/> images; null for all.</summary>
    private static int[]? LimitIndices(int count, int? limit, ulong seed)
    {
        if (limit is not { } n || n >= count) return null;
        var chosen = new Rng(seed).Permutation(count)[..n];
        Array.Sort(chosen);
        return chosen;
    }
}
