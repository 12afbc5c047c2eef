using System.Diagnostics;
using Workbench.Experiments.Definitions;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>Experiment files that ask for something the workbench would silently ignore or could not hold in memory.</summary>
public class ExperimentFileLimitsTests
{
    private static ExperimentFileException LoadFails(string json) => ExperimentValidationTests.LoadFails(json);

    [Theory]
    [InlineData("fashion-mnist-subset")]
    [InlineData("sprites")]
    public void Expand_DirectoryWithADatasetThatReadsNoFiles_ErrorNamesTheFieldAndTheDataset(string dataset)
    {
        var error = LoadFails($$"""{ "name": "d", "data": { "dataset": "{{dataset}}", "directory": "/data/my-own-images" } }""");

        Assert.Equal("data.directory", error.Field);
        Assert.Contains(dataset, error.Message);
        Assert.Contains("/data/my-own-images", error.Message);
        Assert.Contains("fashion-mnist, mnist", error.Message);
    }

    [Fact]
    public void Expand_DirectoryGivenThroughTheGridWithTheBundledSubset_ErrorNamesTheField()
    {
        var error = LoadFails("""{ "name": "d", "grid": { "data.directory": ["/data/a", "/data/b"] } }""");

        Assert.Contains("data.directory", error.Message);
        Assert.Contains("fashion-mnist-subset", error.Message);
    }

    [Fact]
    public void Train_DataDirWithTheBundledSubset_ExitsOneNamingTheFlag_AndWritesNothing()
    {
        using var directory = new TempDirectory();
        var output = Path.Combine(directory.Path, "results", "subset");

        var (exitCode, _, error) = CliRunner.Invoke(["train", .. CliRunner.TinyTrainFlags, "--data-dir", directory.Path, "--output", output]);

        Assert.Equal(1, exitCode);
        Assert.Contains("--data-dir", error);
        Assert.Contains("fashion-mnist-subset", error);
        Assert.False(Directory.Exists(Path.Combine(directory.Path, "results")));
    }

    [Fact]
    public void Expand_GridOfABillionPoints_FailsQuicklyNamingTheGridItsSizeAndTheLimit()
    {
        // Nine fields of ten values: 10^9 runs; expanding them would take all memory.
        string[] keys = ["model.beta", "model.latentSize", "training.seed", "training.epochs", "training.batchSize", "training.learningRate",
            "data.trainLimit", "data.testLimit", "evaluation.importanceSamples"];
        var fields = string.Join(", ", keys.Select(key => $"\"{key}\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"));
        var clock = Stopwatch.StartNew();

        var error = LoadFails($$"""{ "name": "huge", "grid": { {{fields}} } }""");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal("grid", error.Field);
        Assert.Contains("1000000000 runs", error.Message);
        Assert.Contains("10 × 10 × 10", error.Message);
        Assert.Contains(ExperimentLoader.MaxRuns.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public void Expand_GridAtTheLimit_IsCountedNotRefused()
    {
        using var directory = new TempDirectory();
        var path = directory.File("experiment.json");
        File.WriteAllText(path, """{ "name": "seeds", "grid": { "training.seed": [1, 2, 3], "model.latentSize": [1, 2] } }""");

        Assert.Equal(6, ExperimentLoader.Expand(path).Runs.Count);
        Assert.Equal(6, ExperimentLoader.CountRuns(new Dictionary<string, System.Text.Json.JsonElement[]>
        {
            ["training.seed"] = new System.Text.Json.JsonElement[3], ["model.latentSize"] = new System.Text.Json.JsonElement[2],
        }));
    }
}
