using System.Text.Json;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>
/// Two tiny runs on the bundled subset, each trained without one class and with the denoising evaluation on:
/// what the run folders hold (anomaly.json, denoising.json) checked against the library recomputing it from
/// the saved models, and the report's sections.
/// </summary>
public sealed class UsesExperimentFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public UsesExperimentFixture()
    {
        ExperimentFile = _directory.File("uses.json");
        File.WriteAllText(ExperimentFile, """
        {
          "name": "uses",
          "data": { "dataset": "fashion-mnist-subset", "trainLimit": 400, "testLimit": 200 },
          "model": { "latentSize": 4, "hiddenSizes": [32] },
          "training": { "epochs": 2, "batchSize": 50 },
          "evaluation": { "importanceSamples": 3, "images": false, "denoising": true },
          "grid": { "data.heldOutClass": [1, 8] }
        }
        """);
        ResultsRoot = _directory.File("results");
        Summaries = new ExperimentRunner(new RunnerOptions { ResultsRoot = ResultsRoot, ShowProgress = false, Log = TextWriter.Null }).Run(ExperimentFile);
        Report = File.ReadAllText(ExperimentReport.Write(Path.Combine(ResultsRoot, "uses")).Path);
    }

    public string ExperimentFile { get; }
    public string ResultsRoot { get; }
    public IReadOnlyList<RunSummary> Summaries { get; }
    public string Report { get; }

    public string RunFolder(int heldOut) => Path.Combine(ResultsRoot, "uses", $"heldOutClass={heldOut}");

    public void Dispose() => _directory.Dispose();
}

public class UsesExperimentTests(UsesExperimentFixture fixture) : IClassFixture<UsesExperimentFixture>
{
    private static T Read<T>(string path) => JsonSerializer.Deserialize<T>(File.ReadAllText(path), ExperimentJson.Options)!;

    [Fact]
    public void HeldOutClass_IsLeftOutOfTrainingOnly()
    {
        Assert.Equal(2, fixture.Summaries.Count);
        var trained = TrainedRun.Load(fixture.RunFolder(8));
        var (train, test) = ExperimentData.Load(trained.Definition.Data);
        Assert.DoesNotContain(8, train.Labels.ToArray());
        Assert.Contains(8, test.Labels.ToArray());
        Assert.Equal(train.Count, fixture.Summaries.Single(s => s.Run == "heldOutClass=8").TrainImages);
        Assert.Equal(200, test.Count);
    }

    [Fact]
    public void AnomalyJson_MatchesScoresRecomputedFromTheSavedModel()
    {
        var anomaly = Read<AnomalyDetection>(Path.Combine(fixture.RunFolder(8), AnomalyDetection.FileName));
        var trained = TrainedRun.Load(fixture.RunFolder(8));
        var test = ExperimentData.Load(trained.Definition.Data).Test;
        var scores = AnomalyScores.Compute(trained.Model, test, importanceSamples: 3, seed: trained.Definition.Training.Seed);
        Assert.Equal(8, anomaly.HeldOutClass);
        Assert.Equal("Bag", anomaly.ClassName);
        Assert.Equal(test.Labels.ToArray().Count(l => l == 8), anomaly.HeldOutImages);
        Assert.Equal(["negative-elbo", "importance-weighted", "reconstruction-error"], anomaly.Scores.Select(s => s.Score));
        foreach (var (name, values) in scores.All())
        {
            var stored = anomaly.Scores.Single(s => s.Score == name);
            Assert.Equal(Auroc.Compute(values, test.Labels, 8), stored.Auroc, 9);
            Assert.Equal(test.Count, stored.HeldOutCounts.Sum() + stored.OthersCounts.Sum());
            Assert.Equal(AnomalyDetection.Bins + 1, stored.BinEdges.Length);
        }
    }

    [Fact]
    public void DenoisingJson_MatchesTheLibraryOnTheSavedModel()
    {
        var stored = Read<DenoisingResult[]>(Path.Combine(fixture.RunFolder(1), DenoisingArtifacts.FileName));
        var trained = TrainedRun.Load(fixture.RunFolder(1));
        var test = ExperimentData.Load(trained.Definition.Data).Test;
        var again = Denoising.Evaluate(trained.Model, test, Corruption.Standard, DenoisingArtifacts.Images, trained.Definition.Training.Seed);
        Assert.Equal(["gaussian-noise", "salt-and-pepper", "masked-square"], stored.Select(r => r.Corruption));
        for (int i = 0; i < again.Count; i++)
        {
            Assert.Equal(again[i].InputPsnr, stored[i].InputPsnr, 9);
            Assert.Equal(again[i].OutputPsnr, stored[i].OutputPsnr, 9);
            Assert.Equal(200, stored[i].Images); // all of the 200 test images: fewer than DenoisingArtifacts.Images
        }
        Assert.True(File.Exists(Path.Combine(fixture.RunFolder(1), "images", "denoising.png")));
    }

    [Fact]
    public void Report_HasAnomalyAndDenoisingSectionsWithTablesAndFigures()
    {
        Assert.Contains("<h2>Anomaly detection</h2>", fixture.Report);
        Assert.Contains("<h2>Denoising</h2>", fixture.Report);
        Assert.Contains("AUROC negative-elbo", fixture.Report);
        Assert.Contains(">Trouser</td>", fixture.Report);
        Assert.Contains(">Bag</td>", fixture.Report);
        foreach (var chart in new[] { "anomaly-auroc", "anomaly-histograms", "denoising-psnr", "denoising-pictures" })
        {
            Assert.Contains(chart, fixture.Report);
            Assert.True(File.Exists(Path.Combine(fixture.ResultsRoot, "uses", "figures", chart + ".html")), chart);
        }
        // The AUROC bars are named by the scores' symbols, as in the README's table, not by their keys.
        var detection = Read<AnomalyDetection>(Path.Combine(fixture.RunFolder(8), AnomalyDetection.FileName));
        var traces = JsonDocument.Parse(UsesReport.AurocFigure([detection]).ToJson()).RootElement.GetProperty("data");
        Assert.Equal(["−ELBO", "−L_3", "reconstruction error"], traces.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("""{ "name": "h", "data": { "heldOutClass": -1 } }""", "data.heldOutClass", "≥ 0")]
    public void Load_NegativeHeldOutClass_NamesTheField(string json, string field, string expected)
    {
        using var directory = new TempDirectory();
        var path = directory.File("h.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand(path));
        Assert.Equal(field, error.Field);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Run_HeldOutClassBeyondTheDataset_FailsNamingTheFieldBeforeAnyFolder()
    {
        using var directory = new TempDirectory();
        var path = directory.File("h.json");
        File.WriteAllText(path, """{ "name": "h", "data": { "trainLimit": 50, "testLimit": 20, "heldOutClass": 10 } }""");
        var runner = new ExperimentRunner(new RunnerOptions { ResultsRoot = directory.File("results"), ShowProgress = false, Log = TextWriter.Null });
        var error = Assert.Throws<ExperimentFileException>(() => runner.Run(path));
        Assert.Equal("data.heldOutClass", error.Field);
        Assert.Contains("classes 0–9", error.Message);
        Assert.False(Directory.Exists(Path.Combine(directory.File("results"), "h", "default")));
    }
}
