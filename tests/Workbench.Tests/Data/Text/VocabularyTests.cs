using Workbench.Data;
using Workbench.Data.Text;

namespace Workbench.Tests.Data.Text;

public class VocabularyTests
{
    private const string SmallText = """
        the cat sat on the mat .
        the dog sat on the log .
        a cat and a dog ate the food .
        zebra
        """;

    private static string[][] Sentences => SmallText.Split('\n').Select(Tokenizer.Tokenize).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    public void Build_SmallText_MatchesBruteForceCounts(int minimumCount)
    {
        var vocabulary = Vocabulary.Build(Sentences, minimumCount);

        // Brute force: split on white space (the text's tokens are space-separated) and count by scanning.
        var words = SmallText.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var distinct = words.Distinct().ToList();
        int CountOf(string w) => words.Count(x => x == w);
        var expected = distinct.Where(w => CountOf(w) >= minimumCount)
            .OrderByDescending(CountOf).ThenBy(w => w, StringComparer.Ordinal).ToList();
        Assert.Equal(Vocabulary.ReservedWords.Concat(expected), Enumerable.Range(0, vocabulary.Count).Select(vocabulary.Word));
        foreach (var w in expected) Assert.Equal(CountOf(w), vocabulary.TrainingCount(vocabulary.Id(w)));
        Assert.Equal(distinct.Where(w => CountOf(w) < minimumCount).Sum(CountOf), vocabulary.TrainingCount(Vocabulary.Unknown));
        Assert.Equal(words.Length, Enumerable.Range(0, vocabulary.Count).Sum(id => vocabulary.TrainingCount(id)));
    }

    [Fact]
    public void Build_ReservedIds_AreFixedAndUnknownWordsMapToUnk()
    {
        var vocabulary = Vocabulary.Build(Sentences, 2);
        Assert.Equal((0, 1, 2, 3), (Vocabulary.Pad, Vocabulary.Unknown, Vocabulary.Begin, Vocabulary.End));
        Assert.Equal(["<pad>", "<unk>", "<s>", "</s>"], Enumerable.Range(0, 4).Select(vocabulary.Word));
        Assert.Equal(Vocabulary.Unknown, vocabulary.Id("zebra"));     // seen once, below the minimum
        Assert.Equal(Vocabulary.Unknown, vocabulary.Id("never-seen"));
        Assert.Equal(Vocabulary.ReservedCount, vocabulary.Id("the")); // the most frequent word comes first
        Assert.Equal([4, 1, 1], vocabulary.Encode(["the", "zebra", "quagga"]));
    }

    [Fact]
    public void Build_LiteralReservedTokenInText_IsNotASecondEntry()
    {
        var vocabulary = Vocabulary.Build([["<unk>", "<s>", "a"], ["<unk>", "a"]], 1);
        Assert.Equal(5, vocabulary.Count);
        Assert.Equal(Vocabulary.Unknown, vocabulary.Id("<unk>"));
    }

    [Fact]
    public void Build_MinimumCountBelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Vocabulary.Build(Sentences, 0));

    [Fact]
    public void SaveLoad_RoundTrip_KeepsWordsCountsAndMinimum()
    {
        using var dir = new TempDirectory();
        var vocabulary = Vocabulary.Build(Sentences, 1);
        string path = dir.Combine("vocabulary.json");
        vocabulary.Save(path);
        var loaded = Vocabulary.Load(path);
        Assert.Equal(vocabulary.Count, loaded.Count);
        Assert.Equal(1, loaded.MinimumCount);
        for (int id = 0; id < vocabulary.Count; id++)
        {
            Assert.Equal(vocabulary.Word(id), loaded.Word(id));
            Assert.Equal(vocabulary.TrainingCount(id), loaded.TrainingCount(id));
        }
        Assert.Single(Directory.GetFiles(dir.Path)); // no temporary file left behind
    }

    [Theory]
    [InlineData("not json", "not a vocabulary file")]
    [InlineData("""{"format":"other","minimumCount":1,"words":[],"counts":[]}""", "not a vocabulary file")]
    [InlineData("""{"format":"workbench-vocabulary","minimumCount":1,"words":["<pad>","<unk>","<s>","</s>","a"],"counts":[0,0,0,0]}""", "5 words but 4 counts")]
    [InlineData("""{"format":"workbench-vocabulary","minimumCount":1,"words":["<unk>","<pad>","<s>","</s>"],"counts":[0,0,0,0]}""", "reserved tokens")]
    [InlineData("""{"format":"workbench-vocabulary","minimumCount":1,"words":["<pad>","<unk>","<s>","</s>","a","a"],"counts":[0,0,0,0,1,1]}""", "\"a\" appears twice")]
    public void Load_MalformedFile_NamesFileAndProblem(string json, string problem)
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("vocabulary.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<DataFileException>(() => Vocabulary.Load(path));
        Assert.StartsWith(path, error.Message);
        Assert.Contains(problem, error.Message);
    }
}
