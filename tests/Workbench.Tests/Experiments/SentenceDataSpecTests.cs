using System.Text.Json.Nodes;
using Workbench.Data;
using Workbench.Data.Text;
using Workbench.Experiments.Definitions;
using Workbench.Models;
using Workbench.Notebooks;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>Datasets of sentences in experiment files: the data fields, their checks, and the refusal of image models on sentences.</summary>
public class SentenceDataSpecTests
{
    private static string Sentences(int count) =>
        string.Join("\n", Enumerable.Range(0, count).Select(i => string.Join(' ', Convert.ToString(i, 2).Select(b => b == '1' ? "one" : "zero")))) + "\n";

    [Theory]
    [InlineData("""{ "dataset": "text-lines" }""", "data.file", "needs the file of sentences")]
    [InlineData("""{ "dataset": "text-lines", "file": "../elsewhere.txt" }""", "data.file", "leads outside the experiment file's folder")]
    [InlineData("""{ "dataset": "text-lines", "file": "/etc/hostname" }""", "data.file", "leads outside the experiment file's folder")]
    [InlineData("""{ "dataset": "wordnet-definitions", "file": "mine.txt" }""", "data.file", "reads no file of yours")]
    [InlineData("""{ "dataset": "wordnet-definitions", "maxLength": 0 }""", "data.maxLength", "between 1 and 1000 tokens (got 0)")]
    [InlineData("""{ "dataset": "wordnet-definitions", "minimumCount": 0 }""", "data.minimumCount", "at least 1 (got 0)")]
    [InlineData("""{ "dataset": "wordnet-definitions", "heldOutClass": 2 }""", "data.heldOutClass", "sentences, which have no classes")]
    [InlineData("""{ "dataset": "wordnet-definitions", "directory": "/tmp" }""", "data.directory", "is read from the Debian package wordnet-base")]
    [InlineData("""{ "dataset": "fashion-mnist-subset", "maxLength": 20 }""", "data.maxLength", "applies to datasets of sentences")]
    [InlineData("""{ "dataset": "mnist", "file": "mine.txt" }""", "data.file", "not to the images of 'mnist'")]
    [InlineData("""{ "dataset": "wordnet-definitions" }""", "model.variant", "'vae' reads images, but data.dataset 'wordnet-definitions' holds sentences")]
    [InlineData("""{ "dataset": "text-lines", "file": "mine.txt", "minimumCount": 2 }""", "model.variant", "choose a dataset of images (fashion-mnist-subset, fashion-mnist, mnist, sprites")]
    public void Load_SentenceDataFieldsOrAnImageModelOnSentences_NameTheField(string data, string field, string problem)
    {
        var error = ExperimentValidationTests.LoadFails($$"""{ "name": "s", "data": {{data}} }""");
        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Load_DataFileThroughASymbolicLinkLeadingOutside_IsRefused()
    {
        using var outside = new TempDirectory();
        using var dir = new TempDirectory();
        File.WriteAllText(outside.File("theirs.txt"), Sentences(10));
        File.CreateSymbolicLink(dir.File("mine.txt"), outside.File("theirs.txt"));
        File.WriteAllText(dir.File("experiment.json"), """{ "name": "s", "data": { "dataset": "text-lines", "file": "mine.txt" } }""");
        var error = Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand(dir.File("experiment.json")));
        Assert.Equal("data.file", error.Field);
        Assert.Contains("'mine.txt' leads outside the experiment file's folder", error.Message);
    }

    [Fact]
    public void Load_GridPointWithSentenceFieldOnImages_IsRefusedToo()
    {
        var error = ExperimentValidationTests.LoadFails("""{ "name": "s", "grid": { "data.minimumCount": [10, 30] } }""");
        Assert.Equal("data.minimumCount", error.Field);
        Assert.Contains("grid point minimumCount=10", error.Message);
    }

