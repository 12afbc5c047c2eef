using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Optim;
using Workbench.Optim.Schedules;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Experiments;

/// <summary>training.optimizer, training.learningRateSchedule, training.validationFraction and training.earlyStopping in experiment files.</summary>
public class OptimizerFieldsTests
{
    private static IReadOnlyList<RunSpec> Expand(string json)
    {
        using var directory = new TempDirectory();
        var path = directory.File("e.json");
        File.WriteAllText(path, json);
        return ExperimentLoader.Expand(path).Runs;
    }

    private static ExperimentFileException LoadFails(string json)
    {
        using var directory = new TempDirectory();
        var path = directory.File("e.json");
        File.WriteAllText(path, json);
        return Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand(path));
    }

    [Fact]
    public void Expand_AllFourFields_BindToTheirConfigurations()
    {
        var training = Expand("""
            { "name": "a", "training": {
                "optimizer": { "kind": "adamw", "weightDecay": 0.05, "amsgrad": true },
                "learningRateSchedule": { "kind": "cosine", "warmupEpochs": 2, "etaMin": 1e-5 },
                "validationFraction": 0.1,
                "earlyStopping": { "metric": "negative-elbo", "patience": 3, "minDelta": 0.01 } } }
            """)[0].Definition.Training;

        var optimizer = Assert.IsType<AdamWConfig>(training.Optimizer);
        Assert.Equal(0.05f, optimizer.WeightDecay);
        Assert.True(optimizer.Amsgrad);
        var schedule = Assert.IsType<CosineAnnealingLRConfig>(training.LearningRateSchedule);
        Assert.Equal(2, schedule.WarmupEpochs);
        Assert.Null(schedule.TMax);
        Assert.Equal(0.1, training.ValidationFraction);
        Assert.Equal(new EarlyStoppingConfig { Metric = EarlyStoppingMetric.NegativeElbo, Patience = 3, MinDelta = 0.01 }, training.EarlyStopping);
    }

    [Fact]
    public void Expand_GridOverOptimizersAndSchedules_OneRunEach()
    {
        var runs = Expand("""
            { "name": "a", "grid": {
                "training.optimizer": [ { "$id": "adam", "kind": "adam" }, { "$id": "sgd", "kind": "sgd", "momentum": 0.9, "nesterov": true },
                                        { "$id": "rmsprop", "kind": "rmsprop", "centered": true } ],
                "training.learningRateSchedule": [ { "$id": "step", "kind": "step", "stepSize": 3 }, { "$id": "plateau", "kind": "plateau", "patience": 2 } ] } }
            """);
        Assert.Equal(6, runs.Count);
        Assert.Contains(runs, r => r.Id == "optimizer=sgd_learningRateSchedule=plateau" && r.Definition.Training.Optimizer is SgdConfig { Nesterov: true });
        Assert.All(runs, r => Assert.NotNull(r.Definition.Training.LearningRateSchedule));
    }

    [Theory]
    [InlineData("""{ "optimizer": { "kind": "adam", "beta1": 1.5 } }""", "training.optimizer.beta1", "must be in [0, 1)")]
    [InlineData("""{ "optimizer": { "kind": "sgd", "nesterov": true } }""", "training.optimizer.nesterov", "needs momentum > 0")]
    [InlineData("""{ "optimizer": { "kind": "rmsprop", "alpha": -0.1 } }""", "training.optimizer.alpha", "must be in [0, 1]")]
    [InlineData("""{ "learningRateSchedule": { "kind": "step", "stepSize": 0 } }""", "training.learningRateSchedule.stepSize", "must be an integer in [1,")]
    [InlineData("""{ "learningRateSchedule": { "kind": "multi-step" } }""", "training.learningRateSchedule.milestones", "needs at least one epoch")]
    [InlineData("""{ "learningRateSchedule": { "kind": "plateau", "warmupEpochs": 3 } }""", "training.learningRateSchedule.warmupEpochs", "must be 0 for kind \"plateau\"")]
    [InlineData("""{ "learningRateSchedule": { "kind": "exponential", "gamma": 1.5 } }""", "training.learningRateSchedule.gamma", "must be in [0, 1]")]
    [InlineData("""{ "validationFraction": 1 }""", "training.validationFraction", "must be in (0, 1)")]
    [InlineData("""{ "earlyStopping": { "patience": 3 } }""", "training.earlyStopping", "needs ValidationFraction")]
    [InlineData("""{ "validationFraction": 0.1, "earlyStopping": { "patience": 0 } }""", "training.earlyStopping.patience", "must be between 1 and")]
    public void Expand_ValueOutOfRange_ErrorNamesTheFieldAndTheRange(string training, string field, string problem)
    {
        var error = LoadFails($$"""{ "name": "a", "training": {{training}} }""");
        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Expand_UnknownOptimizerKind_ErrorNamesTheField()
    {
        var error = LoadFails("""{ "name": "a", "training": { "optimizer": { "kind": "adagrad" } } }""");
        Assert.Contains("optimizer", error.Message);
    }

    [Fact]
    public void RunIdentity_WithoutTheNewFields_TrainingSectionIsExactlyTheFieldsItHadBefore()
    {
        // A run configured before these fields existed keeps its identity hash: absent fields are not written.
        var identity = RunIdentity.Of(Expand("""{ "name": "a" }""")[0].Definition);
        Assert.Equal(
            """{"epochs":10,"batchSize":128,"learningRate":0.001,"seed":1,"clipGradientNorm":null,"dynamicBinarization":false,"checkpointEvery":1}""",
            identity.Configuration["training"]!.ToJsonString());
    }

    [Fact]
    public void RunIdentity_WithAnOptimizer_DiffersAndNamesIt()
    {
        var plain = RunIdentity.Of(Expand("""{ "name": "a" }""")[0].Definition);
        var adamw = RunIdentity.Of(Expand("""{ "name": "a", "training": { "optimizer": { "kind": "adamw" }, "validationFraction": 0.2 } }""")[0].Definition);
        var otherDecay = RunIdentity.Of(Expand("""{ "name": "a", "training": { "optimizer": { "kind": "adamw", "weightDecay": 0.1 }, "validationFraction": 0.2 } }""")[0].Definition);
        Assert.NotEqual(plain.Hash, adamw.Hash);
        Assert.Contains(adamw.Differences(otherDecay), d => d.StartsWith("training.optimizer.weightDecay: 0.01", StringComparison.Ordinal));
        Assert.False(adamw.SameRunAs(otherDecay));
    }

    [Fact]
    public void Schema_OptimizerAndScheduleKinds_AreTheConfigsDiscriminators()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root(), "experiments", "experiment.schema.json")))!;
        string[] Enum(JsonNode node) => node["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
        Assert.Equal(OptimizerConfig.Kinds, Enum(schema["$defs"]!["optimizer"]!["properties"]!["kind"]!));
        Assert.Equal(LRScheduleConfig.Kinds, Enum(schema["$defs"]!["learningRateSchedule"]!["properties"]!["kind"]!));
        Assert.Equal(System.Enum.GetNames<EarlyStoppingMetric>().Select(JsonNamingPolicy.KebabCaseLower.ConvertName),
            Enum(schema["properties"]!["training"]!["properties"]!["earlyStopping"]!["properties"]!["metric"]!));
    }
}
