using Workbench.Models.Kl;
using Workbench.Models.Sequences;
using Workbench.Tensors;
using Workbench.Tests.Support;
using Workbench.Training.Sequences;

namespace Workbench.Tests.Models.Sequences;

/// <summary>What docs/sequences.md's "The model" section states about the defaults.</summary>
public class SequenceModelDocsTests
{
    private static string Section => DocsPage.Section("sequences.md", "The model");

    [Fact]
    public void ModelSection_DefaultSizesAndParameterCount_AreTheCodes()
    {
        var config = new SequenceVaeConfig(3160);
        Assert.Equal((128, 192, 32), (config.EmbeddingSize, config.HiddenSize, config.LatentSize));
        Assert.Contains("E = 128, H = 192, L = 32", Section);
        var model = new SequenceVae(config, new Rng(1));
        Assert.Equal(1_403_992, model.ParameterCount);
        Assert.Contains("V = 3,160 that is 1,403,992 parameters", Section);
        Assert.Equal(["embedding", "encoder", "to_posterior", "to_hidden", "decoder", "output"], model.NamedChildren.Select(c => c.Name));
    }

    [Fact]
    public void ModelSection_DefaultScheduleAndTrainingOptions_AreTheCodes()
    {
        var schedule = Assert.IsType<LogisticKlAnnealing>(new SequenceVaeConfig(10).Schedule);
        Assert.Equal((0.0025, 2500.0), (schedule.K, schedule.X0));
        Assert.Contains("k = 0.0025,\n  x0 = 2,500 steps", Section);
        var options = new SequenceTrainingOptions();
        Assert.Equal((10, 64, 1e-3f, 5f), (options.Epochs, options.BatchSize, options.LearningRate, options.ClipGradientNorm!.Value));
        Assert.Contains("`Epochs` 10, `BatchSize` 64, `LearningRate` 1e-3, `Seed`, `ClipGradientNorm` 5", Section);
    }
}
