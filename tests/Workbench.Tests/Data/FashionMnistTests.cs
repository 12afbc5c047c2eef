using Workbench.Data;

namespace Workbench.Tests.Data;

public class FashionMnistTests
{
    private const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    [Theory]
    [InlineData(DatasetSplit.Train, 5000, 500)]
    [InlineData(DatasetSplit.Test, 1000, 100)]
    public void LoadBundledSubset_HasBalancedClassesAndPixelsIn01(DatasetSplit split, int count, int perClass)
    {
        var set = FashionMnist.LoadBundledSubset(split);
        Assert.Equal(count, set.Count);
        Assert.Equal((28, 28), (set.Height, set.Width));
        Assert.Equal(FashionMnist.ClassNames, set.ClassNames);
        Assert.All(set.ClassCounts(), c => Assert.Equal(perClass, c));
        float min = float.MaxValue, max = float.MinValue;
        foreach (float p in set.Pixels) { min = Math.Min(min, p); max = Math.Max(max, p); }
        Assert.Equal(0f, min);
        Assert.Equal(1f, max);
    }

    [Fact]
    public void DebianFiles_WhenInstalled_LoadFullSplitsAndMatchTheBundledSubset()
    {
        // Runs only where Debian's dataset-fashion-mnist is installed (apt-get install dataset-fashion-mnist).
        if (!Directory.Exists(DebianDirectory)) return;

        var test = FashionMnist.Load(DebianDirectory, DatasetSplit.Test);
        Assert.Equal(10000, test.Count);
        Assert.All(test.ClassCounts(), c => Assert.Equal(1000, c));

        var train = FashionMnist.Load(DebianDirectory, DatasetSplit.Train);
        Assert.Equal(60000, train.Count);
        Assert.Equal((28, 28), (train.Height, train.Width));
        Assert.Equal(9, train.Labels[0]); // the first training image is an ankle boot

        // The bundled subset is exactly the stratified selection of these files.
        foreach (var (full, split, perClass) in new[] { (train, DatasetSplit.Train, 500), (test, DatasetSplit.Test, 100) })
        {
            var indices = BundledSubset.StratifiedIndices(full.Labels, 10, perClass, BundledSubset.DefaultSeed);
            var expected = full.Subset(indices);
            var bundled = FashionMnist.LoadBundledSubset(split);
            Assert.Equal(expected.Labels.ToArray(), bundled.Labels.ToArray());
            Assert.True(expected.Pixels.SequenceEqual(bundled.Pixels), $"bundled {split} pixels differ from the selection");

            // Regenerating gives the committed files byte for byte (what `workbench data make-subset` writes).
            string? committed = CommittedSubsetDirectory();
            if (committed is null) continue;
            using var dir = new TempDirectory();
            var (images, labels) = FashionMnist.Spec.Files(split);
            BundledSubset.WriteIdx(full, indices, dir.Path, images.FileName, labels.FileName);
            foreach (var name in new[] { images.FileName, labels.FileName })
                Assert.True(File.ReadAllBytes(Path.Combine(committed, name)).SequenceEqual(File.ReadAllBytes(dir.Combine(name))), $"{name} differs from the committed file");
        }
    }

    private static string? CommittedSubsetDirectory()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "src", "Workbench", "Data", "Bundled", "fashion-mnist-subset");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    [Fact]
    public void DebianFiles_WhenInstalled_DecompressToTheContentDigestsDownloadsAreCheckedAgainst()
    {
        if (!Directory.Exists(DebianDirectory)) return; // needs Debian's dataset-fashion-mnist
        foreach (var split in new[] { DatasetSplit.Train, DatasetSplit.Test })
        {
            var (images, labels) = FashionMnist.Spec.Files(split);
            foreach (var file in new[] { images, labels })
            {
                using var gz = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(DebianDirectory, file.FileName)), System.IO.Compression.CompressionMode.Decompress);
                Assert.Equal(file.ContentSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(gz)));
            }
        }
    }

    [Fact]
    public void StratifiedIndices_AreSortedDistinctBalancedAndSeedDependent()
    {
        var labels = Enumerable.Range(0, 300).Select(i => i * 7 % 3).ToArray();
        var a = BundledSubset.StratifiedIndices(labels, 3, 20, seed: 1);
        Assert.Equal(a, BundledSubset.StratifiedIndices(labels, 3, 20, seed: 1));
        Assert.NotEqual(a, BundledSubset.StratifiedIndices(labels, 3, 20, seed: 2));
        Assert.Equal(a.Order(), a);
        Assert.Equal(60, a.Distinct().Count());
        Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(20, a.Count(i => labels[i] == c)));
    }

    [Fact]
    public void Spec_EveryFileHasADigest()
    {
        foreach (var spec in new[] { FashionMnist.Spec, Mnist.Spec })
            foreach (var split in new[] { DatasetSplit.Train, DatasetSplit.Test })
            {
                var (images, labels) = spec.Files(split);
                Assert.True(images.HasDigest && labels.HasDigest, $"{spec.Name} {split}");
            }
    }
}
