using Workbench.Models;
using Workbench.Models.Adversarial;
using Workbench.Notebooks;
using Workbench.Plotting;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Notebooks;

/// <summary>The notebook entry points of the VAE–GAN: training it in a cell and the figure of its three losses.</summary>
public class LabVaeGanTests
{
    private static readonly VaeGanConfig Small = new() { ConvChannels = [4, 8], LatentSize = 3, DiscriminatorChannels = [4, 8] };

    [Fact]
    public void TrainVaeGan_InMemory_TrainsTheVaeGanAndReportsItsLossesPerEpoch()
    {
        var run = Lab.TrainVaeGan(TestData.Fashion(64), epochs: 2, batchSize: 32, config: Small);
        Assert.IsType<VaeGan>(run.Model);
        Assert.Equal(2, run.History.Count);
        Assert.Equal(32, run.Options.BatchSize);
        Assert.All(run.History, m => Assert.Contains("discriminator_loss", m.Terms!.Keys));

        var figure = Lab.TrainingTerms(run);
        Assert.Equal(9, figure.Data.Count); // one panel per term
        var json = figure.DataJson();
        Assert.Contains("encoder loss", json);
        Assert.Contains("decoder loss", json);
        Assert.Contains("discriminator loss", json);
        var first = (Scatter)figure.Data[2];
        Assert.Equal(run.History.Select(m => m.Terms!["discriminator_loss"]).ToArray(),
            Enumerable.Range(0, first.Y!.Count).Select(first.Y.NumberAt).ToArray());
    }

    [Fact]
    public void TrainingTerms_VaeRun_ThrowsSayingOnlySomeModelsReportTerms()
    {
        var run = Lab.Train(TestData.SmallMlp(), new TrainingOptions { Epochs = 1, BatchSize = 32 }, TestData.Fashion(32));
        var e = Assert.Throws<ArgumentException>(() => Lab.TrainingTerms(run));
        Assert.Contains("no terms besides the ELBO", e.Message);
    }
}
