using Workbench.Experiments.Definitions;
using Workbench.Models;
using Workbench.Models.Kl;

namespace Workbench.Tests.Experiments;

public class ExperimentFilesTests
{
    private static string ExperimentsFolder() => Path.Combine(Support.Repository.Root(), "experiments");

    public static TheoryData<string, int> CommittedExperiments => new()
    {
        { "quickstart", 1 },
        { "vanilla-fashion-mnist", 1 },
        { "beta-sweep", 5 },
        { "ablations", 4 },
        { "cvae", 1 },
        { "kl-schedules", 4 },
        { "vamp-prior", 2 },
        { "iwae", 3 },
        { "disentanglement", 18 },
        { "sample-quality", 7 },
        { "anomaly", 10 },
        { "denoising", 2 },
        { "optimizers", 4 },
        { "conv-bn", 1 },
        { "semi-supervised", 24 },
        { "sequence-vae", 4 },
        { "stochastic-layers", 4 },
        { "colour-sprites", 9 },
    };

    [Theory]
    [MemberData(nameof(CommittedExperiments))]
    public void CommittedExperiment_Loads_AndExpandsToItsGrid(string name, int runs)
    {
        var (definition, expanded) = ExperimentLoader.Expand(Path.Combine(ExperimentsFolder(), name + ".json"));
        Assert.Equal(name, definition.Name);
        Assert.Equal(runs, expanded.Count);
        Assert.Equal(runs, expanded.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void SemiSupervised_FourLabelCountsTimesThreeDrawsTimesM2AndBaseline_OnFashionMnist()
    {
        var (definition, runs) = ExperimentLoader.Expand(Path.Combine(ExperimentsFolder(), "semi-supervised.json"));
        Assert.Equal("fashion-mnist", definition.Data.Dataset);
        Assert.Equal(20000, definition.Data.TrainLimit);
        var models = runs.Select(r => Assert.IsType<Workbench.Models.SemiSupervised.SemiSupervisedVaeConfig>(r.Definition.Model)).ToList();
        Assert.Equal([100, 600, 1000, 3000], models.Select(m => m.Labels).Distinct().Order());
        Assert.Equal([1UL, 2UL, 3UL], models.Select(m => m.LabelSeed).Distinct().Order());
        Assert.Equal(12, models.Count(m => m.ClassifierOnly));
        Assert.All(models, m => Assert.Equal((500, 10, 30f), (m.HiddenSizes.Single(), m.LatentSize, m.Alpha)));
        Assert.Equal((5, 100), (definition.Training.Epochs, definition.Training.BatchSize));
    }

    [Fact]
    public void BetaSweep_EachRunGetsItsBeta()
    {
        var (_, runs) = ExperimentLoader.Expand(Path.Combine(ExperimentsFolder(), "beta-sweep.json"));
        Assert.Equal(["beta=0.5", "beta=1", "beta=2", "beta=4", "beta=8"], runs.Select(r => r.Id));
        Assert.Equal([0.5f, 1f, 2f, 4f, 8f], runs.Select(r => ((BetaVaeConfig)r.Definition.Model).Beta));
        var penalty = Assert.IsType<WeightedKl>(runs[3].Definition.Model.ResolveKlPenalty());
        Assert.Equal(4f, Assert.IsType<ConstantKlWeight>(penalty.Schedule).Beta);
    }

    [Fact]
    public void KlSchedules_GridObjectsBindToPenalties_AndNameRunsByTheirId()
    {
        var (_, runs) = ExperimentLoader.Expand(Path.Combine(ExperimentsFolder(), "kl-schedules.json"));
        Assert.Equal(["klPenalty=constant", "klPenalty=linear-warmup", "klPenalty=cyclical", "klPenalty=capacity"], runs.Select(r => r.Id));
        Assert.IsType<CyclicalAnnealing>(Assert.IsType<WeightedKl>(runs[2].Definition.Model.KlPenalty).Schedule);
        Assert.Equal(25f, Assert.IsType<CapacityAnnealing>(runs[3].Definition.Model.KlPenalty).MaxCapacity);
        Assert.False(runs[3].ResolvedJson["model"]!["klPenalty"]!.AsObject().ContainsKey("$id"));
    }

    [Fact]
    public void Disentanglement_SixMethodsTimesThreeSeeds_OnSprites()
    {
        var (_, runs) = ExperimentLoader.Expand(Path.Combine(ExperimentsFolder(), "disentanglement.json"));
        Assert.All(runs, r => Assert.Equal("sprites", r.Definition.Data.Dataset));
        var betaVae = runs.Where(r => r.Definition.Model is BetaVaeConfig).ToArray();
        Assert.Equal([1f, 2f, 4f, 8f, 16f], betaVae.Select(r => ((BetaVaeConfig)r.Definition.Model).Beta).Distinct());
        var tcVae = runs.Select(r => r.Definition.Model).OfType<BetaTcVaeConfig>().ToArray();
        Assert.Equal(3, tcVae.Length);
        Assert.All(tcVae, c => Assert.Equal((1f, 6f, 1f), (c.Alpha, c.Beta, c.Gamma)));
        Assert.All(runs.GroupBy(r => r.Id[..r.Id.IndexOf("_seed=", StringComparison.Ordinal)]),
            method => Assert.Equal([1UL, 2UL, 3UL], method.Select(r => r.Definition.Training.Seed)));
    }

    [Fact]
    public void Ablations_ObjectivesBind()
    {
        var (_, runs) = ExperimentLoader.Expand(Path.Combine(ExperimentsFolder(), "ablations.json"));
        Assert.Equal([Objective.Elbo, Objective.ReconstructionOnly, Objective.KlOnly, Objective.DeterministicAutoencoder],
            runs.Select(r => r.Definition.Model.Objective));
        Assert.All(runs, r => Assert.Equal(2, r.Definition.Model.LatentSize));
    }

    [Theory]
    [InlineData("""{ "name": "x", "model": { "latentSize": "twenty" } }""", "model.latentSize")]
    [InlineData("""{ "name": "x", "model": { "latentSize": 0 } }""", "model.latentSize")]
    [InlineData("""{ "name": "x", "model": { "latentsize": 4 } }""", "model.latentsize")]
    [InlineData("""{ "name": "x", "training": { "epochs": 0 } }""", "training.epochs")]
    [InlineData("""{ "name": "x", "data": { "dataset": "cifar" } }""", "data.dataset")]
    [InlineData("""{ "name": "../escape" }""", "name")]
    [InlineData("""{ "name": "x", "model": { "variant": "gan" } }""", "model")]
    [InlineData("""{ "name": "x", "model": { "objective": "everything" } }""", "model.objective")]
    [InlineData("""{ "name": "x", "grid": { "model.beta": [] } }""", "grid.model.beta")]
    [InlineData("""{ "name": "x", "grid": { "beta": [1] } }""", "grid.beta")]
    [InlineData("""{ "name": "x", "model": { "variant": "vae" }, "grid": { "model.beta": [2] } }""", "model.beta")]
    public void MalformedExperiment_ErrorNamesTheFileAndField(string json, string field)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var error = Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand(path));
            Assert.StartsWith(path + ":", error.Message);
            Assert.Contains(field, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("[1, 2]", "top level must be a JSON object")]
    public void NotAnExperiment_GivesOneClearError(string content, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        try
        {
            Assert.Contains(expected, Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingFile_SaysNotFound() =>
        Assert.Contains("file not found", Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand("/no/such/experiment.json")).Message);
}
