namespace Workbench.Data.Text;

/// <summary>
/// How sentences become a sequence dataset: the longest sentence kept, the minimum count of a vocabulary word, and the
/// seeded train/validation/test split.
/// </summary>
public sealed record SequenceDataOptions
{
    /// <summary>The seed of the split permutation unless another is given.</summary>
    public const ulong DefaultSplitSeed = 2016;

    /// <summary>Sentences with more tokens than this are dropped (default 20).</summary>
    public int MaxLength { get; init; } = 20;

    /// <summary>A word needs this many occurrences in the training split to get an id; rarer words become <c>&lt;unk&gt;</c> (default 30).</summary>
    public int MinimumCount { get; init; } = 30;

    /// <summary>Seed of the permutation that splits the sentences (recorded in <see cref="SequenceSplits.SplitSeed"/>).</summary>
    public ulong SplitSeed { get; init; } = DefaultSplitSeed;

    /// <summary>Share of the sentences in the validation split (default 0.05; at least one sentence).</summary>
    public double ValidationFraction { get; init; } = 0.05;

    /// <summary>Share of the sentences in the test split (default 0.05; at least one sentence).</summary>
    public double TestFraction { get; init; } = 0.05;

    /// <summary>The largest <see cref="MaxLength"/> accepted.</summary>
    public const int MaxLengthLimit = 1000;

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first setting outside its range.</summary>
    public void Validate()
    {
        if (MaxLength is < 1 or > MaxLengthLimit)
            throw new ArgumentOutOfRangeException(nameof(MaxLength), $"maxLength must be between 1 and {MaxLengthLimit} tokens, got {MaxLength}.");
        if (MinimumCount < 1)
            throw new ArgumentOutOfRangeException(nameof(MinimumCount), $"minimumCount must be at least 1, got {MinimumCount}.");
        if (!(ValidationFraction > 0 && ValidationFraction < 0.5))
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), $"The validation fraction must be in (0, 0.5), got {ValidationFraction}.");
        if (!(TestFraction > 0 && TestFraction < 0.5) || ValidationFraction + TestFraction >= 0.9)
            throw new ArgumentOutOfRangeException(nameof(TestFraction), $"The test fraction must be in (0, 0.5) and leave at least 10 % for training, got {TestFraction}.");
    }
}
