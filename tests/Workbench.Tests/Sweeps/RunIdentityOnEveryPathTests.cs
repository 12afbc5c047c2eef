using Workbench.Experiments.Slurm;
using Workbench.Notebooks;
using Workbench.Tests.Cli;
using Workbench.Tests.Notebooks;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Sweeps;

/// <summary>
/// One identity check on every path that trains a run: a run folder holding another configuration than the one
/// requested is refused (exit 1, naming the changed fields), or with <c>--rerun-changed</c> moved to <c>.stale/</c>
/// and trained again; on a plain run, one grid point, a parallel sweep, a Slurm submission and its tasks, and Lab.
/// </summary>
[Collection(nameof(LabRunLoggingTests))] // the Lab case sets Lab's process-wide results root
public class RunIdentityOnEveryPathTests
{
    private const string Change = "model.latentSize: 2 → 3";

    /// <summary>Runs a 2-point grid (latent 2) into <c>results</c>, then edits the file to a 3-d latent; returns the file and results root.</summary>
    private static (string File, string Results) FinishedThenEdited(TempDirectory directory, string name)
    {
        var file = SweepFiles.WriteTinyGrid(directory.Path, name);
        var results = directory.File("results");
        var first = CliRunner.Invoke("run", file, "--results", results, "--no-png");
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        SweepFiles.WriteTinyGrid(directory.Path, name, latent: 3);
        return (file, results);
    }

    private static void AssertUntouched(string results, string name)
    {
        foreach (var run in new[] { "seed=1", "seed=2" }) Assert.Equal(2, SweepFiles.Summary(Path.Combine(results, name, run)).LatentSize);
        Assert.False(Directory.Exists(Path.Combine(results, name, ".stale")));
    }

    private static void AssertRetrained(string results, string name, params string[] runs)
    {
        foreach (var run in runs) Assert.Equal(3, SweepFiles.Summary(Path.Combine(results, name, run)).LatentSize);
        var stale = Directory.GetDirectories(Path.Combine(results, name, ".stale"));
        Assert.Equal(runs.Length, stale.Length);
        Assert.All(stale, folder => Assert.Equal(2, SweepFiles.Summary(folder).LatentSize));
    }

    [Fact]
    public void Run_Sequential_ChangedFinishedRuns_Refuses()
    {
        using var directory = new TempDirectory();
        var (file, results) = FinishedThenEdited(directory, "sequential");

        var (exitCode, _, error) = CliRunner.Invoke("run", file, "--results", results, "--no-png");

        Assert.Equal(1, exitCode);
        Assert.Contains(Change, error);
        AssertUntouched(results, "sequential");
    }

