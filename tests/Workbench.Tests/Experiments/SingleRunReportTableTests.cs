using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>One tiny run of an experiment without a grid (as the quickstart is), run once through `workbench run`.</summary>
public sealed class SingleRunTableExperiment : IDisposable
{
    private readonly TempDirectory _directory = new();

    public SingleRunTableExperiment()
    {
        var file = CliRunner.Write(_directory.Path, "single.json", """
        {
          "name": "single",
          "description": "One tiny run.",
          "data": { "dataset": "fashion-mnist-subset", "trainLimit": 200, "testLimit": 100 },
          "model": { "variant": "vae", "latentSize": 2, "hiddenSizes": [16] },
          "training": { "epochs": 2, "batchSize": 50 },
          "evaluation": { "importanceSamples": 5, "importanceImages": 20 }
        }
        """);
        (ExitCode, _, Error) = CliRunner.Invoke("run", file, "--results", _directory.File("results"), "--no-png");
        Folder = _directory.File(Path.Combine("results", "single"));
    }

    public string Folder { get; }
    public int ExitCode { get; }
    public string Error { get; }
    public string Report => File.ReadAllText(Path.Combine(Folder, ExperimentReport.FileName));

    public void Dispose() => _directory.Dispose();
}

/// <summary>
/// The report of a single run (the quickstart's case): it says over how many test images each measure is taken,
/// captions pictures by what was trained rather than the run id, shows only the columns the run has values for,
/// and gives the training time with its unit.
/// </summary>
public partial class SingleRunReportTableTests(SingleRunTableExperiment single) : IClassFixture<SingleRunTableExperiment>
{
    [Fact]
    public void Run_ImportanceWeightedBoundOnFewerImages_SummaryRecordsTheCountAndTheReportShowsIt()
    {
        Assert.True(single.ExitCode == 0, single.Error);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(single.Folder, "default", RunFolder.SummaryFile)))!;
        Assert.Equal(20, summary["importanceImages"]!.GetValue<int>());
        Assert.Equal(100, summary["testImages"]!.GetValue<int>());

        var html = single.Report;
        Assert.Contains("−ELBO, reconstruction and KL: 100 test images", html);
        Assert.Contains("over the first 20 of them", html);
        Assert.Matches(@"<td>\d+\.\d\d \(k=5, 20 images\)</td>", html);
    }

    [Fact]
    public void Report_RunWithoutAGrid_CaptionsPicturesByWhatWasTrained()
    {
        Assert.True(single.ExitCode == 0, single.Error);
        var captions = CaptionPattern().Matches(single.Report).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(captions);
        Assert.All(captions, caption => Assert.StartsWith("single: vae, latent 2, 2 epochs", caption));
        Assert.DoesNotContain(captions, caption => caption.Contains("default", StringComparison.Ordinal));
    }

    [Fact]
    public void Report_PlainVae_ShowsNoColumnWithoutMeaningAndLabelsTrainingTimeWithItsUnit()
    {
        Assert.True(single.ExitCode == 0, single.Error);
        var headers = HeaderPattern().Matches(single.Report).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["run", "variant", "objective", "β / KL penalty", "test −ELBO", "reconstruction", "KL", "IWAE bound",
            "active units", "mean posterior σ", "training time"], headers);
        Assert.Matches(@"<td>\d+\.\d s</td></tr>", single.Report);
    }

    [Fact]
    public void Columns_RunsWithConditionalAccuracyOrSeveralRuns_ShowThoseColumns()
    {
        Assert.True(single.ExitCode == 0, single.Error);
        var run = Assert.Single(ReportRun.ReadAll(single.Folder));
        var conditional = run with { Summary = run.Summary with { ClassConditionalAccuracy = 0.9 } };

        Assert.Contains("class-conditional accuracy", ReportRunsTable.Columns([conditional]).Select(c => c.Header));
        Assert.DoesNotContain("reconstruction vs. mean image (RMS)", ReportRunsTable.Columns([conditional]).Select(c => c.Header));
        // Several runs: the collapse check tells them apart.
        Assert.Contains("reconstruction vs. mean image (RMS)", ReportRunsTable.Columns([run, conditional]).Select(c => c.Header));
    }

    [Theory]
    [InlineData(16.83, "16.8 s")]
    [InlineData(65, "1 min 05 s")]
    [InlineData(3725, "1 h 02 min")]
    public void Duration_Seconds_IsWrittenWithItsUnits(double seconds, string expected) =>
        Assert.Equal(expected, ReportRunsTable.Duration(seconds));

    [GeneratedRegex("<figcaption>([^<]*)</figcaption>")]
    private static partial Regex CaptionPattern();

    [GeneratedRegex("<th>([^<]*)</th>")]
    private static partial Regex HeaderPattern();
}
