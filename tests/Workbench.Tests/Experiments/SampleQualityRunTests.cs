using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.Experiments.SampleQuality;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>
/// An experiment that asks for sample quality, on 600 bundled images: the runner trains the feature classifier on first
/// use (saying so, with progress), measures every run and draws the comparison into the report.
/// </summary>
public sealed class SampleQualityRunTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private IReadOnlyList<RunSummary> Run(StringWriter log, string name = "quality") =>
        new ExperimentRunner(new RunnerOptions { ResultsRoot = _directory.File("results"), ShowProgress = false, Log = log })
            .Run(CliRunner.Write(_directory.Path, name + ".json", $$"""
                {
                  "name": "{{name}}",
                  "data": { "dataset": "fashion-mnist-subset", "trainLimit": 600, "testLimit": 200 },
                  "model": { "variant": "vae", "latentSize": 3, "hiddenSizes": [16] },
                  "training": { "epochs": 1, "batchSize": 100 },
                  "evaluation": { "sampleQuality": { "samples": 150, "neighbours": 3, "mixtureComponents": 2 } },
                  "grid": { "model.likelihood": ["bernoulli", "gaussian-fixed-variance"] }
                }
                """));

    [Fact]
    public void Run_WithSampleQuality_TrainsTheClassifierOnFirstUse_AndMeasuresEveryRun()
    {
        var log = new StringWriter();
        var summaries = Run(log);
        var text = log.ToString();
        Assert.Contains("Training the feature classifier for fashion-mnist-subset (first use", text);
        Assert.Contains("feature classifier: epoch 8/8 100%", text);
        Assert.Single(text.Split('\n'), line => line.StartsWith("Training the feature classifier")); // once, not per run
        Assert.True(File.Exists(FeatureClassifierStore.WeightsPath(_directory.File("results"), "fashion-mnist-subset")));
        var info = FeatureClassifierStore.TryLoad(_directory.File("results"), "fashion-mnist-subset", 10)!.Value.Info;
        Assert.Equal(600, info.TrainImages);

        Assert.Equal(2, summaries.Count);
        foreach (var summary in summaries)
        {
            var quality = Assert.IsType<SampleQualityResult>(summary.SampleQuality);
            Assert.Equal((150, 150, 3, 2), (quality.Samples, quality.RealImages, quality.Neighbours, quality.MixtureComponents));
            Assert.Equal(info.TestAccuracy, quality.ClassifierTestAccuracy);
            Assert.NotNull(quality.ExPostMixture);
            foreach (var scores in new[] { quality.Prior, quality.ExPostMixture! })
            {
                Assert.True(scores.FrechetDistance > 0 && double.IsFinite(scores.FrechetDistance), scores.ToString());
                Assert.InRange(scores.Precision, 0, 1);
                Assert.InRange(scores.Recall, 0, 1);
            }
            var folder = _directory.File(Path.Combine("results", "quality", summary.Run));
            var written = JsonSerializer.Deserialize<SampleQualityResult>(File.ReadAllText(Path.Combine(folder, SampleQualityResult.FileName)), ExperimentJson.Options)!;
            Assert.Equal(quality.Prior, written.Prior);
            Assert.True(File.Exists(Path.Combine(folder, "images", SampleQualityJudge.ExPostSamplesImage + ".png")));
        }
        var (reportPath, _) = ExperimentReport.Write(_directory.File(Path.Combine("results", "quality")));
        var report = File.ReadAllText(reportPath);
        Assert.Contains("Sample quality", report);
        Assert.Contains("Ex-post mixture samples", report);
        Assert.True(File.Exists(_directory.File(Path.Combine("results", "quality", "figures", "sample-quality.html"))));

        // A second experiment reuses the stored classifier.
        var again = new StringWriter();
        Run(again, "quality-again");
        Assert.DoesNotContain("Training the feature classifier", again.ToString());
    }

    [Theory]
    [InlineData("""{ "samples": 5 }""", "evaluation.sampleQuality.samples")]
    [InlineData("""{ "samples": 100, "neighbours": 100 }""", "evaluation.sampleQuality.neighbours")]
    [InlineData("""{ "mixtureComponents": -1 }""", "evaluation.sampleQuality.mixtureComponents")]
    public void SampleQualityOutOfRange_IsRefusedNamingTheField(string section, string field)
    {
        var path = CliRunner.Write(_directory.Path, "bad.json", $$"""{ "name": "bad", "evaluation": { "sampleQuality": {{section}} } }""");
        var error = Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand(path));
        Assert.Contains(field, error.Message);
    }
}
