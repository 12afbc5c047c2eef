using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Slurm;
using Workbench.Plotting.Rendering;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Sweeps;

/// <summary>
/// A sweep reads its experiment once: every point of a <c>--parallel</c> sweep and every Slurm task runs the
/// configuration submitted, whatever the file says later; and the run pages of every path share one plotly.js.
/// </summary>
public class SweepSnapshotTests
{
    [Fact]
    public void RunParallel_FileEditedWhileItRuns_EveryPointUsesTheSubmittedConfiguration()
    {
        using var directory = new TempDirectory();
        var file = SweepFiles.WriteTinyGrid(directory.Path, "edited", seeds: [1, 2, 3, 4]);
        var results = directory.File("results");
        string experiment = Path.Combine(results, "edited");

        (int ExitCode, string Output, string Error) sweep = default;
        var parent = new Thread(() => sweep = CliRunner.Invoke("run", file, "--results", results, "--parallel", "2", "--no-png"));
        parent.Start();
        // Points 3 and 4 start only when one of the first two has finished: after the edit.
        SweepFiles.WaitUntil(() => File.Exists(Path.Combine(experiment, "seed=1", "run.log")), TimeSpan.FromMinutes(2), "the first point to start");
        SweepFiles.WriteTinyGrid(directory.Path, "edited", latent: 3, seeds: [1, 2, 3, 4]);
        parent.Join();

        Assert.True(sweep.ExitCode == 0, sweep.Output + sweep.Error);
        var index = ResultsIndex.Read(results, "edited");
        Assert.Equal(4, index.Count);
        Assert.All(index, run => Assert.Equal(2, run.LatentSize));
    }

    [Fact]
    public void RunSlurm_FileEditedAfterSubmission_TasksRunTheSubmittedSnapshot()
    {
        using var directory = new TempDirectory();
        var file = SweepFiles.WriteTinyGrid(directory.Path, "queued");
        string submittedText = File.ReadAllText(file);
        var results = directory.File("results");
        var bin = SweepFiles.FakeSlurm(directory.Path);

        var (exitCode, output) = SweepFiles.RunWorkbench(["run", file, "--results", results, "--slurm", "--no-png"], SweepFiles.FakeSlurmPath(bin));
        Assert.True(exitCode == 0, output);
        // The tasks start later, after the file has changed.
        SweepFiles.WriteTinyGrid(directory.Path, "queued", latent: 3);

        string experiment = Path.Combine(results, "queued");
        string script = Path.Combine(experiment, SlurmSubmissionRecord.Folder, SlurmScripts.SweepScript);
        string report = Path.Combine(experiment, SlurmSubmissionRecord.Folder, SlurmScripts.ReportScript);
        Assert.Equal(0, SweepFiles.RunSlurmTask(script, 1, bin));
        Assert.Equal(2, SweepFiles.Summary(Path.Combine(experiment, "seed=2")).LatentSize);
        string snapshot = Assert.Single(Directory.GetFiles(experiment, "*.json", SearchOption.AllDirectories), f => File.ReadAllText(f) == submittedText);
        foreach (var batch in new[] { script, report })
        {
            Assert.Contains($"run {SlurmScripts.Quote(snapshot)} --results", File.ReadAllText(batch));
            Assert.DoesNotContain($"run {SlurmScripts.Quote(file)} ", File.ReadAllText(batch));
        }
    }

    [Fact]
    public void RunParallel_TwoPoints_TheSweepHoldsOnePlotlyCopy()
    {
        using var directory = new TempDirectory();
        var file = SweepFiles.WriteTinyGrid(directory.Path, "pages");
        var results = directory.File("results");

        var (exitCode, output, error) = CliRunner.Invoke("run", file, "--results", results, "--parallel", "2", "--no-png");

        Assert.True(exitCode == 0, output + error);
        var copies = Directory.GetFiles(results, "plotly-*.js", SearchOption.AllDirectories);
        Assert.Equal([Path.Combine(results, SharedPlotly.FileName)], copies);
        foreach (var run in new[] { "seed=1", "seed=2" })
        {
            string page = File.ReadAllText(Path.Combine(results, "pages", run, "figures", "elbo-components.html"));
            Assert.Contains($"src=\"../../../{SharedPlotly.FileName}\"", page);
            Assert.True(page.Length < 200_000, $"{run}'s page holds {page.Length} characters: plotly.js inlined");
        }
    }

    [Fact]
    public void RunPoint_RunPageLoadsTheSharedPlotly()
    {
        using var directory = new TempDirectory();
        var file = SweepFiles.WriteTinyGrid(directory.Path, "point");
        var results = directory.File("results");

        var (exitCode, output, error) = CliRunner.Invoke("run", file, "--results", results, "--point", "1", "--no-png");

        Assert.True(exitCode == 0, output + error);
        string page = File.ReadAllText(Path.Combine(results, "point", "seed=2", "figures", "elbo-components.html"));
        Assert.True(page.Length < 200_000, $"the page holds {page.Length} characters: plotly.js inlined");
        Assert.True(File.Exists(Path.Combine(results, SharedPlotly.FileName)));
    }
}
