using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>A β × objective grid of four tiny runs, run once through `workbench run` (HTML figures only).</summary>
public sealed class GridExperiment : IDisposable
{
    private readonly TempDirectory _directory = new();

    public GridExperiment()
    {
        var file = CliRunner.WriteGridExperiment(_directory.Path);
        (ExitCode, Output, Error) = CliRunner.Invoke("run", file, "--results", _directory.File("results"), "--no-png");
        Folder = _directory.File(Path.Combine("results", "grid"));
        File = file;
        ResultsRoot = _directory.File("results");
    }

    public string File { get; }
    public string ResultsRoot { get; }
    public string Folder { get; }
    public int ExitCode { get; }
    public string Output { get; }
    public string Error { get; }

    public void Dispose() => _directory.Dispose();
}

public class ExperimentReportTests(GridExperiment grid) : IClassFixture<GridExperiment>
{
    [Fact]
    public void Run_GridExperiment_WritesComparisonFiguresAndReport()
    {
        Assert.True(grid.ExitCode == 0, grid.Error);
        Assert.Equal(4, Directory.GetFiles(grid.Folder, RunFolder.SummaryFile, SearchOption.AllDirectories).Length);
        foreach (var figure in new[] { "elbo-components", "rate-distortion", "kl-per-dimension", "latent-per-objective" })
            Assert.True(System.IO.File.Exists(Path.Combine(grid.Folder, "figures", figure + ".html")), $"{figure}.html missing");
        // Runs differ in β and objective, not in the form of their KL penalty.
        Assert.False(System.IO.File.Exists(Path.Combine(grid.Folder, "figures", "kl-schedules.html")));

        var html = System.IO.File.ReadAllText(Path.Combine(grid.Folder, ExperimentReport.FileName));
        Assert.Contains("Tiny grid over beta and objective.", html);
        Assert.Equal(2, Occurrences(html, "<script")); // plotly.js once, then the plots
        Assert.Equal(4, Occurrences(html, "plots.push(Plotly.newPlot("));
        // Every run's reconstructions, samples, traversals and manifold (latent size 2), linked by relative path.
        Assert.Equal(16, Occurrences(html, "<img src=\""));
        Assert.Equal(0, Occurrences(html, "<img src=\"data:"));
        foreach (var heading in new[] { "Reconstructions", "Prior samples", "Latent traversals", "Latent manifold" })
            Assert.Contains($"<h2>{heading}</h2>", html);
        Assert.Contains("<img src=\"beta%3D0.5_objective%3Delbo/images/reconstructions.png\"", html);
        foreach (var run in new[] { "beta=0.5_objective=elbo", "beta=2_objective=kl-only" }) Assert.Contains($"<td class=\"text\">{run}</td>", html);
    }

    [Fact]
    public void Run_SameExperimentAgain_SkipsFinishedRuns()
    {
        var (exitCode, output, error) = CliRunner.Invoke("run", grid.File, "--results", grid.ResultsRoot, "--no-png");
        Assert.True(exitCode == 0, error);
        Assert.Equal(4, Occurrences(output, "finished earlier, skipped"));
    }

    [Fact]
    public void Run_ConditionalRunsWithTwoKlPenalties_ReportsSchedulesAndClassGrids()
    {
        using var directory = new TempDirectory();
        var file = CliRunner.Write(directory.Path, "cvae.json", """
        {
          "name": "cvae",
          "data": { "dataset": "fashion-mnist-subset", "trainLimit": 200, "testLimit": 50 },
          "model": { "variant": "cvae", "latentSize": 2, "hiddenSizes": [16] },
          "training": { "epochs": 2, "batchSize": 50 },
          "evaluation": { "images": true },
          "grid": { "model.klPenalty": [
            { "kind": "weighted", "schedule": { "kind": "linear-warmup", "beta": 1 } },
            { "kind": "capacity", "gamma": 10, "maxCapacity": 5 } ] }
        }
        """);

        var (exitCode, _, error) = CliRunner.Invoke("run", file, "--results", directory.File("results"), "--no-png");

        Assert.True(exitCode == 0, error);
        var folder = directory.File(Path.Combine("results", "cvae"));
        Assert.True(System.IO.File.Exists(Path.Combine(folder, "figures", "kl-schedules.html")));
        // Capacity annealing has no β, so there is no β sweep to compare.
        Assert.False(System.IO.File.Exists(Path.Combine(folder, "figures", "rate-distortion.html")));
        var html = System.IO.File.ReadAllText(Path.Combine(folder, ExperimentReport.FileName));
        Assert.Contains("<h2>Class-conditional samples</h2>", html);
        Assert.Equal(2, Occurrences(html, "/images/class-conditional.png\""));
    }

    [Fact]
    public void Report_EmptyFolder_ExitsOne()
    {
        using var directory = new TempDirectory();
        var (exitCode, _, error) = CliRunner.Invoke("report", directory.Path, "--no-png");
        Assert.Equal(1, exitCode);
        Assert.Contains("no finished run", error);
    }

    [ChromiumFact]
    public async Task Report_InHeadlessChromium_DrawsEveryChartWithoutConsoleErrors()
    {
        Assert.True(grid.ExitCode == 0, grid.Error);
        await ReportInBrowser.AssertDrawsEveryChart(Path.Combine(grid.Folder, ExperimentReport.FileName), expectedCharts: 4);
    }

    [ChromiumFact]
    public async Task BrowserCheck_PageLoggingAnError_Fails()
    {
        Assert.True(grid.ExitCode == 0, grid.Error);
        using var directory = new TempDirectory();
        var broken = directory.File("broken.html");
        var html = System.IO.File.ReadAllText(Path.Combine(grid.Folder, ExperimentReport.FileName));
        const string ready = "window.reportReady = true;";
        Assert.Equal(1, Occurrences(html, ready));
        System.IO.File.WriteAllText(broken, html.Replace(ready, ready + " console.error('drawn badly');"));

        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => ReportInBrowser.AssertDrawsEveryChart(broken, expectedCharts: 4));
    }

    private static int Occurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
