using System.Globalization;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>A β × seed grid of four one-epoch runs on 200 images, run once through `workbench run` (HTML figures only).</summary>
public sealed class SeedGridExperiment : IDisposable
{
    private readonly TempDirectory _directory = new();

    public SeedGridExperiment()
    {
        var file = CliRunner.Write(_directory.Path, "seed-grid.json", """
        {
          "name": "seed-grid",
          "description": "Tiny grid over beta and the training seed.",
          "data": { "dataset": "fashion-mnist-subset", "trainLimit": 200, "testLimit": 50 },
          "model": { "variant": "beta-vae", "latentSize": 2, "hiddenSizes": [16] },
          "training": { "epochs": 1, "batchSize": 50 },
          "grid": { "model.beta": [0.5, 2], "training.seed": [1, 2] }
        }
        """);
        (ExitCode, Output, Error) = CliRunner.Invoke("run", file, "--results", _directory.File("results"), "--no-png");
        Folder = _directory.File(Path.Combine("results", "seed-grid"));
    }

    public string Folder { get; }
    public int ExitCode { get; }
    public string Output { get; }
    public string Error { get; }

    /// <summary>Test −ELBO of a finished run, from its summary.json.</summary>
    public double Elbo(string run) => RunFiles.ReadSummary(Path.Combine(Folder, run, RunFolder.SummaryFile)).TestNegativeElbo;

    public void Dispose() => _directory.Dispose();
}

public class SeedGridCliTests(SeedGridExperiment grid) : IClassFixture<SeedGridExperiment>
{
    /// <summary>"mean ± sd" of two values by hand, as <see cref="SeedStatistic.ToString()"/> writes it (two decimals).</summary>
    private static string MeanSd(double a, double b)
    {
        double mean = (a + b) / 2;
        double sd = Math.Sqrt(((a - mean) * (a - mean) + (b - mean) * (b - mean)) / (2 - 1));
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F2} ± {sd:F2}");
    }

    [Fact]
    public void Run_SeedGrid_PrintsEachGroupsMeanAndSdOverSeeds()
    {
        Assert.True(grid.ExitCode == 0, grid.Error);
        Assert.Contains("Over seeds: mean ± sample standard deviation (n − 1)", grid.Output);
        var row = grid.Output.Split('\n').Single(l => l.StartsWith("seed-grid/beta=0.5\t", StringComparison.Ordinal)).Split('\t');
        Assert.Equal("seeds 1, 2", row[1]);
        double one = grid.Elbo("beta=0.5_seed=1"), two = grid.Elbo("beta=0.5_seed=2");
        double mean = (one + two) / 2, sd = Math.Abs(one - two) / Math.Sqrt(2);
        Assert.Equal($"{Cell(mean)} ± {Cell(sd)}", row[4]);
        Assert.Equal($"{Cell(one)} · {Cell(two)}", row[^1]);
    }

    [Fact]
    public void Report_SeedGrid_RunsTableHasMeanSdCellsAndEachSeed()
    {
        Assert.True(grid.ExitCode == 0, grid.Error);
        var html = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(grid.Folder, ExperimentReport.FileName)));
        double one = grid.Elbo("beta=2_seed=1"), two = grid.Elbo("beta=2_seed=2");
        Assert.Contains($"<td>{MeanSd(one, two)}<br><span class=\"seeds\">{F2(one)} · {F2(two)}</span></td>", html);
        Assert.Contains("<td class=\"text\">beta=2<br><span class=\"seeds\">seeds 1, 2</span></td>", html);
        var figure = File.ReadAllText(Path.Combine(grid.Folder, "figures", "rate-distortion.html"));
        Assert.Contains("sd over seeds", figure);
        Assert.Contains("\"error_x\"", figure);
    }

    [Fact]
    public void Status_SeedGrid_GroupLinesWithMeanSdAndUnfinishedSeedsNamed()
    {
        Assert.True(grid.ExitCode == 0, grid.Error);
        var (exitCode, output, error) = CliRunner.Invoke("status", grid.Folder);
        Assert.True(exitCode == 0, error);
        Assert.Contains("Seed groups: test −ELBO in nats, mean ± sample sd (n − 1) over the finished seeds", output);
        Assert.Matches($@"\nbeta=0\.5\s+{Escape(MeanSd(grid.Elbo("beta=0.5_seed=1"), grid.Elbo("beta=0.5_seed=2")))}\s+1, 2 finished", output);

        // A copy with one seed unfinished: its group shows the other seed's value alone and names the unfinished one.
        using var copy = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(grid.Folder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy.Path, Path.GetRelativePath(grid.Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.Delete(Path.Combine(copy.Path, "beta=2_seed=2", RunFolder.SummaryFile));
        (exitCode, output, error) = CliRunner.Invoke("status", copy.Path);
        Assert.True(exitCode == 0, error);
        Assert.Matches($@"\nbeta=2\s+{Escape(F2(grid.Elbo("beta=2_seed=1")))}\s+1 finished; 2 interrupted", output);
    }

    private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Cell(double value) => Workbench.Display.HtmlTable.Cell(value);

    private static string Escape(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
