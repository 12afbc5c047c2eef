using System.Text;
using Workbench.Data.Text;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// The batches both sides of the sequence epoch benchmark train on: epoch e is the first <see cref="WarmUpBatches"/> (e = 0)
/// or <see cref="TimedBatches"/> (e ≥ 1) batches of <see cref="SequenceLoader.Epoch"/>(e) over the training split, and the
/// text that hands the same sentences and batches to the PyTorch peer.
/// </summary>
internal sealed class SequenceEpochPlan
{
    public const int EmbeddingSize = 128, HiddenSize = 192, LatentSize = 32, BatchSize = 64;
    public const double WordDropout = 0.25;
    public const ulong Seed = 1;

    private SequenceEpochPlan(SequenceLoader loader, int timedBatches, int warmUpBatches) =>
        (Loader, TimedBatches, WarmUpBatches) = (loader, timedBatches, warmUpBatches);

    public SequenceLoader Loader { get; }

    /// <summary>Batches of each timed epoch: all of an epoch's, or the first N.</summary>
    public int TimedBatches { get; }

    /// <summary>Batches of the warm-up epoch 0.</summary>
    public int WarmUpBatches { get; }

    /// <summary>The plan over <paramref name="train"/>: whole epochs when <paramref name="batches"/> is null or at least an epoch's.</summary>
    public static SequenceEpochPlan For(SequenceDataset train, int? batches)
    {
        var loader = new SequenceLoader(train, BatchSize, Seed);
        int timed = Math.Min(batches ?? int.MaxValue, loader.BatchesPerEpoch);
        return new SequenceEpochPlan(loader, timed, Math.Min(SequenceEpochBenchmark.WarmUpBatches, loader.BatchesPerEpoch));
    }

    /// <summary>Batches of epoch <paramref name="epoch"/> (0: the warm-up).</summary>
    public int BatchCount(int epoch) => epoch == 0 ? WarmUpBatches : TimedBatches;

    /// <summary>The batches epoch <paramref name="epoch"/> trains on, in order.</summary>
    public IEnumerable<SequenceBatch> Batches(int epoch) => Loader.Epoch(epoch).Take(BatchCount(epoch));

    /// <summary>Tokens (words, without &lt;s&gt; and &lt;/s&gt;) in the batches of epoch <paramref name="epoch"/>.</summary>
    public int TokenCount(int epoch) => Batches(epoch).Sum(b => b.Lengths.Sum());

    /// <summary>The peer's data: "sentences N V", then the N training sentences as token ids, one per line.</summary>
    public void WriteSentences(TextWriter writer)
    {
        var data = Loader.Data;
        writer.Write($"sentences {data.Count} {data.Vocabulary.Count}\n");
        var line = new StringBuilder();
        for (int i = 0; i < data.Count; i++)
        {
            line.Clear();
            foreach (int id in data.Sentence(i)) line.Append(id).Append(' ');
            line.Length--;
            writer.Write(line.Append('\n'));
        }
    }

    /// <summary>The peer's request for epoch <paramref name="epoch"/>: "epoch K", then the dataset indices of each of its K batches, one batch per line.</summary>
    public string PeerRequest(int epoch)
    {
        var text = new StringBuilder($"epoch {BatchCount(epoch)}\n");
        foreach (var batch in Batches(epoch)) text.AppendJoin(' ', batch.Indices).Append('\n');
        text.Length--; // Request adds the last line's end
        return text.ToString();
    }
}
