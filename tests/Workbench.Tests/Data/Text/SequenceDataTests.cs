using System.Text;
using Workbench.Data;
using Workbench.Data.Text;

namespace Workbench.Tests.Data.Text;

public class SequenceDataTests
{
    private static string[] Lines(int count) =>
        Enumerable.Range(0, count).Select(i => $"sentence number {i} is about the {(i % 3 == 0 ? "cat" : "dog")} .").ToArray();

    /// <summary>Sentence i spells i in binary with the words "zero" and "one": distinct sentences over a two-word vocabulary.</summary>
    private static string[] Binary(int count) =>
        Enumerable.Range(0, count).Select(i => string.Join(' ', Convert.ToString(i, 2).Select(bit => bit == '1' ? "one" : "zero"))).ToArray();

    private static IEnumerable<string> AllTexts(SequenceSplits splits) =>
        new[] { splits.Train, splits.Validation, splits.Test }.SelectMany(d => Enumerable.Range(0, d.Count).Select(d.Text));

    [Fact]
    public void FromSentences_Split_IsDisjointCoversEverySentenceAndHasTheDocumentedSizes()
    {
        var splits = SequenceData.FromSentences(Binary(200), new SequenceDataOptions { MinimumCount = 1 });
        Assert.Equal((180, 10, 10), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
        var texts = AllTexts(splits).ToList();
        Assert.Equal(200, texts.Distinct().Count());            // disjoint and covering
        Assert.Equal(Binary(200).Order(), texts.Order());
    }

    [Fact]
    public void Split_SameSeed_IsTheSameAndAnotherSeedDiffers()
    {
        var options = new SequenceDataOptions();
        var (train, validation, test) = SequenceData.Split(1000, options);
        var again = SequenceData.Split(1000, options);
        Assert.Equal(train, again.Train);
        Assert.Equal(validation, again.Validation);
        Assert.Equal(test, again.Test);
        Assert.Equal(1000, train!.Concat(validation!).Concat(test!).Distinct().Count());
        Assert.Equal(train, train!.Order());                       // each split in corpus order
        var other = SequenceData.Split(1000, options with { SplitSeed = 7 });
        Assert.NotEqual(validation, other.Validation);
    }

    [Fact]
    public void FromSentences_Vocabulary_ComesFromTheTrainingSplitOnly()
    {
        var lines = Lines(100).ToList();
        var splits = SequenceData.FromSentences(lines, new SequenceDataOptions { MinimumCount = 1 });
        var trainingWords = Enumerable.Range(0, splits.Train.Count).SelectMany(i => Tokenizer.Tokenize(splits.Train.Text(i))).ToHashSet();
        // Numbers that occur only in validation/test sentences are unknown words there.
        Assert.Equal(trainingWords.Count + Vocabulary.ReservedCount, splits.Vocabulary.Count);
        Assert.True(splits.Validation.UnknownCount + splits.Test.UnknownCount > 0);
        Assert.Equal(0, splits.Train.UnknownCount);
    }

    [Fact]
    public void FromSentences_Filters_DropEmptyOverLongAndDuplicateSentences()
    {
        var lines = Lines(20).Concat(["", "  ", "...", "one two three four five six", Lines(1)[0], "SENTENCE number 0 is about the cat ."]).ToList();
        var splits = SequenceData.FromSentences(lines, new SequenceDataOptions { MaxLength = 8, MinimumCount = 1 });
        Assert.Equal((26, 2, 0, 2), (splits.LinesRead, splits.EmptyDropped, splits.TooLongDropped, splits.DuplicatesDropped));
        Assert.Equal(22, splits.SentenceCount); // 20 + "..." + the six-word line
        Assert.All(new[] { splits.Train, splits.Validation, splits.Test }, d => Assert.True(d.MaxLength <= 8));
    }

    [Fact]
    public void FromLines_OwnFile_LoadsOneSentencePerLine()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("mine.txt");
        File.WriteAllText(path, "\uFEFF" + string.Join("\r\n", Lines(40)) + "\n");
        var splits = SequenceData.FromLines(path, new SequenceDataOptions { MinimumCount = 2 });
        Assert.Equal((36, 2, 2), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
        Assert.Equal(path, splits.Source);
        Assert.Equal(40, splits.LinesRead);
    }

    public static TheoryData<string, byte[], string> HostileFiles => new()
    {
        { "empty", [], "is empty" },
        { "blank", Encoding.UTF8.GetBytes("\n  \n\t\n"), "is empty" },
        { "filtered", Encoding.UTF8.GetBytes("one two three four\n. . . . .\n\n"), "no sentence is left after the filters: of 3 lines, 1 are blank or have no token, 2 are longer than maxLength = 3 tokens and 0 repeat" },
        { "too-few", Encoding.UTF8.GetBytes("a b\nc d\n"), "too few to split" },
        { "binary", [0x61, 0x0A, 0x62, 0x00, 0x01, 0x0A], "line 2 contains a NUL byte" },
        { "latin1", [0x61, 0x0A, 0x62, 0x0A, 0x63, 0x61, 0x66, 0xE9, 0x0A], "line 3 is not UTF-8 text (0xE9" },
        { "long", Encoding.UTF8.GetBytes("a\n" + new string('x', TextLines.MaxLineCharacters + 1)), "line 2 is 10,001 characters long, over the limit of 10,000" },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void FromLines_HostileFile_OneMessageNamingFileLineAndProblem(string name, byte[] bytes, string problem)
    {
        using var dir = new TempDirectory();
        string path = dir.Combine(name + ".txt");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<DataFileException>(() => SequenceData.FromLines(path, new SequenceDataOptions { MaxLength = 3, MinimumCount = 1 }));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void FromLines_MissingFileOrFolder_NamesIt()
    {
        using var dir = new TempDirectory();
        Assert.Equal(dir.Combine("absent.txt") + ": file not found.",
            Assert.Throws<DataFileException>(() => SequenceData.FromLines(dir.Combine("absent.txt"))).Message);
        Assert.Contains("is a folder", Assert.Throws<DataFileException>(() => SequenceData.FromLines(dir.Path)).Message);
    }

    [Theory]
    [InlineData(0, 30, "maxLength")]
    [InlineData(20, 0, "minimumCount")]
    public void Options_OutOfRange_NameTheSetting(int maxLength, int minimumCount, string setting)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SequenceData.FromSentences(Lines(10), new SequenceDataOptions { MaxLength = maxLength, MinimumCount = minimumCount }));
        Assert.Contains(setting, error.Message);
    }
}
