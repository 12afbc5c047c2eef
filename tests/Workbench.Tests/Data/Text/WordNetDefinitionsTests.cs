using Workbench.Data;
using Workbench.Data.Text;

namespace Workbench.Tests.Data.Text;

public class WordNetDefinitionsTests
{
    private static readonly Lazy<SequenceSplits> Default = new(() => SequenceData.Load());

    [Fact]
    public void Read_SynsetLine_TakesTheGlossUpToItsFirstSemicolon()
    {
        using var dir = new TempDirectory();
        foreach (var name in WordNetDefinitions.FileNames)
            File.WriteAllLines(dir.Combine(name), ["  1 This software and database is being provided", $"00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 | that which is perceived in {name}; \"an example\"  "]);
        Assert.Equal(WordNetDefinitions.FileNames.Select(n => $"that which is perceived in {n}"), WordNetDefinitions.Read(dir.Path));
    }

    [Fact]
    public void Read_MissingFiles_SaysWhichDebianPackageToInstall()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<DatasetUnavailableException>(() => SequenceData.Load(directory: dir.Path));
        Assert.Contains(dir.Combine("data.noun"), error.Message);
        Assert.Contains("apt-get install wordnet-base", error.Message);
    }

    [Fact]
    public void Read_LineWithoutGloss_NamesFileAndLine()
    {
        using var dir = new TempDirectory();
        foreach (var name in WordNetDefinitions.FileNames) File.WriteAllLines(dir.Combine(name), ["00001740 03 n 01 entity 0 000 | a thing"]);
        File.AppendAllLines(dir.Combine("data.adj"), ["garbage"]);
        var error = Assert.Throws<DataFileException>(() => WordNetDefinitions.Read(dir.Path));
        Assert.Equal($"{dir.Combine("data.adj")}: line 2 is not a WordNet synset line (no \" | \" before a gloss).", error.Message);
    }

    /// <summary>The sizes docs/sequences.md states for the defaults (maxLength 20, minimumCount 30, split seed 2016).</summary>
    [Fact]
    public void Load_RealCorpusAtDefaults_HasTheDocumentedSizes()
    {
        var splits = Default.Value;
        Assert.Equal((117_659, 0, 5_073, 1_428), (splits.LinesRead, splits.EmptyDropped, splits.TooLongDropped, splits.DuplicatesDropped));
        Assert.Equal((100_042, 5_558, 5_558), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
        Assert.Equal((856_379, 47_919, 47_534), (splits.Train.TokenCount, splits.Validation.TokenCount, splits.Test.TokenCount));
        Assert.Equal(3_160, splits.Vocabulary.Count);
        Assert.Equal(2016UL, splits.SplitSeed);
        Assert.Equal(20, splits.Train.MaxLength);
        Assert.Equal(18.3, 100.0 * splits.Train.UnknownCount / splits.Train.TokenCount, 1);
        Assert.Equal(18.8, 100.0 * splits.Validation.UnknownCount / splits.Validation.TokenCount, 1);
        Assert.Equal(splits.Train.UnknownCount, splits.Vocabulary.TrainingCount(Vocabulary.Unknown));
        int tokens = splits.Train.TokenCount + splits.Validation.TokenCount + splits.Test.TokenCount;
        Assert.Equal(8.6, (double)tokens / splits.SentenceCount, 1);
        Assert.Equal(20, Math.Max(splits.Validation.MaxLength, splits.Test.MaxLength));
    }

    /// <summary>The table of vocabulary sizes and unknown-word shares by minimum count in docs/sequences.md.</summary>
    [Fact]
    public void Load_RealCorpus_VocabularySizeByMinimumCountMatchesTheDocumentedTable()
    {
        // With minimumCount 1 every training word has an id and its count: the vocabulary at any other minimum follows.
        var all = SequenceData.Load(new SequenceDataOptions { MinimumCount = 1 });
        Assert.Equal(all.Train.Count, Default.Value.Train.Count);
        var counts = Enumerable.Range(Vocabulary.ReservedCount, all.Vocabulary.Count - Vocabulary.ReservedCount).Select(all.Vocabulary.TrainingCount).ToList();
        (int Size, double UnknownPercent) At(int minimum) =>
            (Vocabulary.ReservedCount + counts.Count(c => c >= minimum), 100.0 * counts.Where(c => c < minimum).Sum() / all.Train.TokenCount);
        Assert.Equal(3_160, At(30).Size);
        Assert.Equal((7_680, 9.5), (At(10).Size, Math.Round(At(10).UnknownPercent, 1)));
        Assert.Equal((4_470, 14.6), (At(20).Size, Math.Round(At(20).UnknownPercent, 1)));
        Assert.Equal((3_160, 18.3), (At(30).Size, Math.Round(At(30).UnknownPercent, 1)));
        Assert.Equal((1_962, 23.6), (At(50).Size, Math.Round(At(50).UnknownPercent, 1)));
    }

    [Fact]
    public void Load_Twice_GivesTheSameSplitAndIds()
    {
        var again = SequenceData.Load();
        foreach (var (a, b) in new[] { (Default.Value.Train, again.Train), (Default.Value.Test, again.Test) })
        {
            Assert.Equal(a.Count, b.Count);
            for (int i = 0; i < a.Count; i += 97) Assert.Equal(a.Sentence(i).ToArray(), b.Sentence(i).ToArray());
        }
        Assert.Equal("a traditional irish game resembling hockey", Default.Value.Train.Text(2000));
    }
}
