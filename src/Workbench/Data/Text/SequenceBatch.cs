using Workbench.Tensors;

namespace Workbench.Data.Text;

/// <summary>
/// One minibatch of sentences, padded to the longest: <see cref="Tokens"/> is (B, T) row-major with T =
/// <see cref="Steps"/>, each row a sentence's ids followed by <see cref="Vocabulary.Pad"/>; <see cref="Lengths"/>
/// the true lengths (B); <see cref="Indices"/> the dataset indices (B); and where the batch sits in its epoch.
/// </summary>
public sealed record SequenceBatch(int[] Tokens, int[] Lengths, int[] Indices, int Steps, int Epoch, int BatchIndex)
{
    /// <summary>Number of sentences in the batch (B).</summary>
    public int Size => Lengths.Length;

    /// <summary>The sentences at <paramref name="indices"/> of <paramref name="data"/>, padded to the longest of them.</summary>
    public static SequenceBatch Pack(SequenceDataset data, ReadOnlySpan<int> indices, int epoch = 0, int batchIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        int size = indices.Length;
        var lengths = new int[size];
        int steps = 0;
        for (int b = 0; b < size; b++) steps = Math.Max(steps, lengths[b] = data.Length(indices[b]));
        var tokens = new int[size * steps]; // (B, T), zero = Vocabulary.Pad
        for (int b = 0; b < size; b++) data.Sentence(indices[b]).CopyTo(tokens.AsSpan(b * steps, steps));
        return new SequenceBatch(tokens, lengths, indices.ToArray(), steps, epoch, batchIndex);
    }

    /// <summary>
    /// The decoder's inputs, (B, T+1) row-major: <c>&lt;s&gt; w1 … wn</c> then padding.
    /// </summary>
    public int[] DecoderInputs()
    {
        int width = Steps + 1;
        var inputs = new int[Size * width];
        for (int b = 0; b < Size; b++)
        {
            inputs[b * width] = Vocabulary.Begin;
            Tokens.AsSpan(b * Steps, Lengths[b]).CopyTo(inputs.AsSpan(b * width + 1));
        }
        return inputs;
    }

    /// <summary>
    /// The decoder's targets, (B, T+1) row-major: <c>w1 … wn &lt;/s&gt;</c> then padding (the inputs shifted by one).
    /// </summary>
    public int[] DecoderTargets()
    {
        int width = Steps + 1;
        var targets = new int[Size * width];
        for (int b = 0; b < Size; b++)
        {
            Tokens.AsSpan(b * Steps, Lengths[b]).CopyTo(targets.AsSpan(b * width));
            targets[b * width + Lengths[b]] = Vocabulary.End;
        }
        return targets;
    }

    /// <summary>
    /// The (B, T + <paramref name="extraSteps"/>) mask of real tokens: 1 where step t &lt; length + extraSteps, 0 on padding.
    /// With <paramref name="extraSteps"/> = 1 it masks the decoder's targets (n words and <c>&lt;/s&gt;</c>).
    /// </summary>
    public Tensor Mask(int extraSteps = 0) => SequenceMasks.FromLengths(Lengths, Steps + extraSteps, extraSteps);
}
