using System.Globalization;
using System.Text.Json;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Running;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The anomaly-detection and denoising tables of docs/results.md are the committed results of experiments/anomaly.json and
/// experiments/denoising.json, and what the page says about them holds for those results.
/// </summary>
public class UsesResultsPageTests
{
    private static readonly string Root = Repository.Root();

    private static string Section(string heading) => DocsPage.Section("results.md", heading);

    /// <summary>The rows of the section's table as cells, without the header and separator rows.</summary>
    private static List<string[]> TableRows(string section) => section.Split('\n')
        .Where(l => l.StartsWith('|') && !l.StartsWith("| ---", StringComparison.Ordinal))
        .Skip(1)
        .Select(l => l.Trim('|').Split('|').Select(c => c.Trim().Trim('*')).ToArray())
        .ToList();

    private static T Read<T>(string path) => JsonSerializer.Deserialize<T>(File.ReadAllText(path), ExperimentJson.Options)!;

    private static Dictionary<string, AnomalyDetection> Anomaly() =>
        Enumerable.Range(0, 10).Select(c => Read<AnomalyDetection>(Path.Combine(Root, "results", "anomaly", $"heldOutClass={c}", AnomalyDetection.FileName)))
            .ToDictionary(a => a.ClassName);

    private static double Auroc(AnomalyDetection a, string score) => a.AurocOf(score)!.Value;

    private static DenoisingResult[] Denoising(string run) =>
        Read<DenoisingResult[]>(Path.Combine(Root, "results", "denoising", $"model={run}", DenoisingArtifacts.FileName));

    private static string F2(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    [Fact]
    public void AnomalyTable_IsTheCommittedResults()
    {
        var results = Anomaly();
        var rows = TableRows(Section("Anomaly detection"));
        Assert.Equal(10, rows.Count);
        foreach (var row in rows)
        {
            var a = results[row[0]];
            Assert.Equal([F2(Auroc(a, AnomalyScores.NegativeElboName)), F2(Auroc(a, AnomalyScores.ImportanceWeightedName)),
                F2(Auroc(a, AnomalyScores.ReconstructionErrorName))], row[1..4]);
            Assert.Equal(50, a.ImportanceSamples);
            Assert.Equal((1000, 10000), (a.HeldOutImages, a.Images));
        }
    }

    [Fact]
    public void DenoisingTable_IsTheCommittedResults()
    {
        var (vae, autoencoder) = (Denoising("vae"), Denoising("autoencoder"));
        var rows = TableRows(Section("Denoising"));
        Assert.Equal(3, rows.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(vae[i].Description, rows[i][0]);
            Assert.Equal(autoencoder[i].InputPsnr, vae[i].InputPsnr, 9); // the same corrupted images for both
            Assert.Equal([F2(vae[i].InputPsnr), F2(vae[i].OutputPsnr), F2(autoencoder[i].OutputPsnr)], rows[i][1..4]);
            Assert.Equal(1000, vae[i].Images);
        }
    }

    private static readonly string[] Tops = ["T-shirt/top", "Pullover", "Coat", "Shirt"];
    private const string Elbo = AnomalyScores.NegativeElboName, Bound = AnomalyScores.ImportanceWeightedName, Reconstruction = AnomalyScores.ReconstructionErrorName;

    [Fact]
    public void Likelihood_FailsOnExactlyTheFourDarkestClasses()
    {
        // "By −ELBO and by −L_50, Trouser, Dress, Sandal and Sneaker score below 0.5 … the four classes whose images are darkest on average"
        var results = Anomaly();
        string[] failing = ["Dress", "Sandal", "Sneaker", "Trouser"];
        Assert.Equal(failing, results.Values.Where(a => Auroc(a, Elbo) < 0.5).Select(a => a.ClassName).Order());
        Assert.Equal(failing, results.Values.Where(a => Auroc(a, Bound) < 0.5).Select(a => a.ClassName).Order());
        var test = Workbench.Data.FashionMnist.LoadBundledSubset(Workbench.Data.DatasetSplit.Test);
        double MeanPixel(int label) => Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == label).Average(i => test.Image(i).ToArray().Average());
        Assert.Equal(failing, Enumerable.Range(0, 10).OrderBy(MeanPixel).Take(4).Select(c => test.ClassNames[c]).Order());
    }

