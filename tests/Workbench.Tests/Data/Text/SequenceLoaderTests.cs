using Workbench.Data.Text;

namespace Workbench.Tests.Data.Text;

public class SequenceLoaderTests
{
    private static List<int> Visited(IEnumerable<SequenceBatch> batches) => batches.SelectMany(b => b.Indices).ToList();

    [Fact]
    public void Epoch_CoversEverySentenceExactlyOnce()
    {
        var loader = new SequenceLoader(SequenceBatchTests.Numbered(103), batchSize: 10, seed: 7);
        Assert.Equal(11, loader.BatchesPerEpoch);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var batches = loader.Epoch(epoch).ToList();
            Assert.Equal(Enumerable.Range(0, 103), Visited(batches).Order());
            Assert.Equal(3, batches[^1].Size);
            Assert.Equal(Enumerable.Range(0, 11), batches.Select(b => b.BatchIndex));
            Assert.All(batches, b => Assert.Equal(epoch, b.Epoch));
            Assert.All(batches, b => Assert.Equal(b.Indices.Max(i => loader.Data.Length(i)), b.Steps));
        }
    }

    [Fact]
    public void Epoch_SameSeedAndEpoch_IsReproducedByAFreshLoaderAndFromAMidEpochBatch()
    {
        var data = SequenceBatchTests.Numbered(50);
        var first = new SequenceLoader(data, 8, seed: 42);
        _ = first.Epoch(0).ToList(); // iterating other epochs first must not matter
        var resumed = new SequenceLoader(data, 8, seed: 42);
        var full = first.Epoch(3).ToList();
        Assert.Equal(Visited(full), Visited(resumed.Epoch(3)));
        var tail = resumed.Epoch(3, startBatch: 4).ToList();
        Assert.Equal(full.Skip(4).Select(b => b.Tokens), tail.Select(b => b.Tokens));
        Assert.Equal(4, tail[0].BatchIndex);
    }

    [Fact]
    public void Epoch_ReshufflesEveryEpochAndDependsOnSeed()
    {
        var data = SequenceBatchTests.Numbered(60);
        var loader = new SequenceLoader(data, 60, seed: 1);
        Assert.NotEqual(Visited(loader.Epoch(0)), Visited(loader.Epoch(1)));
        Assert.NotEqual(Visited(loader.Epoch(0)), Visited(new SequenceLoader(data, 60, seed: 2).Epoch(0)));
        Assert.NotEqual(Enumerable.Range(0, 60), Visited(loader.Epoch(0)));
    }

    [Fact]
    public void InOrder_VisitsDatasetOrderInBatches()
    {
        var data = SequenceBatchTests.Numbered(23);
        var batches = SequenceLoader.InOrder(data, 5).ToList();
        Assert.Equal(Enumerable.Range(0, 23), Visited(batches));
        Assert.Equal([5, 5, 5, 5, 3], batches.Select(b => b.Size));
    }

    [Fact]
    public void Constructor_NonPositiveBatchSize_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceLoader(SequenceBatchTests.Numbered(3), 0, 1));
}
