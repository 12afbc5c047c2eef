using System.Text.Json;
using Workbench.Data;
using Workbench.Experiments.Definitions;
using Workbench.Models;
using Workbench.Models.Objectives;
using Workbench.Models.Priors;
using Workbench.Optim;
using Workbench.Tensors;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Models.OpenApi;

/// <summary>A model composed by hand trains, checkpoints and resumes like a configured one; configurations map onto the parts.</summary>
public class ComposedModelTests
{
    [Fact]
    public void Trainer_HandBuiltModelWithMixturePriorAndSgd_LowersTheLossAndTrainsThePrior()
    {
        var prior = new GaussianMixturePrior(3, 2, new Rng(4));
        var model = CustomPriorTests.TwoDimensional(prior);
        var meansBefore = prior.Means.ToArray();
        var data = TestData.Synthetic(3, 64, 2, 3);
        var optimizer = new Sgd(model.Parameters(), learningRate: 0.05f, momentum: 0.9f);
        var trainer = new Trainer(model, new TrainingOptions { Epochs = 8, BatchSize = 16, Seed = 2, ShowProgress = false }, optimizer);

        var history = trainer.Fit(data).History;

        Assert.Same(optimizer, trainer.Optimizer);
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss - 0.2, $"loss {history[0].TrainLoss} → {history[^1].TrainLoss}");
        Assert.NotEqual(meansBefore, prior.Means.ToArray());
        Assert.Empty(history[^1].KlPerDimension); // a mixture prior has no per-dimension KL
    }

    [Fact]
    public void Trainer_HandBuiltModel_ResumesFromItsCheckpointExactly()
    {
        using var dir = new TempDirectory();
        var data = TestData.Synthetic(3, 48, 2, 3);
        TrainingOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = 16, Seed = 2, ShowProgress = false, CheckpointDirectory = dir.Path, CheckpointEvery = 1 };

        var straight = CustomPriorTests.TwoDimensional(new GaussianMixturePrior(3, 2, new Rng(4)));
        var expected = new Trainer(straight, Options(3) with { CheckpointDirectory = null }).Fit(data).History;

        new Trainer(CustomPriorTests.TwoDimensional(new GaussianMixturePrior(3, 2, new Rng(4))), Options(1)).Fit(data);
        var resumed = CustomPriorTests.TwoDimensional(new GaussianMixturePrior(3, 2, new Rng(4)));
        var history = new Trainer(resumed, Options(3)).Fit(data).History;

        Assert.Equal(expected.Select(m => m.TrainLoss), history.Select(m => m.TrainLoss));
        Assert.Equal(straight.StateDict()["prior.means"].ToArray(), resumed.StateDict()["prior.means"].ToArray());
    }

    [Fact]
    public void StateDict_ComposedModel_NamesEveryPartAndRoundTrips()
    {
        var model = VariationalAutoencoder.Create(new VaeConfig { HiddenSizes = [8], LatentSize = 3, Prior = new VampPriorConfig(5), Likelihood = LikelihoodKind.GaussianFixedVariance }, new Rng(1));
        var state = model.StateDict();
        Assert.Equal(["encoder.0.weight", "encoder.0.bias", "encoder.fc_mu.weight", "encoder.fc_mu.bias", "encoder.fc_logvar.weight", "encoder.fc_logvar.bias",
            "decoder.0.weight", "decoder.0.bias", "decoder.2.weight", "decoder.2.bias", "likelihood.log_variance", "prior.pseudo_inputs"], state.Keys);
        Assert.Equal(new[] { 5, 784 }, state["prior.pseudo_inputs"].Shape);
        Assert.DoesNotContain(model.NamedParameters(), p => p.Name == "likelihood.log_variance"); // a buffer: saved, not trained

        var other = VariationalAutoencoder.Create(model.Config!, new Rng(2));
        other.LoadStateDict(state);
        Assert.Equal(state["prior.pseudo_inputs"].ToArray(), other.StateDict()["prior.pseudo_inputs"].ToArray());
    }

    [Fact]
    public void ExperimentJson_VampPriorAndImportanceWeighted_MapOntoTheParts()
    {
        var json = """{ "variant": "vae", "latentSize": 4, "hiddenSizes": [8], "prior": { "kind": "vamp", "components": 7 }, "objective": "importance-weighted", "samples": 5 }""";
        var config = JsonSerializer.Deserialize<VaeConfig>(json, ExperimentJson.Options)!;
        var model = config.Build(new Rng(1));
        Assert.Equal(7, Assert.IsType<VampPrior>(model.Prior).Components);
        Assert.Equal(5, Assert.IsType<ImportanceWeightedObjective>(model.Objective).Samples);
        var written = JsonSerializer.Serialize(config, ExperimentJson.Options);
        Assert.Contains("\"kind\": \"vamp\"", written);
        Assert.Equal(written, JsonSerializer.Serialize(JsonSerializer.Deserialize<VaeConfig>(written, ExperimentJson.Options), ExperimentJson.Options));
    }

    [Fact]
    public void VariantNames_ComeFromTheConfigTypesAlone()
    {
        Assert.Equal(["vae", "beta-vae", "cvae", "beta-tcvae", "m2", "vae-gan", "sequence-vae", "rnn-lm", "hierarchical-vae"], VaeConfig.VariantNames);
        Assert.Equal("cvae", new ConditionalVaeConfig().VariantName);
        Assert.Equal("beta-vae", new BetaVaeConfig().VariantName);
        Assert.Equal("beta-tcvae", new BetaTcVaeConfig().VariantName);
    }

    [Fact]
    public void Config_VampPriorOnConditionalModel_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConditionalVaeConfig { Prior = new VampPriorConfig(10) }.Validate());
        Assert.Contains("Prior", error.Message);
    }

    [Fact]
    public void Beta_IsReportedByTheObjective_ForEveryKlWeighting()
    {
        Assert.Equal(4.0, new BetaVaeConfig { Beta = 4 }.BuildObjective().Beta);
        Assert.Equal(2.0, new VaeConfig { KlPenalty = new Workbench.Models.Kl.FreeBits(0.5f, new Workbench.Models.Kl.ConstantKlWeight(2f)) }.BuildObjective().Beta);
        Assert.Equal(3.0, new VaeConfig { KlPenalty = new Workbench.Models.Kl.WeightedKl(new Workbench.Models.Kl.LinearWarmup(3f, 0.5)) }.BuildObjective().Beta);
        Assert.Null(new VaeConfig { KlPenalty = new Workbench.Models.Kl.CapacityAnnealing() }.BuildObjective().Beta);
        Assert.Equal(0.0, new VaeConfig { Objective = Objective.ReconstructionOnly }.BuildObjective().Beta);
        Assert.Equal(0.0, new VaeConfig { Objective = Objective.DeterministicAutoencoder }.BuildObjective().Beta);
    }

    [Fact]
    public void Conditioning_OneHotAndCycling()
    {
        var conditioning = new Conditioning(3);
        Assert.Equal([0f, 1f, 0f, 0f, 0f, 1f], conditioning.FromLabels([1, 2])!.ToArray());
        Assert.Equal([1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f, 1f, 0f, 0f], conditioning.Cycling(4)!.ToArray());
        Assert.Null(Conditioning.None.FromLabels([1, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => conditioning.FromLabels([3]));
    }
}
