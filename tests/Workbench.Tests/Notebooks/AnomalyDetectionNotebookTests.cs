using Workbench.Data;

namespace Workbench.Tests.Notebooks;

public sealed class AnomalyDetectionAtDefaults : NotebookAtDefaults
{
    protected override string Name => "08-anomaly-detection";
}

/// <summary>notebooks/08-anomaly-detection.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public class AnomalyDetectionNotebookTests(AnomalyDetectionAtDefaults notebook) : IClassFixture<AnomalyDetectionAtDefaults>
{
    private const string Elbo = "AUROC negative-elbo", Importance = "AUROC importance-weighted", Reconstruction = "AUROC reconstruction-error";
    private static readonly string[] Classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private ExecutedNotebook.Table Auroc => Assert.Single(notebook.Executed.Tables("Lab.AurocTable("));
    private ExecutedNotebook.Table Psnr => Assert.Single(notebook.Executed.Tables("Lab.DenoisingTable("));

    [Fact]
    public void Notebook_RunsCleanly_WithItsFiguresAndAllTenHeldOutClasses()
    {
        notebook.AssertRanCleanly(minFigures: 3, minPictures: 0);
        Assert.Equal(Classes, Auroc.Rows.Select(r => r[0]));
        Assert.All(Auroc.Rows, r => Assert.Equal("100 / 1000", r[^1]));
    }

    [Fact]
    public void Likelihood_FailsOnTrouserSandalAndSneaker_TheDarkestClasses()
    {
        // "Scored by −ELBO or by −L_k, Trouser, Sandal and Sneaker get an AUROC below 0.5"
        foreach (var name in new[] { "Trouser", "Sandal", "Sneaker" })
        {
            Assert.True(Auroc.Number(name, Elbo) < 0.5, $"{name}: {Auroc.Number(name, Elbo)}");
            Assert.True(Auroc.Number(name, Importance) < 0.5, $"{name}: {Auroc.Number(name, Importance)}");
        }
        // "They are the three classes whose test images are darkest on average"
        var test = FashionMnist.LoadBundledSubset(DatasetSplit.Test);
        var darkest = Enumerable.Range(0, 10).OrderBy(c => MeanPixel(test, c)).Take(3).Select(c => test.ClassNames[c]).Order();
        Assert.Equal(new[] { "Sandal", "Sneaker", "Trouser" }, darkest);
    }

    private static double MeanPixel(ImageDataset data, int label)
    {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < data.Count; i++)
        {
            if (data.Labels[i] != label) continue;
            foreach (var v in data.Image(i)) sum += v;
            count++;
        }
        return sum / count;
    }

    [Fact]
    public void ImportanceWeightedBound_WithinPointZeroFiveOfTheElboForEveryClass()
    {
        foreach (var name in Classes)
            Assert.True(Math.Abs(Auroc.Number(name, Importance) - Auroc.Number(name, Elbo)) < 0.05, name);
    }

    [Fact]
    public void ReconstructionError_DetectsTrouserAndSandal_OnlyJustAboveChanceOnSneaker()
    {
        Assert.True(Auroc.Number("Trouser", Reconstruction) > 0.8);
        Assert.True(Auroc.Number("Sandal", Reconstruction) > 0.8);
        Assert.InRange(Auroc.Number("Sneaker", Reconstruction), 0.5, 0.6);
    }

    [Fact]
    public void Bag_DetectedByEveryScore()
    {
        foreach (var score in new[] { Elbo, Importance, Reconstruction })
            Assert.True(Auroc.Number("Bag", score) > 0.85, score);
    }

    [Fact]
    public void Histograms_ShowBagAsBestAndSneakerAsWorst()
    {
        // The figure's title names the classes it shows, best first.
        var html = notebook.Executed.Html("Lab.ScoreHistograms(");
        Assert.Contains("the best-detected held-out class (Bag, top) and the worst (Sneaker, bottom)", html);
        double Mean(string name) => new[] { Elbo, Importance, Reconstruction }.Average(s => Auroc.Number(name, s));
        Assert.Equal("Bag", Classes.MaxBy(Mean));
        Assert.Equal("Sneaker", Classes.MinBy(Mean));
    }

    [Fact]
    public void Denoising_BothModelsGainOnNoiseNeitherRemovesTheSquare()
    {
        const string Vae = "VAE output", Autoencoder = "autoencoder output", Input = "corrupted input";
        foreach (var noise in new[] { "Gaussian noise σ = 0.3", "salt and pepper on 20% of pixels" })
        {
            // "both models raise the PSNR of the noisy images by more than 1 dB …, the autoencoder a little more than the VAE"
            Assert.True(Psnr.Number(noise, Vae) - Psnr.Number(noise, Input) > 1, noise);
            Assert.True(Psnr.Number(noise, Autoencoder) - Psnr.Number(noise, Input) > 1, noise);
            Assert.True(Psnr.Number(noise, Autoencoder) > Psnr.Number(noise, Vae), noise);
        }
        // "the VAE gains less than 1 dB and the autoencoder's output is further from the clean image than its input was"
        const string Square = "12×12 square masked";
        Assert.InRange(Psnr.Number(Square, Vae) - Psnr.Number(Square, Input), 0, 1);
        Assert.True(Psnr.Number(Square, Autoencoder) < Psnr.Number(Square, Input));
    }
}
