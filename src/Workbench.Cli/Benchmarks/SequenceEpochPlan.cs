using System.Text;
using Workbench.Data.Text;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// The batches both sides of the sequence epoch benchmark train on: epoch 1, the warm-up, is an epoch of the first
/// <see cref="WarmUpBatches"/>·64 sentences of <see cref="Data"/>; epochs 2, 3, … are epochs of <see cref="Data"/> (the training
/// split, or with <c>--batches N</c> its first N·64 sentences), each shuffled by (seed, epoch) by the <see cref="SequenceLoader"/>
/// that <see cref="Workbench.Training.Sequences.SequenceTrainer.TrainEpoch"/> uses. Also the text that hands the same sentences
/// and batches to the PyTorch peer.
/// </summary>
internal sealed class SequenceEpochPlan
{
    public const int EmbeddingSize = 128, HiddenSize = 192, LatentSize = 32, BatchSize = 64;
    public const double WordDropout = 0.25;
    public const float ClipGradientNorm = 5f;
    public const ulong Seed = 1;

    private SequenceEpochPlan(SequenceDataset data, SequenceDataset warmUp) => (Data, WarmUpData) = (data, warmUp);

    /// <summary>The sentences of every timed epoch.</summary>
    public SequenceDataset Data { get; }

    /// <summary>The sentences of the warm-up epoch (the first of <see cref="Data"/>'s, so the peer can be given their indices in it).</summary>
    public SequenceDataset WarmUpData { get; }

    /// <summary>Batches of each timed epoch.</summary>
    public int TimedBatches => BatchesOf(Data);

    /// <summary>Batches of the warm-up epoch.</summary>
    public int WarmUpBatches => BatchesOf(WarmUpData);

    /// <summary>The plan over <paramref name="train"/>: whole epochs when <paramref name="batches"/> is null or at least an epoch's.</summary>
    public static SequenceEpochPlan For(SequenceDataset train, int? batches)
    {
        var data = First(train, batches ?? int.MaxValue);
        return new SequenceEpochPlan(data, First(data, SequenceEpochBenchmark.WarmUpBatches));
    }

    /// <summary>Batches of a whole epoch of <paramref name="train"/>.</summary>
    public static int BatchesOf(SequenceDataset train) => (train.Count + BatchSize - 1) / BatchSize;

    private static SequenceDataset First(SequenceDataset data, int batches) =>
        (long)batches * BatchSize >= data.Count ? data : data.Subset(Enumerable.Range(0, batches * BatchSize).ToArray());

    /// <summary>The sentences epoch <paramref name="epoch"/> trains on (1: the warm-up).</summary>
    public SequenceDataset DataOf(int epoch) => epoch == 1 ? WarmUpData : Data;

    /// <summary>The batches epoch <paramref name="epoch"/> trains on, in order, as the trainer draws them.</summary>
    public IEnumerable<SequenceBatch> Batches(int epoch) => new SequenceLoader(DataOf(epoch), BatchSize, Seed).Epoch(epoch);

    /// <summary>Tokens (words, without &lt;s&gt; and &lt;/s&gt;) in the batches of epoch <paramref name="epoch"/>.</summary>
    public int TokenCount(int epoch) => Batches(epoch).Sum(b => b.Lengths.Sum());

    /// <summary>The peer's data: "sentences N V", then the N sentences of <see cref="Data"/> as token ids, one per line.</summary>
    public void WriteSentences(TextWriter writer)
    {
        writer.Write($"sentences {Data.Count} {Data.Vocabulary.Count}\n");
        var line = new StringBuilder();
        for (int i = 0; i < Data.Count; i++)
        {
            line.Clear();
            foreach (int id in Data.Sentence(i)) line.Append(id).Append(' ');
            line.Length--;
            writer.Write(line.Append('\n'));
        }
    }

    /// <summary>
    /// The peer's request for epoch <paramref name="epoch"/>: "epoch K", then the indices (into <see cref="Data"/>) of each of its
    /// K batches, one batch per line, without the last line's end (the request adds it).
    /// </summary>
    public string PeerRequest(int epoch)
    {
        var batches = Batches(epoch).ToList();
        var text = new StringBuilder($"epoch {batches.Count}\n");
        foreach (var batch in batches) text.AppendJoin(' ', batch.Indices).Append('\n');
        text.Length--;
        return text.ToString();
    }
}
