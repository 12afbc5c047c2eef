using Workbench.Experiments.Reports;
using Workbench.Plotting.Rendering;

namespace Workbench.Tests.Experiments;

/// <summary>Where a results folder's pages get plotly.js and their pictures from, and how big that leaves the folder.</summary>
public class ReportFilesTests(GridExperiment grid) : IClassFixture<GridExperiment>
{
    [Fact]
    public void Run_ResultsFolder_HoldsPlotlyOnceAndEveryPageLoadsItByRelativePath()
    {
        Assert.True(grid.ExitCode == 0, grid.Error);
        var shared = Path.Combine(grid.ResultsRoot, SharedPlotly.FileName);
        Assert.True(File.Exists(shared), "shared plotly.js missing");
        long plotlyBytes = new FileInfo(shared).Length;
        Assert.True(plotlyBytes > 1_000_000, "plotly.js looks truncated");

        var pages = Directory.GetFiles(grid.ResultsRoot, "*.html", SearchOption.AllDirectories);
        Assert.True(pages.Length >= 9, $"only {pages.Length} pages"); // 4 runs × 2 figures + 4 comparisons + report
        foreach (var page in pages)
        {
            var html = File.ReadAllText(page);
            Assert.True(html.Length < 200_000, $"{page} is {html.Length} characters: plotly.js inlined?");
            var src = System.Text.RegularExpressions.Regex.Match(html, "<script type=\"text/javascript\" src=\"([^\"]+)\"").Groups[1].Value;
            Assert.True(src.Length > 0, $"{page} loads no plotly.js");
            Assert.Equal(Path.GetFullPath(shared), Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, src)));
        }
        // Without checkpoints and models the whole folder is plotly.js plus a little.
        long total = Directory.GetFiles(grid.ResultsRoot, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}checkpoints{Path.DirectorySeparatorChar}") && !f.EndsWith(".safetensors"))
            .Sum(f => new FileInfo(f).Length);
        Assert.True(total < plotlyBytes + 3_000_000, $"results folder holds {total} bytes");
    }

    [Fact]
    public void Write_SelfContained_InlinesPlotlyAndPictures()
    {
        Assert.True(grid.ExitCode == 0, grid.Error);
        using var copy = new Support.TempDirectory();
        var folder = Path.Combine(copy.Path, "grid");
        CopyDirectory(grid.Folder, folder);
        var (path, _) = ExperimentReport.Write(folder, exporter: null, selfContained: true);
        var html = File.ReadAllText(path);
        Assert.DoesNotContain(" src=\"plotly", html);
        Assert.DoesNotContain("<script type=\"text/javascript\" src=", html);
        Assert.True(html.Length > 1_000_000, "plotly.js not inlined");
        Assert.Equal(16, Count(html, "<img src=\"data:image/png;base64,"));
        Assert.False(File.Exists(Path.Combine(copy.Path, SharedPlotly.FileName)));
    }

    [ChromiumFact]
    public async Task Report_InHeadlessChromium_LoadsEveryPicture()
    {
        Assert.True(grid.ExitCode == 0, grid.Error);
        await ReportInBrowser.AssertDrawsEveryChart(Path.Combine(grid.Folder, ExperimentReport.FileName), expectedCharts: 4, expectedImages: 16);
    }

    private static int Count(string text, string value) => (text.Length - text.Replace(value, "").Length) / value.Length;

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to));
    }
}

/// <summary>The README's first command, the quickstart, must leave a fresh clone's committed tree unchanged.</summary>
public class QuickstartTreeTests(GridExperiment grid) : IClassFixture<GridExperiment>
{
    [Fact]
    public void Quickstart_EveryFileItWrites_IsIgnoredByGit()
    {
        Assert.True(grid.ExitCode == 0, grid.Error);
        // What a run writes besides its experiment folder: the files at the results root (index, shared plotly.js).
        var rootFiles = Directory.GetFiles(grid.ResultsRoot).Select(Path.GetFileName).ToList();
        Assert.Contains("index.json", rootFiles);
        var paths = rootFiles.Select(f => "results/" + f)
            .Concat(Directory.GetFiles(grid.Folder, "*", SearchOption.AllDirectories)
                .Select(f => "results/quickstart/" + Path.GetRelativePath(grid.Folder, f).Replace('\\', '/')))
            .ToList();
        var startInfo = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = Support.Repository.Root(), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "check-ignore", "--no-index", "--verbose", "--non-matching" }.Concat(paths)) startInfo.ArgumentList.Add(argument);
        using var git = System.Diagnostics.Process.Start(startInfo)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        // --non-matching lists paths no rule ignores with an empty source ("::\t<path>").
        var notIgnored = output.Split('\n').Where(line => line.StartsWith("::\t", StringComparison.Ordinal)).ToList();
        Assert.True(notIgnored.Count == 0, "not ignored:\n" + string.Join("\n", notIgnored));
        Assert.Equal(paths.Count, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}

/// <summary>A one-run experiment's report draws that run's training curves per step.</summary>
public class SingleRunReportTests
{
    [Fact]
    public void Report_OneRun_ShowsItsPerStepTrainingCurves()
    {
        using var directory = new Support.TempDirectory();
        var file = Cli.CliRunner.Write(directory.Path, "one.json", """
            {
              "name": "one",
              "data": { "dataset": "fashion-mnist-subset", "trainLimit": 200, "testLimit": 50 },
              "model": { "variant": "vae", "latentSize": 3, "hiddenSizes": [16] },
              "training": { "epochs": 2, "batchSize": 50 }
            }
            """);
        var (exitCode, _, error) = Cli.CliRunner.Invoke("run", file, "--results", directory.File("results"), "--no-png");
        Assert.True(exitCode == 0, error);
        var html = File.ReadAllText(Path.Combine(directory.Path, "results", "one", ExperimentReport.FileName));
        Assert.Contains("\"name\":\"train, per step\"", html);
        Assert.Contains("<h2>Latent traversals</h2>", html);
        Assert.Contains("rows z", html); // the traversal caption names its rows' dimensions
    }
}
