using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Models;
using Workbench.Evaluation;
using Workbench.Models.Hierarchical;
using Workbench.Notebooks;
using Workbench.Training;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models.Hierarchical;

/// <summary>The hierarchical VAE as a model: finite-difference gradients, the posterior's rows, sampling, and its configuration.</summary>
public class HierarchicalVaeTests
{
    private static HierarchicalVaeConfig Tiny(int samples = 1) => new()
    {
        ImageHeight = 3, ImageWidth = 3,
        Layers = [new([5], 3), new([4], 2)],
        Objective = samples > 1 ? Objective.ImportanceWeighted : Objective.Elbo,
        Samples = samples,
    };

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Loss_EveryParameter_GradientMatchesFiniteDifferences(int samples)
    {
        var model = Tiny(samples).Build(new Rng(2));
        var images = TestData.Pixels(5, 4, 9);
        var noise = Tensor.Randn(new Rng(6), 4 * samples, 5);
        var result = GradientCheck.Run(_ => model.Forward(images, noise).Loss, model.Parameters().ToArray(),
            new GradientCheckOptions { Step = 1e-2f, AbsoluteTolerance = 2e-3, RelativeTolerance = 2e-2 });
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void Posterior_GatheredRows_SampleAndDensityAreThoseOfTheOriginalRows()
    {
        var model = Tiny().Build(new Rng(2));
        var posterior = model.Encode(TestData.Pixels(7, 3, 9));
        var noise = Tensor.Randn(new Rng(8), 3, 5);
        var z = posterior.Sample(noise);
        int[] rows = [2, 0, 2];
        var gathered = posterior.GatherRows(rows);
        var zGathered = gathered.Sample(noise.GatherRows(rows));
        Close.Assert(z.GatherRows(rows).Span, zGathered.Span, 1e-6, 1e-6, "z of the gathered rows");
        Close.Assert(posterior.LogDensity(z).GatherRows(rows).Span, gathered.LogDensity(zGathered).Span, 1e-6, 1e-6, "log q of the gathered rows");
        // The density at the sample just drawn (cached conditionals) equals the density at a copy of it (recomputed).
        Close.Assert(posterior.LogDensity(z).Span, posterior.LogDensity(z.Clone()).Span, 1e-6, 1e-6, "cached against recomputed");
    }

    [Fact]
    public void Decoder_ReadsTheFirstLayerOnly()
    {
        var model = Tiny().Build(new Rng(2));
        var z = Tensor.Randn(new Rng(3), 2, 5);
        var changedTop = z.Clone();
        for (int b = 0; b < 2; b++) changedTop.Span[b * 5 + 4] += 3f;                     // z2's last column
        Assert.Equal(model.Decode(z).ToArray(), model.Decode(changedTop).ToArray());
    }

    [Fact]
    public void SamplePrior_TwoLayers_GivesImagesInThePixelRange()
    {
        var model = Tiny().Build(new Rng(2));
        var images = model.SamplePrior(6, new Rng(4));
        Assert.Equal([6, 9], images.Dims);
        Assert.All(images.ToArray(), p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void Config_JsonRoundTrip_KeepsTheLayersAndDerivesLatentAndHiddenSizes()
    {
        VaeConfig config = new HierarchicalVaeConfig { Objective = Objective.ImportanceWeighted, Samples = 5 };
        var json = JsonSerializer.Serialize(config, ExperimentJson.Options);
        var back = Assert.IsType<HierarchicalVaeConfig>(JsonSerializer.Deserialize<VaeConfig>(json, ExperimentJson.Options));
        Assert.Equal("hierarchical-vae", back.VariantName);
        Assert.Equal([100, 50], back.LayerSizes);
        Assert.Equal([[200, 200], [100, 100]], back.Layers.Select(l => l.HiddenSizes));
        Assert.Equal(150, back.LatentSize);
        Assert.Equal([200, 200], back.HiddenSizes);
        Assert.Equal("tanh", back.Activation);
        Assert.Equal(5, back.Samples);
        Assert.Equal(json, JsonSerializer.Serialize<VaeConfig>(back, ExperimentJson.Options));
        var model = back.Build(new Rng(1));
        Assert.Equal(150, model.LatentSize);
        // IWAE paper sizes: q 784-200-200-(100+100), 100-100-100-(50+50); p 50-100-100-(100+100), 100-200-200-784.
        long expected = (784 * 200 + 200) + (200 * 200 + 200) + 2 * (200 * 100 + 100) + (100 * 100 + 100) + (100 * 100 + 100) + 2 * (100 * 50 + 50)
                        + (50 * 100 + 100) + (100 * 100 + 100) + 2 * (100 * 100 + 100) + (100 * 200 + 200) + (200 * 200 + 200) + (200 * 784 + 784);
        Assert.Equal(expected, model.ParameterCount);
    }

    [Fact]
    public void ExperimentModel_HierarchicalVariant_BuildsTheLayersItNames()
    {
        var json = """{ "name": "h", "model": { "variant": "hierarchical-vae", "layers": [{ "hiddenSizes": [8], "latentSize": 3 }] } }""";
        var path = Path.Combine(Path.GetTempPath(), $"hier-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var config = Assert.IsType<HierarchicalVaeConfig>(ExperimentLoader.Load(path).Model);
            Assert.Equal(3, config.LatentSize);
            Assert.Equal([3], config.LayerSizes);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("""[]""", "Layers")]
    [InlineData("""[{ "hiddenSizes": [8], "latentSize": 0 }]""", "layers[0].latentSize")]
    [InlineData("""[{ "hiddenSizes": [], "latentSize": 2 }]""", "layers[0].hiddenSizes")]
    public void Validate_BadLayer_NamesTheField(string layers, string field)
    {
        var config = JsonSerializer.Deserialize<VaeConfig>($$"""{ "variant": "hierarchical-vae", "layers": {{layers}} }""", ExperimentJson.Options)!;
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.StartsWith(field, error.Message);
    }

    [Fact]
    public void Validate_LatentSizeThatIsNotTheLayersSum_SaysToLeaveItOut()
    {
        var config = new HierarchicalVaeConfig() with { LatentSize = 20 };
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains("sum of the layers' latent sizes (150)", error.Message);
    }

    [Fact]
    public void CountPerBlock_TwoLayers_CountsTheActiveDimensionsOfEachBlock()
    {
        var active = new ActiveUnitsEvaluation([0.5f, 0.001f, 0.02f, 0.009f, 0.3f], 0.01);
        Assert.Equal([2, 1], active.CountPerBlock([3, 2]));
        Assert.Throws<ArgumentException>(() => active.CountPerBlock([3, 3]));
    }

    [Fact]
    public void LabTrain_HierarchicalConfig_TrainsAndReportsActiveUnitsPerLayer()
    {
        var data = TestData.Fashion(64);
        var config = new HierarchicalVaeConfig { Layers = [new([16], 4), new([8], 2)] };
        var run = Lab.Train(config, new TrainingOptions { Epochs = 1, BatchSize = 32, ShowProgress = false }, data);
        var table = Lab.ActiveUnitsPerLayer(run.Model, data);
        Assert.Equal(["z1", "z2"], table.Rows.Select(r => r[0]));
        Assert.Equal(["4", "2"], table.Rows.Select(r => r[2]));
        var perLayer = table.Rows.Select(r => int.Parse(r[1])).ToArray();
        Assert.Equal(ActiveUnits.Evaluate(run.Model, data).Count, perLayer.Sum());
        var flat = Lab.Train(new VaeConfig { HiddenSizes = [8], LatentSize = 2 }, new TrainingOptions { Epochs = 1, ShowProgress = false }, data);
        Assert.Contains("hierarchical-vae", Assert.Throws<ArgumentException>(() => Lab.ActiveUnitsPerLayer(flat.Model, data)).Message);
    }
}
