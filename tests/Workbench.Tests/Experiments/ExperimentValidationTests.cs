using Workbench.Experiments.Definitions;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>Hostile or mistaken experiment files: each gives one error naming the file, the field and what is allowed.</summary>
public class ExperimentValidationTests
{
    /// <summary>Loads <paramref name="json"/> as an experiment file; asserts it fails with a message starting with the file's path.</summary>
    internal static ExperimentFileException LoadFails(string json)
    {
        using var directory = new TempDirectory();
        var path = directory.File("experiment.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand(path));
        Assert.StartsWith(path + ":", error.Message);
        return error;
    }

    [Theory]
    [InlineData("""{ "name": "d", "grid": { "model.klPenalty": [ { "$id": "a", "kind": "free-bits", "lambda": 0.1, "schedule": { "kind": "constant" } }, { "$id": "a", "kind": "capacity" } ] } }""",
        "\"$id\":\"a\",\"kind\":\"free-bits\"", "\"$id\":\"a\",\"kind\":\"capacity\"")]
    [InlineData("""{ "name": "d", "grid": { "training.seed": [1, 1] } }""", "training.seed: 1}", "training.seed: 1}")]
    [InlineData("""{ "name": "d", "data": { "dataset": "mnist" }, "grid": { "data.directory": ["/tmp/a b", "/tmp/a-b"] } }""", "\"/tmp/a b\"", "\"/tmp/a-b\"")]
    public void Expand_TwoGridPointsWithOneRunId_ErrorNamesBothValues(string json, string first, string second)
    {
        var error = LoadFails(json);
        Assert.Equal("grid", error.Field);
        Assert.Contains("both get the run id", error.Message);
        int at = error.Message.IndexOf(first, StringComparison.Ordinal);
        Assert.True(at >= 0, error.Message);
        Assert.True(error.Message.IndexOf(second, at + 1, StringComparison.Ordinal) > at, error.Message);
    }

    [Fact]
    public void RunId_LongGridValues_AreShortenedDeterministicallyAndStayUnique()
    {
        using var directory = new TempDirectory();
        string a = new('a', 300), b = new string('a', 299) + "b";
        var path = directory.File("long.json");
        File.WriteAllText(path, $$"""{ "name": "long", "data": { "dataset": "mnist" }, "grid": { "data.directory": ["/{{a}}", "/{{b}}"] } }""");

        var runs = ExperimentLoader.Expand(path).Runs;
        var again = ExperimentLoader.Expand(path).Runs;

        Assert.All(runs, r => Assert.True(r.Id.Length <= RunIds.MaxLength, r.Id));
        Assert.NotEqual(runs[0].Id, runs[1].Id);
        Assert.Equal(runs.Select(r => r.Id), again.Select(r => r.Id));
        Assert.StartsWith("directory=-aaaa", runs[0].Id);
        // The folder can be created: no PathTooLongException.
        Assert.True(Directory.CreateDirectory(Path.Combine(directory.Path, "long", runs[0].Id)).Exists);
    }

    [Fact]
    public void Expand_ThreeHundredCharacterName_ErrorSaysTheLimit()
    {
        var error = LoadFails($$"""{ "name": "{{new string('n', 300)}}" }""");
        Assert.Equal("name", error.Field);
        Assert.Contains($"at most {ExperimentLoader.MaxNameLength}", error.Message);
    }

    [Theory]
    [InlineData("q\\n")]
    [InlineData("q\\nr")]
    [InlineData("q\\u0007")]
    [InlineData("q\\t")]
    [InlineData("q r")]
    [InlineData("q/r")]
    public void Expand_NameWithControlOrUnsafeCharacter_IsRefused(string escapedName)
    {
        var error = LoadFails($$"""{ "name": "{{escapedName}}" }""");
        Assert.Equal("name", error.Field);
        Assert.Contains("letters, digits", error.Message);
    }

    [Fact]
    public void Expand_DuplicateKeys_ErrorNamesTheFileAndTheKey()
    {
        var error = LoadFails("""{ "name": "q", "name": "q2" }""");
        Assert.Contains("Duplicate property 'name'", error.Message);
        var nested = LoadFails("""{ "name": "q", "model": { "latentSize": 2, "latentSize": 3 } }""");
        Assert.Contains("Duplicate property 'latentSize'", nested.Message);
    }

    [Theory]
    [InlineData("""{ "name": "n", "model": null }""", "model")]
    [InlineData("""{ "name": "n", "data": null }""", "data")]
    [InlineData("""{ "name": "n", "training": null }""", "training")]
    [InlineData("""{ "name": "n", "evaluation": null }""", "evaluation")]
    [InlineData("""{ "name": "n", "grid": null }""", "grid")]
    [InlineData("""{ "name": "n", "grid": { "model.latentSize": null } }""", "grid.model.latentSize")]
    [InlineData("""{ "name": "n", "model": { "hiddenSizes": null } }""", "model.hiddenSizes")]
    [InlineData("""{ "name": "n", "model": { "activation": null } }""", "model.activation")]
    [InlineData("""{ "name": "n", "model": { "klPenalty": { "kind": "weighted", "schedule": null } } }""", "model.klPenalty.schedule")]
    [InlineData("""{ "name": "n", "data": { "dataset": null } }""", "data.dataset")]
    public void Expand_NullSection_ErrorNamesTheField(string json, string field)
    {
        var error = LoadFails(json);
        Assert.Equal(field, error.Field);
        Assert.Contains("null", error.Message);
    }

    [Theory]
    [InlineData("""{ "kind": "capacity", "gamma": -1 }""", "model.klPenalty.gamma", "≥ 0")]
    [InlineData("""{ "kind": "capacity", "maxCapacity": -5 }""", "model.klPenalty.maxCapacity", "≥ 0")]
    [InlineData("""{ "kind": "capacity", "rampFraction": 1.5 }""", "model.klPenalty.rampFraction", "between 0 and 1")]
    [InlineData("""{ "kind": "free-bits", "lambda": -0.5, "schedule": { "kind": "constant" } }""", "model.klPenalty.lambda", "≥ 0")]
    [InlineData("""{ "kind": "weighted", "schedule": { "kind": "constant", "beta": -1 } }""", "model.klPenalty.schedule.beta", "≥ 0")]
    [InlineData("""{ "kind": "weighted", "schedule": { "kind": "linear-warmup", "warmupFraction": -0.1 } }""", "model.klPenalty.schedule.warmupFraction", "between 0 and 1")]
    [InlineData("""{ "kind": "weighted", "schedule": { "kind": "cyclical", "cycles": 0 } }""", "model.klPenalty.schedule.cycles", "between 1 and")]
    [InlineData("""{ "kind": "weighted", "schedule": { "kind": "cyclical", "ratio": 2 } }""", "model.klPenalty.schedule.ratio", "between 0 and 1")]
    public void Expand_KlPenaltyOutOfRange_ErrorNamesTheFieldAndTheRange(string penalty, string field, string range)
    {
        var error = LoadFails($$"""{ "name": "k", "model": { "klPenalty": {{penalty}} } }""");
        Assert.Equal(field, error.Field);
        Assert.Contains(range, error.Message);
    }

    [Theory]
    [InlineData("""{ "model": { "latentSize": 1000000000 } }""", "model.latentSize", "between 1 and 65536")]
    [InlineData("""{ "model": { "latentSize": 1e9 } }""", "model.latentSize", "")]
    [InlineData("""{ "model": { "hiddenSizes": [60000, 60000] } }""", "model.hiddenSizes", "at most 2147483647")]
    [InlineData("""{ "model": { "imageHeight": 100000 } }""", "model.imageHeight", "between 1 and 4096")]
    [InlineData("""{ "model": { "gaussianSigma": "Infinity" } }""", "model.gaussianSigma", "finite")]
    [InlineData("""{ "model": { "variant": "beta-vae", "beta": -2 } }""", "model.beta", "≥ 0")]
    [InlineData("""{ "model": { "variant": "cvae", "classes": 1 } }""", "model.classes", "between 2 and")]
    [InlineData("""{ "training": { "learningRate": "Infinity" } }""", "training.learningRate", "at most 10")]
    [InlineData("""{ "training": { "batchSize": 0 } }""", "training.batchSize", "between 1 and")]
    [InlineData("""{ "training": { "clipGradientNorm": -1 } }""", "training.clipGradientNorm", "> 0")]
    [InlineData("""{ "evaluation": { "importanceSamples": -1 } }""", "evaluation.importanceSamples", "between 1 and 100000")]
    [InlineData("""{ "evaluation": { "importanceImages": 0 } }""", "evaluation.importanceImages", "at least 1")]
    [InlineData("""{ "evaluation": { "activeUnitThreshold": -0.1 } }""", "evaluation.activeUnitThreshold", "≥ 0")]
    [InlineData("""{ "data": { "trainLimit": 0 } }""", "data.trainLimit", "at least 1")]
    public void Expand_NumberOutOfRange_ErrorNamesTheFieldAndTheRange(string sections, string field, string range)
    {
        var json = "{ \"name\": \"r\", " + sections.TrimStart()[1..];
        var error = LoadFails(json);
        Assert.Equal(field, error.Field);
        Assert.Contains(range, error.Message);
    }
}
