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
    public void Likelihood_FailsOnTrouserDressSandalAndSneaker_TheFourDarkestClasses()
    {
        // "Scored by −ELBO or by −L_k, Trouser, Dress, Sandal and Sneaker get an AUROC below 0.5 (the lists printed above the table)"
        string[] failing = ["Trouser", "Dress", "Sandal", "Sneaker"];
        foreach (var score in new[] { Elbo, Importance })
            Assert.Equal(failing, Classes.Where(name => Auroc.Number(name, score) < 0.5));
        var printed = notebook.Executed.Stdout("Lab.AurocTable(");
        Assert.Contains("AUROC below 0.5 by negative-elbo: Trouser, Dress, Sandal, Sneaker", printed);
        Assert.Contains("AUROC below 0.5 by importance-weighted: Trouser, Dress, Sandal, Sneaker", printed);
        // "They are the four classes whose test images are darkest on average"
        var test = FashionMnist.LoadBundledSubset(DatasetSplit.Test);
        var darkest = Enumerable.Range(0, 10).OrderBy(c => MeanPixel(test, c)).Take(4).Select(c => test.ClassNames[c]).Order();
        Assert.Equal(failing.Order(), darkest);
    }

    [Fact]
    public void AurocTable_SaysK()
    {
        // The importance-weighted score's k is the notebook's importanceSamples, 50 at the defaults.
        Assert.Contains("−L_k with k = 50 samples per image", Auroc.Caption);
    }

    [Fact]
    public void ScoreHistograms_LabelTheEndBarsThatHoldScoresBeyondTheAxis()
    {
        // The figure's JSON escapes non-ASCII characters and '<'.
        var html = notebook.Executed.Html("Lab.ScoreHistograms(").Replace("\\u2265", "≥").Replace("\\u003C", "<").Replace("\\u003c", "<");
        Assert.Equal(6, html.Split("first bar: < ").Length - 1);
        Assert.Equal(6, html.Split("last bar: ≥ ").Length - 1);
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

    [Fact]
    public void Denoising_OnTheFullData_TheVaeIsAheadOnAllThree_OnNoiseLessThanHalfADbApartInBothSettings()
    {
        // "on the full dataset (experiments/denoising.json, 60,000 training images, 10 epochs, results committed in
        // results/denoising/) the VAE is ahead of the autoencoder on all three corruptions. On the noisy images the two
        // models are less than 0.5 dB apart in both settings"
        var root = Path.Combine(Structure.LayeringTests.RepositoryRoot(), "results", "denoising");
        Dictionary<string, double> Output(string model)
        {
            var folder = Path.Combine(root, "model=" + model);
            using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            Assert.Equal(60000, summary.RootElement.GetProperty("trainImages").GetInt32());
            Assert.Equal(10, summary.RootElement.GetProperty("epochs").GetInt32());
            using var results = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "denoising.json")));
            return results.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("description").GetString()!, r => r.GetProperty("outputPsnr").GetDouble());
        }
        var vae = Output("vae");
        var autoencoder = Output("autoencoder");
        Assert.Equal(3, vae.Count);
        Assert.All(vae, c => Assert.True(c.Value > autoencoder[c.Key], c.Key));

        const string VaeOut = "VAE output", AutoencoderOut = "autoencoder output";
        foreach (var noise in new[] { "Gaussian noise σ = 0.3", "salt and pepper on 20% of pixels" })
        {
            Assert.True(Math.Abs(vae[noise] - autoencoder[noise]) < 0.5, noise);
            Assert.True(Math.Abs(Psnr.Number(noise, VaeOut) - Psnr.Number(noise, AutoencoderOut)) < 0.5, noise);
        }
    }
}