    [Fact]
    public void LoadSentences_TextLinesSpec_UsesTheFileAndTheSpecsRules()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("mine.txt"), Sentences(100));
        var spec = new DataSpec { Dataset = "text-lines", File = dir.File("mine.txt"), MinimumCount = 1, MaxLength = 6, TrainLimit = 20 };
        var splits = ExperimentData.LoadSentences(spec);
        // 0..31 spell in at most 5 words, 32..63 in 6, 64..99 in 7 (over maxLength 6): 64 sentences, split 56/3/3, then 20 training kept.
        Assert.Equal((64, 36), (splits.LinesRead - splits.TooLongDropped, splits.TooLongDropped));
        Assert.Equal((20, 3, 3), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
        Assert.Equal(6, splits.Vocabulary.Count); // the reserved ids, "one" and "zero"
        Assert.Equal(2016UL, splits.SplitSeed);
    }

    [Fact]
    public void LoadSentences_SpecFromAnExperimentFile_ReadsTheFileBesideIt()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("texts"));
        File.WriteAllText(dir.File(Path.Combine("texts", "mine.txt")), Sentences(40));
        var json = JsonNode.Parse("""{ "name": "s", "data": { "dataset": "text-lines", "file": "texts/mine.txt", "minimumCount": 1 } }""")!.AsObject();
        // Loading stops at the model (no variant reads sentences yet), so the data spec is bound the way the loader binds it.
        var error = Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand(dir.File("experiment.json"), json));
        Assert.Equal("model.variant", error.Field);
        var spec = new DataSpec { Dataset = "text-lines", File = Path.Combine(dir.Path, "texts", "mine.txt"), MinimumCount = 1 };
        Assert.Equal(40, ExperimentData.LoadSentences(spec).SentenceCount);
    }

    [Fact]
    public void LoadSentences_HostileFile_NamesTheFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("mine.txt"), [0x61, 0x00]);
        var error = Assert.Throws<DataFileException>(() => ExperimentData.LoadSentences(new DataSpec { Dataset = "text-lines", File = dir.File("mine.txt") }));
        Assert.StartsWith(dir.File("mine.txt") + ": line 1 contains a NUL byte", error.Message);
    }

    [Fact]
    public void RunnerCheck_RunOnAnUnusableFileOfSentences_FailsBeforeAnyFolder()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("mine.txt"), "\n\n");
        var definition = new ExperimentDefinition { Name = "s", Data = new DataSpec { Dataset = "text-lines", File = dir.File("mine.txt") } };
        var run = new RunSpec("default", new Dictionary<string, JsonNode?>(), definition, new JsonObject());
        var runner = new Workbench.Experiments.Running.ExperimentRunner(new() { ResultsRoot = dir.File("results"), Log = TextWriter.Null });
        var error = Assert.Throws<DataFileException>(() => runner.Check("experiment.json", [run]));
        Assert.Equal(dir.File("mine.txt") + ": is empty: expected one sentence per line.", error.Message);
        Assert.False(Directory.Exists(dir.File("results")));
    }

    [Fact]
    public void LoadAndLoadSentences_WrongKindOfDataset_SayWhichLoaderFits()
    {
        Assert.Contains("holds sentences, not images", Assert.Throws<ArgumentException>(() => ExperimentData.Load(new DataSpec { Dataset = "wordnet-definitions" })).Message);
        Assert.Contains("holds images, not sentences", Assert.Throws<ArgumentException>(() => ExperimentData.LoadSentences(new DataSpec())).Message);
    }

    [Fact]
    public void DataSpecInput_SentenceDatasetsReadSentencesAndTheRestImages()
    {
        Assert.Equal(DataSpec.Sentences, DataSpec.Known.Where(k => new DataSpec { Dataset = k }.Input == ModelInput.Sentences));
        Assert.All(VaeConfig.VariantNames, v => Assert.Equal(v is "sequence-vae" or "rnn-lm" ? ModelInput.Sentences : ModelInput.Images,
            System.Text.Json.JsonSerializer.Deserialize<VaeConfig>($$"""{ "variant": "{{v}}" }""", ExperimentJson.Options)!.Input));
    }

    [Fact]
    public void LabLoadSentences_OwnFile_DeconstructsIntoThreeSplits()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("mine.txt"), Sentences(60));
        var (train, validation, test) = Lab.LoadSentences(dir.File("mine.txt"), minimumCount: 1);
        Assert.Equal((54, 3, 3), (train.Count, validation.Count, test.Count));
        Assert.Same(train.Vocabulary, test.Vocabulary);
    }

    [Fact]
    public void LabLoadWordNetDefinitions_Defaults_AreTheCorpusDefaults()
    {
        var (train, validation, test) = Lab.LoadWordNetDefinitions();
        Assert.Equal((100_042, 5_558, 5_558, 3_160), (train.Count, validation.Count, test.Count, train.Vocabulary.Count));
    }
}
