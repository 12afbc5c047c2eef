using Workbench.Experiments.Reports;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>Report captions of pictures say the same as the labels drawn into them.</summary>
public class ReportPicturesTests
{
    [Fact]
    public void Sections_CommittedBetaSweep_TraversalCaptionsNameTheRowsAndSweptValuesTheLabelsShow()
    {
        var runs = ReportRun.ReadAll(Path.Combine(Repository.Root(), "results", "beta-sweep"));

        var traversals = ReportPictures.Sections(runs).Single(s => s.Heading == "Latent traversals");

        Assert.Contains("named on its left", traversals.Explanation);
        var beta8 = traversals.Images.Single(i => i.Caption.StartsWith("beta=8"));
        // The committed traversals sweep the ten dimensions with the most KL in the run's summary, most first.
        var kl = runs.Single(r => r.Id == "beta=8").Summary.KlPerDimension;
        var mostKl = Enumerable.Range(0, kl.Length).OrderByDescending(d => kl[d]).Take(10).Select(d => $"z{d}");
        Assert.Equal($"beta=8: rows {string.Join(", ", mostKl)} (most KL first); columns z = -3 … +3", beta8.Caption);
    }

    [Fact]
    public void Sections_RowsRankedByKl_CaptionSaysMostKlFirst()
    {
        var root = Path.Combine(Path.GetTempPath(), "workbench-report-pictures-" + Guid.NewGuid().ToString("N"));
        var run = Path.Combine(root, "beta=8");
        try
        {
            foreach (var file in new[] { "config.json", "summary.json", "metrics.jsonl", "environment.json" })
            {
                Directory.CreateDirectory(Path.Combine(run, "images"));
                File.Copy(Path.Combine(Repository.Root(), "results", "beta-sweep", "beta=8", file), Path.Combine(run, file));
            }
            File.Copy(Path.Combine(Repository.Root(), "results", "beta-sweep", "beta=8", "images", "traversals.png"), Path.Combine(run, "images", "traversals.png"));
            File.WriteAllText(Path.Combine(run, "images", "traversals.json"), """{ "dimensions": ["z2", "z5"], "kl": [1.62, 0.4], "values": [-2, 0, 2] }""");

            var traversals = ReportPictures.Sections(ReportRun.ReadAll(root)).Single(s => s.Heading == "Latent traversals");

            Assert.Equal("beta=8: rows z2, z5 (most KL first); columns z = -2 … +2", Assert.Single(traversals.Images).Caption);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
