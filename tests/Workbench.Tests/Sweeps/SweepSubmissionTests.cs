using System.Diagnostics;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Sweeps;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Sweeps;

public class SweepSubmissionTests
{
    [Fact]
    public void RunSlurm_SubmitsOnlyUnfinishedPointsThenTheReportAfterThem()
    {
        using var directory = new TempDirectory();
        var file = CliRunner.WriteGridExperiment(directory.Path);
        var results = directory.File("results");
        Assert.Equal(0, CliRunner.Invoke("run", file, "--results", results, "--point", "1", "--no-png").ExitCode);
        var bin = SweepFiles.FakeSlurm(directory.Path);

        var (exitCode, output) = SweepFiles.RunWorkbench(["run", file, "--results", results, "--slurm", "--cpus-per-task", "2", "--no-png"],
            new Dictionary<string, string> { ["PATH"] = bin + ":/usr/bin:/bin" });

        Assert.True(exitCode == 0, output);
        var calls = File.ReadAllLines(Path.Combine(directory.Path, "sbatch-calls"));
        string scripts = Path.Combine(results, "grid", "slurm");
        Assert.Equal([$"--parsable --array=0,2-3 {Path.Combine(scripts, "sweep.sbatch")}", $"--parsable --dependency=afterany:41 {Path.Combine(scripts, "report.sbatch")}"], calls);
        Assert.Contains("array job 41", output);
        Assert.Contains("report job 42", output);
        Assert.Contains("squeue -j 41,42", output);
        Assert.Contains("#SBATCH --cpus-per-task=2", File.ReadAllText(Path.Combine(scripts, "sweep.sbatch")));
        var pending = SweepStatus.Read(Path.Combine(results, "grid"));
        Assert.Equal([RunState.Pending, RunState.Finished, RunState.Pending, RunState.Pending], pending.Select(s => s.State));
    }

    [Fact]
    public void RunParallel_Sigterm_StopsEveryRunAtACheckpoint()
    {
        using var directory = new TempDirectory();
        var file = CliRunner.Write(directory.Path, "long.json", """
        {
          "name": "long",
          "data": { "dataset": "fashion-mnist-subset", "trainLimit": 300, "testLimit": 50 },
          "model": { "latentSize": 2, "hiddenSizes": [32] },
          "training": { "epochs": 5000, "batchSize": 50 },
          "grid": { "training.seed": [1, 2] }
        }
        """);
        string experiment = Path.Combine(directory.Path, "results", "long");

        using var parent = SweepFiles.StartWorkbench(["run", file, "--results", directory.File("results"), "--parallel", "2", "--no-png"]);
        _ = parent.StandardOutput.ReadToEndAsync();
        _ = parent.StandardError.ReadToEndAsync();
        SweepFiles.WaitUntil(() => new[] { "seed=1", "seed=2" }.All(run => File.Exists(Path.Combine(experiment, run, "metrics.jsonl"))),
            TimeSpan.FromMinutes(2), "both runs' first epoch");
        Process.Start("kill", ["-TERM", $"{parent.Id}"])!.WaitForExit();
        Assert.True(parent.WaitForExit(TimeSpan.FromMinutes(1)), "the sweep did not stop after SIGTERM");
        parent.WaitForExit();

        Assert.Equal(143, parent.ExitCode);
        foreach (var run in new[] { "seed=1", "seed=2" })
        {
            Assert.Equal(143, RunLog.ExitCode(RunLog.LastAttempt(Path.Combine(experiment, run, RunLog.FileName))));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(experiment, run, "checkpoints"), "epoch-*.safetensors"));
        }
        Assert.All(SweepStatus.Read(experiment), s => Assert.Equal(RunState.Interrupted, s.State));
    }
}
