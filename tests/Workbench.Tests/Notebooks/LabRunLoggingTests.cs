using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Models;
using Workbench.Notebooks;
using Workbench.Tensors;
using Workbench.Tests.Models.OpenApi;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Notebooks;

/// <summary>Models trained from a notebook are runs under results/, like the CLI's, and a re-executed notebook reuses them.</summary>
[Collection(nameof(LabRunLoggingTests))] // Lab's results root is process-wide
public class LabRunLoggingTests
{
    private static TrainingOptions Options(int epochs = 2) => new() { Epochs = epochs, BatchSize = 50, Seed = 3 };

    [Fact]
    public void Train_Config_WritesACompleteRunFolderAndReusesItWhenRunAgain()
    {
        using var dir = new TempDirectory();
        Lab.LogRunsTo("logging-config", dir.Path);
        var (train, test) = Lab.LoadFashionMnistSubset(300, 100);
        var config = new VaeConfig { HiddenSizes = [32], LatentSize = 2 };

        var first = Lab.Train(config, Options(), train, test, name: "β=1 run");
        var folder = Path.Combine(dir.Path, "logging-config", "beta=1-run");
        Assert.Equal(folder, first.Folder);
        foreach (var file in new[] { "config.json", "identity.json", "environment.json", "metrics.jsonl", "metrics.csv", "model.safetensors", "summary.json", "images/reconstructions.png" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        var index = File.ReadAllText(Path.Combine(dir.Path, "index.json"));
        Assert.Contains("beta=1-run", index);
        // Its page loads the results root's one copy of plotly.js, as the CLI's run pages do.
        string page = File.ReadAllText(Path.Combine(folder, "figures", "elbo-components.html"));
        Assert.True(page.Length < 200_000, $"the page holds {page.Length} characters: plotly.js inlined");
        Assert.Contains($"../../../{Workbench.Plotting.Rendering.SharedPlotly.FileName}", page);
        Assert.True(File.Exists(Path.Combine(dir.Path, Workbench.Plotting.Rendering.SharedPlotly.FileName)));

        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        LabRun second;
        try { second = Lab.Train(config, Options(), train, test, name: "β=1 run"); }
        finally { Console.SetOut(previous); }
        Assert.Contains("reusing the run finished earlier", output.ToString());
        Assert.DoesNotContain("epoch 1/2", output.ToString());
        Assert.Equal(first.Test!.NegativeElbo, second.Test!.NegativeElbo);
        Assert.Equal(first.Model.StateDict()["encoder.0.weight"].ToArray(), second.Model.StateDict()["encoder.0.weight"].ToArray());
        Assert.Equal(first.History.Select(m => m.TrainLoss), second.History.Select(m => m.TrainLoss));

        // The CLI's loaders read it like any run.
        var opened = Lab.OpenRun(folder);
        Assert.Equal(first.Test.NegativeElbo, opened.Test!.NegativeElbo);
        Assert.Equal("vae", TrainedRun.Load(folder).Variant);
    }

    [Fact]
    public void Train_ComposedModel_IsLoggedWithItsDescriptionAndRetrainsWhenAsked()
    {
        using var dir = new TempDirectory();
        Lab.LogRunsTo("logging-composed", dir.Path);
        var train = TestData.Synthetic(1, 200, 2, 3);
        var test = TestData.Synthetic(2, 50, 2, 3);
        VariationalAutoencoder Model() => CustomPriorTests.TwoDimensional(new GaussianMixturePrior(3, 2, new Rng(4)));

        var run = Lab.Train(Model(), Options(), train, test, name: "mixture");
        var config = File.ReadAllText(Path.Combine(run.Folder!, "config.json"));
        Assert.Contains("GaussianMixturePrior", config);
        Assert.Contains("prior.means", config);
        var summary = RunFiles.ReadSummary(Path.Combine(run.Folder!, "summary.json"));
        Assert.Equal("composed", summary.Variant);

        var reopened = Lab.OpenRun(run.Folder!, Model());
        Assert.Equal(run.Model.StateDict()["prior.means"].ToArray(), reopened.Model.StateDict()["prior.means"].ToArray());
        Assert.Throws<ArgumentException>(() => Lab.OpenRun(run.Folder!));

        var retrained = Lab.Train(Model(), Options(), train, test, name: "mixture", retrain: true);
        Assert.True(Directory.Exists(Path.Combine(dir.Path, "logging-composed", ".stale")));
        Assert.Equal(run.Test!.NegativeElbo, retrained.Test!.NegativeElbo); // same seed, same result
    }

    [Fact]
    public void Train_ChangedSettings_TrainsAgainAndKeepsTheEarlierRunAside()
    {
        using var dir = new TempDirectory();
        Lab.LogRunsTo("logging-changed", dir.Path);
        var train = TestData.Synthetic(1, 200, 2, 3);
        var test = TestData.Synthetic(2, 50, 2, 3);
        var config = TestData.Tiny();
        var first = Lab.Train(config, Options(1), train, test, name: "tiny");
        var second = Lab.Train(config, Options(2), train, test, name: "tiny");
        Assert.Single(first.History);
        Assert.Equal(2, second.History.Count);
        Assert.True(Directory.Exists(Path.Combine(dir.Path, "logging-changed", ".stale")));
    }
}
