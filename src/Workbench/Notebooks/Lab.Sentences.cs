using Workbench.Data.Text;

namespace Workbench.Notebooks;

public static partial class Lab
{
    /// <summary>
    /// WordNet's definition sentences (Debian package <c>wordnet-base</c>), lower-cased and tokenised, sentences longer
    /// than <paramref name="maxLength"/> tokens and duplicates dropped, split 90/5/5 by a permutation seeded with
    /// <paramref name="splitSeed"/>, and encoded with a vocabulary of the training words seen at least
    /// <paramref name="minimumCount"/> times. Deconstructs into (train, validation, test).
    /// </summary>
    public static SequenceSplits LoadWordNetDefinitions(int maxLength = 20, int minimumCount = 30, ulong splitSeed = SequenceDataOptions.DefaultSplitSeed) =>
        SequenceData.Load(new SequenceDataOptions { MaxLength = maxLength, MinimumCount = minimumCount, SplitSeed = splitSeed });

    /// <summary>
    /// Your own sentences, one per line of <paramref name="path"/> (UTF-8), split and encoded by the same rules as
    /// <see cref="LoadWordNetDefinitions"/>. Deconstructs into (train, validation, test).
    /// </summary>
    public static SequenceSplits LoadSentences(string path, int maxLength = 20, int minimumCount = 30, ulong splitSeed = SequenceDataOptions.DefaultSplitSeed) =>
        SequenceData.FromLines(path, new SequenceDataOptions { MaxLength = maxLength, MinimumCount = minimumCount, SplitSeed = splitSeed });
}
