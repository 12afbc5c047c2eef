using System.Text.Json;
using Workbench.Data;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.Models.SemiSupervised;
using Workbench.Tensors;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Experiments;

/// <summary>
/// Semi-supervised M2 from an experiment file: a tiny grid (M2 and the classifier-only baseline) writes the labelled
/// subset and the test classification error; bad label counts give one clear message; the interleaved labelled stream
/// survives a checkpoint and resume bit for bit.
/// </summary>
public sealed class SemiSupervisedRunTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Experiment(string model, string grid = "") => CliRunner.Write(_directory.Path, "m2.json", $$"""
        {
          "name": "m2",
          "data": { "dataset": "fashion-mnist-subset", "trainLimit": 300, "testLimit": 100 },
          "model": { "variant": "m2", "hiddenSizes": [16], "latentSize": 2, {{model}} },
          "training": { "epochs": 2, "batchSize": 50 },
          "evaluation": { "images": false }{{grid}}
        }
        """);

    private ExperimentRunner Runner() => new(new RunnerOptions { ResultsRoot = _directory.File("results"), ShowProgress = false, Log = TextWriter.Null });

    [Fact]
    public void Run_M2AndBaseline_WriteTheSubsetAndTheTestErrorIntoTheRunFolder()
    {
        var summaries = Runner().Run(Experiment("\"labels\": 20, \"labelSeed\": 3", ",\n  \"grid\": { \"model.classifierOnly\": [false, true] }"));

        Assert.Equal(2, summaries.Count);
        var train = ExperimentData.Load(new DataSpec { Dataset = "fashion-mnist-subset", TrainLimit = 300, TestLimit = 100 }).Train;
        foreach (var summary in summaries)
        {
            string folder = _directory.File(Path.Combine("results", "m2", summary.Run));
            using var subset = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, ExperimentRunner.LabelledSubsetFile)));
            var indices = subset.RootElement.GetProperty("indices").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(LabelledSubset.Draw(train, 20, 3).Indices, indices);
            Assert.Equal(3UL, subset.RootElement.GetProperty("seed").GetUInt64());

            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, RunFolder.SummaryFile)));
            Assert.Equal(20, json.RootElement.GetProperty("labels").GetInt32());
            Assert.Equal(3UL, json.RootElement.GetProperty("labelSeed").GetUInt64());
            double error = json.RootElement.GetProperty("testClassificationError").GetDouble();
            Assert.Equal(summary.TestClassificationError, error);
            Assert.InRange(error, 0, 1);
            Assert.Contains("test_classification_error", File.ReadLines(Path.Combine(folder, "metrics.csv")).First());
        }
        Assert.Equal(["classifier only (cross-entropy on the labelled images)", "M2 (enumerated labels, α=0.1)"], summaries.Select(s => s.Objective).Order());
        var table = new RunSummaryTable(summaries).ToTable().ToString();
        Assert.Contains("test error %", table);
        Assert.Contains("label seed", table);
    }

    [Theory]
    [InlineData("\"labels\": 25", "model.labels")]
    [InlineData("\"labels\": 400", "model.labels")]
    public void Run_BadLabelCount_OneMessageNamingTheFieldAndNoFolder(string labels, string field)
    {
        var error = Assert.Throws<ExperimentFileException>(() => Runner().Run(Experiment(labels)));
        Assert.Contains(field, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(_directory.File(Path.Combine("results", "m2", "default"))));
    }

    private static SemiSupervisedVae Model(ulong seed = 5) =>
        (SemiSupervisedVae)new SemiSupervisedVaeConfig { HiddenSizes = [16], LatentSize = 2, Labels = 20 }.Build(new Rng(seed));

    private TrainingOptions Options(string? directory = null) => new()
    {
        Epochs = 2, BatchSize = 32, Seed = 1, ShowProgress = false, CheckpointDirectory = directory,
    };

    [Fact]
    public void Fit_SemiSupervised_CancelledMidEpochThenResumed_EndsBitForBitAsTheUninterruptedRun()
    {
        var train = TestData.Fashion(200);
        var test = TestData.Fashion(50, offset: 200);
        var labelled = LabelledSubset.Draw(train, 20, 1).Of(train); // 20 labels, batches of 20: a new pass every step

        var expectedModel = Model();
        var expected = new Trainer(expectedModel, Options()).Fit(train, test, labelled);

        string checkpoints = _directory.File("checkpoints");
        using var cancellation = new CancellationTokenSource();
        var trainer = new Trainer(Model(), Options(checkpoints));
        trainer.BatchCompleted += m => { if (m.Step == 9) cancellation.Cancel(); };
        Assert.True(trainer.Fit(train, test, labelled, cancellation.Token).Stopped);
        var resumedModel = Model(seed: 99);
        var resumed = new Trainer(resumedModel, Options(checkpoints)).Fit(train, test, labelled);

        Assert.Equal(1, resumed.ResumedFromEpoch);
        Assert.Equal(expectedModel.Parameters().Select(p => p.ToArray()), resumedModel.Parameters().Select(p => p.ToArray()));
        Assert.Equal(expected.History.Select(m => (m.TrainLoss, m.TestLoss, m.TestClassificationError)),
                     resumed.History.Select(m => (m.TrainLoss, m.TestLoss, m.TestClassificationError)));
        Assert.All(expected.History, m => Assert.NotNull(m.TestClassificationError));
    }

    [Fact]
    public void Fit_SemiSupervised_TheLabelledStreamChangesTheRun()
    {
        var train = TestData.Fashion(100);
        var withLabels = Model();
        var withoutLabels = Model();
        new Trainer(withLabels, Options() with { Epochs = 1 }).Fit(train, null, LabelledSubset.Draw(train, 20, 1).Of(train));
        new Trainer(withoutLabels, Options() with { Epochs = 1 }).Fit(train, null, LabelledSubset.Draw(train, 20, 2).Of(train));
        Assert.NotEqual(withLabels.Classifier.Parameters().First().ToArray(), withoutLabels.Classifier.Parameters().First().ToArray());
    }
}
