using Workbench.Data;

namespace Workbench.Tests.Data;

public class DataLoaderTests
{
    /// <summary>N images of 1×3 whose pixels all equal index/N, label index mod 2.</summary>
    private static ImageDataset Numbered(int n)
    {
        var pixels = new float[n * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (i / 3) / (float)n;
        return new ImageDataset(pixels, Enumerable.Range(0, n).Select(i => i % 2).ToArray(), 1, 3, ["even", "odd"]);
    }

    private static List<int> Visited(DataLoader loader, int epoch) =>
        loader.Epoch(epoch).SelectMany(b => b.Indices.ToArray()).ToList();

    [Fact]
    public void Epoch_CoversEveryIndexExactlyOnce()
    {
        var loader = new DataLoader(Numbered(103), batchSize: 10, seed: 7);
        var seen = Visited(loader, 0);
        Assert.Equal(Enumerable.Range(0, 103), seen.Order());
        Assert.Equal(11, loader.BatchesPerEpoch);
        Assert.Equal(3, loader.Epoch(0).Last().Size);
    }

    [Fact]
    public void Epoch_SameSeedAndEpoch_GivesSameOrderEvenFromAFreshLoader()
    {
        var set = Numbered(50);
        var first = new DataLoader(set, 8, seed: 42);
        _ = Visited(first, 0); // iterating other epochs first must not matter
        var resumed = new DataLoader(set, 8, seed: 42);
        Assert.Equal(Visited(first, 3), Visited(resumed, 3));
        Assert.Equal(first.Order(3), resumed.Order(3));
    }

    [Fact]
    public void Epoch_ReshufflesEveryEpochAndDependsOnSeed()
    {
        var set = Numbered(50);
        var loader = new DataLoader(set, 8, seed: 42);
        Assert.NotEqual(loader.Order(0), loader.Order(1));
        Assert.NotEqual(loader.Order(0), new DataLoader(set, 8, seed: 43).Order(0));
        Assert.NotEqual(Enumerable.Range(0, 50), loader.Order(0));
    }

    [Fact]
    public void Epoch_NoShuffle_IsDatasetOrder()
    {
        var loader = new DataLoader(Numbered(20), 6, seed: 1, shuffle: false);
        Assert.Equal(Enumerable.Range(0, 20), Visited(loader, 5));
    }

    [Fact]
    public void Epoch_DropLast_SkipsShortFinalBatch()
    {
        var loader = new DataLoader(Numbered(103), 10, seed: 7, dropLast: true);
        var batches = loader.Epoch(0).Select(b => b.Size).ToList();
        Assert.Equal(10, batches.Count);
        Assert.All(batches, s => Assert.Equal(10, s));
        Assert.Equal(100, loader.ImagesPerEpoch);
    }

    [Fact]
    public void Batch_ImagesAndLabelsMatchIndices()
    {
        var set = Numbered(30);
        foreach (var batch in new DataLoader(set, 7, seed: 3).Epoch(2))
        {
            Assert.Equal([batch.Size, 3], batch.Images.Shape);
            var pixels = batch.Images.ToArray();
            for (int b = 0; b < batch.Size; b++)
            {
                Assert.Equal(batch.Indices[b] / 30f, pixels[b * 3 + 2]);
                Assert.Equal(batch.Indices[b] % 2, batch.Labels[b]);
            }
        }
    }

    [Fact]
    public void Epoch_StartBatch_ResumesMidEpochWithTheSameBatches()
    {
        var loader = new DataLoader(Numbered(40), 6, seed: 9);
        var all = loader.Epoch(1).Select(b => b.Indices.ToArray()).ToList();
        var tail = loader.Epoch(1, startBatch: 4).Select(b => b.Indices.ToArray()).ToList();
        Assert.Equal(all.Skip(4), tail);
    }

    [Fact]
    public void ReusedBuffers_AreTheSameTensorForEqualSizedBatches()
    {
        var batches = new DataLoader(Numbered(30), 10, seed: 1).Epoch(0).Select(b => b.Images).ToList();
        Assert.Same(batches[0], batches[1]);
        var fresh = new DataLoader(Numbered(30), 10, seed: 1, reuseBuffers: false).Epoch(0).Select(b => b.Images).ToList();
        Assert.NotSame(fresh[0], fresh[1]);
    }

    [Fact]
    public void DynamicBinarization_IsBinaryFollowsPixelMeansAndIsReproducible()
    {
        // 400 images whose pixels are all 0.3: about 30% should come out as 1.
        var pixels = Enumerable.Repeat(0.3f, 400 * 25).ToArray();
        var set = new ImageDataset(pixels, new int[400], 5, 5, ["x"]);
        float[] Run(int epoch, int batchSize, ulong seed) =>
            new DataLoader(set, batchSize, seed: 5, shuffle: false, transform: new DynamicBinarization(seed))
                .Epoch(epoch).SelectMany(b => b.Images.ToArray()).ToArray();

        var a = Run(0, 50, 11);
        Assert.All(a, v => Assert.True(v is 0f or 1f));
        double mean = a.Average();
        Assert.InRange(mean, 0.3 - 0.02, 0.3 + 0.02); // 10,000 Bernoulli(0.3): sd ≈ 0.0046
        Assert.Equal(a, Run(0, 50, 11));
        Assert.Equal(a, Run(0, 64, 11)); // independent of the batch size
        Assert.NotEqual(a, Run(1, 50, 11)); // fresh samples each epoch
        Assert.NotEqual(a, Run(0, 50, 12));
        Assert.Equal(0.3f, set.Pixels[0]); // the dataset itself is untouched
    }

    [Fact]
    public void ThresholdBinarization_MapsAboveThresholdToOne()
    {
        var set = new ImageDataset([0.2f, 0.5f, 0.51f, 0.9f], [0], 2, 2, ["x"]);
        var batch = new DataLoader(set, 1, seed: 0, transform: new ThresholdBinarization()).Epoch(0).Single();
        Assert.Equal([0f, 0f, 1f, 1f], batch.Images.ToArray());
    }
}