    [Fact]
    public void RunPoint_ChangedFinishedRun_RefusesAndRerunChangedTrainsItAgain()
    {
        using var directory = new TempDirectory();
        var (file, results) = FinishedThenEdited(directory, "point");

        var refused = CliRunner.Invoke("run", file, "--results", results, "--point", "0", "--no-png");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(Change, refused.Error);
        AssertUntouched(results, "point");

        var rerun = CliRunner.Invoke("run", file, "--results", results, "--point", "0", "--no-png", "--rerun-changed");
        Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Error);
        AssertRetrained(results, "point", "seed=1");
    }

    [Fact]
    public void RunParallel_ChangedFinishedRuns_RefusesBeforeStartingAnyPoint()
    {
        using var directory = new TempDirectory();
        var (file, results) = FinishedThenEdited(directory, "parallel");

        var (exitCode, output, error) = CliRunner.Invoke("run", file, "--results", results, "--parallel", "2", "--no-png");

        Assert.True(exitCode == 1, output + error);
        Assert.Contains(Change, error);
        Assert.Contains("--rerun-changed", error);
        Assert.DoesNotContain("started", output);
        AssertUntouched(results, "parallel");
    }

    [Fact]
    public void RunParallel_RerunChanged_MovesTheChangedRunsAsideAndTrainsThemAgain()
    {
        using var directory = new TempDirectory();
        var (file, results) = FinishedThenEdited(directory, "rerun");

        var (exitCode, output, error) = CliRunner.Invoke("run", file, "--results", results, "--parallel", "2", "--no-png", "--rerun-changed");

        Assert.True(exitCode == 0, output + error);
        AssertRetrained(results, "rerun", "seed=1", "seed=2");
        Assert.Equal([3, 3], Workbench.Experiments.RunFolders.ResultsIndex.Read(results, "rerun").Select(s => s.LatentSize));
    }

    [Fact]
    public void RunSlurm_ChangedFinishedRuns_RefusesToSubmit()
    {
        using var directory = new TempDirectory();
        var (file, results) = FinishedThenEdited(directory, "slurm");
        var bin = SweepFiles.FakeSlurm(directory.Path);

        var (exitCode, output) = SweepFiles.RunWorkbench(["run", file, "--results", results, "--slurm", "--no-png"], SweepFiles.FakeSlurmPath(bin));

        Assert.True(exitCode == 1, output);
        Assert.Contains(Change, output);
        Assert.False(File.Exists(Path.Combine(directory.Path, "sbatch-calls")), "sbatch was called");
        AssertUntouched(results, "slurm");
    }

    [Fact]
    public void RunSlurm_RerunChanged_ReachesTheTasks_WhichMoveTheChangedRunAside()
    {
        using var directory = new TempDirectory();
        var (file, results) = FinishedThenEdited(directory, "tasks");
        var bin = SweepFiles.FakeSlurm(directory.Path);

        var (exitCode, output) = SweepFiles.RunWorkbench(["run", file, "--results", results, "--slurm", "--no-png", "--rerun-changed"],
            SweepFiles.FakeSlurmPath(bin));
        Assert.True(exitCode == 0, output);
        Assert.Contains("--array=0-1", File.ReadAllText(Path.Combine(directory.Path, "sbatch-calls")));
        string script = Path.Combine(results, "tasks", SlurmSubmissionRecord.Folder, SlurmScripts.SweepScript);
        Assert.Contains("--rerun-changed", File.ReadAllText(script));

        foreach (int point in new[] { 0, 1 }) Assert.Equal(0, SweepFiles.RunSlurmTask(script, point, bin));

        AssertRetrained(results, "tasks", "seed=1", "seed=2");
    }

    [Fact]
    public void SlurmTask_FolderChangedAfterSubmission_RefusesToTrainIt()
    {
        using var directory = new TempDirectory();
        var file = SweepFiles.WriteTinyGrid(directory.Path, "late");
        var results = directory.File("results");
        var bin = SweepFiles.FakeSlurm(directory.Path);
        var (submitted, output) = SweepFiles.RunWorkbench(["run", file, "--results", results, "--slurm", "--no-png"], SweepFiles.FakeSlurmPath(bin));
        Assert.True(submitted == 0, output);
        // Before task 0 starts, someone trains another configuration into its folder.
        var other = SweepFiles.WriteTinyGrid(Directory.CreateDirectory(directory.File("other")).FullName, "late", latent: 3);
        Assert.Equal(0, CliRunner.Invoke("run", other, "--results", results, "--point", "0", "--no-png").ExitCode);

        string script = Path.Combine(results, "late", SlurmSubmissionRecord.Folder, SlurmScripts.SweepScript);
        int code = SweepFiles.RunSlurmTask(script, 0, bin);

        string log = File.ReadAllText(Path.Combine(results, "late", "seed=1", Workbench.Experiments.RunFolders.RunLog.FileName));
        Assert.True(code == 1, log);
        Assert.Contains("model.latentSize: 3 → 2", log);
        Assert.Equal(3, SweepFiles.Summary(Path.Combine(results, "late", "seed=1")).LatentSize);
    }

    [SlurmFact]
    public void RunSlurm_OnACluster_RerunChangedRetrainsTheChangedRuns()
    {
        using var directory = new TempDirectory();
        var (file, results) = FinishedThenEdited(directory, "cluster");
        Assert.Equal(1, SweepFiles.RunWorkbench(["run", file, "--results", results, "--slurm", "--no-png"]).ExitCode);

        var (exitCode, output) = SweepFiles.RunWorkbench(["run", file, "--results", results, "--slurm", "--no-png", "--rerun-changed"]);
        Assert.True(exitCode == 0, output);
        var submission = SlurmSubmissionRecord.TryRead(Path.Combine(results, "cluster"))!;
        try
        {
            SweepFiles.WaitUntil(() => File.Exists(Path.Combine(results, "cluster", "report.html")) &&
                                       SweepFiles.JobsEnded(submission.ArrayJobId, submission.ReportJobId),
                TimeSpan.FromMinutes(6), "the array and report jobs to end");
        }
        finally
        {
            SweepFiles.TryCancel(submission.ArrayJobId, submission.ReportJobId);
        }
        AssertRetrained(results, "cluster", "seed=1", "seed=2");
    }

    [Fact]
    public void LabTrain_ChangedSettings_NeverReusesTheEarlierRun()
    {
        using var directory = new TempDirectory();
        Lab.LogRunsTo("identity-lab", directory.Path);
        var (train, test) = Lab.LoadFashionMnistSubset(300, 100);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 50, Seed = 3 };
        Lab.Train(new Workbench.Models.VaeConfig { HiddenSizes = [32], LatentSize = 2 }, options, train, test, name: "tiny");

        var changed = Lab.Train(new Workbench.Models.VaeConfig { HiddenSizes = [32], LatentSize = 3 }, options, train, test, name: "tiny");

        Assert.Equal(3, changed.Model.LatentSize);
        Assert.Equal(3, SweepFiles.Summary(changed.Folder!).LatentSize);
        var stale = Assert.Single(Directory.GetDirectories(Path.Combine(directory.Path, "identity-lab", ".stale")));
        Assert.Equal(2, SweepFiles.Summary(stale).LatentSize);
    }
}