    [Fact]
    public void ImportanceWeightedBound_WithinPointZeroOneOfTheElbo() =>
        Assert.All(Anomaly().Values, a => Assert.True(Math.Abs(Auroc(a, Bound) - Auroc(a, Elbo)) < 0.01, a.ClassName));

    [Fact]
    public void ReconstructionError_DetectsTheDistinctShapesButNotTheTops()
    {
        var results = Anomaly();
        // "It detects Trouser, Sandal, Bag and Ankle boot (AUROC 0.78–0.93)"
        foreach (var name in new[] { "Trouser", "Sandal", "Bag", "Ankle boot" })
            Assert.InRange(Math.Round(Auroc(results[name], Reconstruction), 2), 0.78, 0.93);
        // "but stays close to chance (0.53–0.61) on the four tops … and on Sneaker"
        foreach (var name in Tops.Append("Sneaker"))
            Assert.InRange(Math.Round(Auroc(results[name], Reconstruction), 2), 0.53, 0.61);
        // "on the four tops the likelihood does better (0.68–0.79): a held-out top is reconstructed about as well as
        // the seen classes (mean squared error within 2 of theirs) yet costs over 40 nats more −ELBO"
        foreach (var name in Tops)
        {
            var a = results[name];
            Assert.InRange(Math.Round(Auroc(a, Elbo), 2), 0.68, 0.79);
            Assert.True(Auroc(a, Elbo) > Auroc(a, Reconstruction), name);
            var error = a.Scores.Single(s => s.Score == Reconstruction);
            var elbo = a.Scores.Single(s => s.Score == Elbo);
            Assert.True(Math.Abs(error.HeldOutMean - error.OthersMean) < 2, name);
            Assert.True(elbo.HeldOutMean - elbo.OthersMean > 40, name);
        }
    }

    [Fact]
    public void OnlyBag_IsDetectedByAllThreeScores_AndNothingReachesPointNineFive()
    {
        var results = Anomaly();
        string[] scores = [Elbo, Bound, Reconstruction];
        Assert.Equal(["Bag"], results.Values.Where(a => scores.All(s => Auroc(a, s) > 0.8)).Select(a => a.ClassName));
        var best = results.Values.SelectMany(a => scores.Select(s => (a.ClassName, Score: s, Value: Auroc(a, s)))).MaxBy(x => x.Value);
        Assert.Equal(("Bag", Reconstruction, "0.93"), (best.ClassName, best.Score, F2(best.Value)));
        Assert.True(best.Value < 0.95);
    }

    [Fact]
    public void Denoising_ScatteredNoisePartlyRemoved_SquareNotFilled_VaeSlightlyAhead()
    {
        var (vae, autoencoder) = (Denoising("vae"), Denoising("autoencoder"));
        double Gain(DenoisingResult[] model, int corruption) => model[corruption].OutputPsnr - model[corruption].InputPsnr;
        // "Both models raise salt and pepper by about 3.5 dB and Gaussian noise by about 1 dB."
        Assert.Equal(["gaussian-noise", "salt-and-pepper", "masked-square"], vae.Select(r => r.Corruption));
        foreach (var model in new[] { vae, autoencoder })
        {
            Assert.InRange(Gain(model, 1), 3.3, 3.7);
            Assert.InRange(Gain(model, 0), 0.85, 1.15);
        }
        // "The VAE gains 0.33 dB and the autoencoder nothing measurable (0.02 dB)."
        Assert.Equal("0.33", F2(Gain(vae, 2)));
        Assert.Equal("0.02", F2(Gain(autoencoder, 2)));
        // "The VAE is ahead of the autoencoder on all three, by 0.04 to 0.31 dB"
        var leads = Enumerable.Range(0, 3).Select(i => vae[i].OutputPsnr - autoencoder[i].OutputPsnr).ToArray();
        Assert.Equal(("0.04", "0.31"), (F2(leads.Min()), F2(leads.Max())));
        // "every output stays below 15 dB, an RMS error of about 0.2 per pixel"
        var outputs = vae.Concat(autoencoder).Select(r => r.OutputPsnr).ToArray();
        Assert.All(outputs, p => Assert.True(p < 15));
        Assert.InRange(Math.Pow(10, -outputs.Max() / 20), 0.17, 0.23);
    }
}
