namespace Workbench.Data.Text;

/// <summary>
/// A corpus split into training, validation and test sentences that share one vocabulary (built from
/// <see cref="Train"/> alone), with what was dropped on the way and the seed of the split.
/// </summary>
/// <param name="Source">Where the sentences came from (a corpus name or a file path).</param>
/// <param name="LinesRead">Candidate sentences read (lines of a file, definitions of a corpus).</param>
/// <param name="EmptyDropped">Candidates with no token.</param>
/// <param name="TooLongDropped">Candidates longer than <see cref="SequenceDataOptions.MaxLength"/> tokens.</param>
/// <param name="DuplicatesDropped">Candidates whose tokens repeat an earlier kept sentence's.</param>
public sealed record SequenceSplits(
    SequenceDataset Train,
    SequenceDataset Validation,
    SequenceDataset Test,
    SequenceDataOptions Options,
    string Source,
    int LinesRead,
    int EmptyDropped,
    int TooLongDropped,
    int DuplicatesDropped)
{
    /// <summary>The vocabulary of all three splits (from the training split only).</summary>
    public Vocabulary Vocabulary => Train.Vocabulary;

    /// <summary>The seed of the permutation that made the split.</summary>
    public ulong SplitSeed => Options.SplitSeed;

    /// <summary>Sentences kept in all splits.</summary>
    public int SentenceCount => Train.Count + Validation.Count + Test.Count;

    /// <summary>The three splits: <c>var (train, validation, test) = splits;</c>.</summary>
    public void Deconstruct(out SequenceDataset train, out SequenceDataset validation, out SequenceDataset test) =>
        (train, validation, test) = (Train, Validation, Test);

    public override string ToString() =>
        $"{Source}: {Train.Count:N0} training, {Validation.Count:N0} validation, {Test.Count:N0} test sentences; " +
        $"vocabulary of {Vocabulary.Count:N0} (words seen ≥ {Options.MinimumCount} times in training); split seed {SplitSeed}";
}
