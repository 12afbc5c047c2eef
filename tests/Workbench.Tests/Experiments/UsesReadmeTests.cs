using System.Globalization;
using System.Text.Json;
using Workbench.Evaluation;
using Workbench.Experiments;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The README's anomaly-detection and denoising tables are the committed results of experiments/anomaly.json and
/// experiments/denoising.json, and what its text says about them holds for those results.
/// </summary>
public class UsesReadmeTests
{
    private static readonly string Root = Repository.Root();

    private static string Section(string heading)
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        int start = readme.IndexOf("### " + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no section '{heading}'");
        int end = readme.IndexOf("\n### ", start + 4, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }

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
}
