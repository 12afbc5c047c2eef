using Workbench.Data.Text;

namespace Workbench.Tests.Data.Text;

public class SequenceBatchTests
{
    internal static SequenceDataset Numbered(int count, int vocabularySize = 12)
    {
        // Sentence i has length 1 + i mod 5 and tokens 4 + (i + t) mod (V − 4): known ids, varying lengths.
        var vocabulary = Vocabulary.Build([Enumerable.Range(0, vocabularySize - 4).Select(w => $"w{w}").ToArray()], 1);
        var sentences = Enumerable.Range(0, count)
            .Select(i => Enumerable.Range(0, 1 + i % 5).Select(t => 4 + (i + t) % (vocabularySize - 4)).ToArray()).ToList();
        return new SequenceDataset(vocabulary, sentences);
    }

    [Fact]
    public void Pack_SentencesOfDifferentLengths_PadsToTheLongestWithPad()
    {
        var data = Numbered(10);
        var batch = SequenceBatch.Pack(data, [3, 0, 4], epoch: 2, batchIndex: 5);
        Assert.Equal((3, 5, 2, 5), (batch.Size, batch.Steps, batch.Epoch, batch.BatchIndex));
        Assert.Equal([4, 1, 5], batch.Lengths);
        Assert.Equal([3, 0, 4], batch.Indices);
        for (int b = 0; b < 3; b++)
            for (int t = 0; t < batch.Steps; t++)
            {
                int expected = t < batch.Lengths[b] ? data.Sentence(batch.Indices[b])[t] : Vocabulary.Pad;
                Assert.Equal(expected, batch.Tokens[b * batch.Steps + t]);
            }
    }

    [Fact]
    public void DecoderInputsAndTargets_AreTheSentenceShiftedByOneWithBeginAndEnd()
    {
        var data = Numbered(10);
        var batch = SequenceBatch.Pack(data, [1, 2]);   // lengths 2 and 3, T = 3
        int[] first = [.. data.Sentence(1)], second = [.. data.Sentence(2)];
        Assert.Equal([2, first[0], first[1], 0, 2, second[0], second[1], second[2]], batch.DecoderInputs());
        Assert.Equal([first[0], first[1], 3, 0, second[0], second[1], second[2], 3], batch.DecoderTargets());
    }

    [Fact]
    public void Mask_Lengths_IsOneOnRealStepsAndZeroOnPadding()
    {
        var batch = SequenceBatch.Pack(Numbered(10), [0, 4, 2]); // lengths 1, 5, 3
        Assert.Equal([3, 5], batch.Mask().Shape.ToArray());
        Assert.Equal([1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], batch.Mask().ToArray());
        Assert.Equal([3, 6], batch.Mask(extraSteps: 1).Shape.ToArray());
        Assert.Equal([1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], batch.Mask(1).ToArray());
    }

    [Fact]
    public void FromLengths_LengthBeyondSteps_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceMasks.FromLengths([2, 4], steps: 3));

    [Fact]
    public void Dataset_EmptySentenceOrIdOutsideVocabulary_Throws()
    {
        var vocabulary = Vocabulary.Build([["a"]], 1);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new SequenceDataset(vocabulary, [[4], []])).Message);
        Assert.Contains("id 5", Assert.Throws<ArgumentException>(() => new SequenceDataset(vocabulary, [[5]])).Message);
    }

    [Fact]
    public void Dataset_SubsetAndText_KeepTokensAndDetokenise()
    {
        var vocabulary = Vocabulary.Build([Tokenizer.Tokenize("a dog, a cat.")], 1);
        var data = SequenceDataset.Encode(vocabulary, [Tokenizer.Tokenize("a cat."), Tokenizer.Tokenize("a dog, a gnu.")]);
        Assert.Equal((2, 9, 1), (data.Count, data.TokenCount, data.UnknownCount));
        Assert.Equal("a dog, a <unk>.", data.Text(1));
        var subset = data.Subset([1, 1, 0]);
        Assert.Equal(3, subset.Count);
        Assert.Equal(data.Sentence(1).ToArray(), subset.Sentence(0).ToArray());
        Assert.Equal(data.Sentence(0).ToArray(), subset.Sentence(2).ToArray());
        Assert.Same(vocabulary, subset.Vocabulary);
    }
}
