using Workbench.Models.VectorQuantized;
using Workbench.Notebooks;
using Workbench.Training;

namespace Workbench.Tests.Notebooks;

/// <summary>Lab.TrainVqVae, the notebook cell's entry point, on a small stratified subset of the bundled images.</summary>
public class LabVqVaeTests
{
    [Fact]
    public void TrainVqVae_SmallSubset_FitsThePriorAndShowsReconstructionsBesideBothPriorsSamples()
    {
        var (train, test) = Lab.LoadFashionMnistSubset(trainImages: 200, testImages: 100);
        var config = new VqVaeConfig { Codes = 16, CodeSize = 4, PriorChannels = 8, PriorLayers = 1, PriorEpochs = 1 };
        var run = Lab.TrainVqVae(train, test, config, new TrainingOptions { Epochs = 1, BatchSize = 50 }, samples: 8);

        Assert.True(run.Model.CodePrior.IsFitted);
        Assert.Single(run.PriorFit!.History);
        Assert.InRange(run.TestCodesUsed, 1, 16);
        Assert.InRange(run.TestPerplexity, 1, run.TestCodesUsed + 1e-9);
        var html = run.ToHtml();
        Assert.Contains("samples, PixelCNN prior", html);
        Assert.Contains("samples, uniform prior over codes", html);
        Assert.Contains("test images over reconstructions", html);
        Assert.Contains($"{run.TestCodesUsed} of 16 codes used", html);
    }
}
