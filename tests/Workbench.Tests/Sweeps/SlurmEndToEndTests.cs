using System.Diagnostics;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Slurm;
using Workbench.Experiments.Sweeps;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;
using Xunit.Abstractions;

namespace Workbench.Tests.Sweeps;

/// <summary>
/// A grid submitted to a real Slurm with <c>workbench run --slurm</c> gives the same results, bit for bit, as the
/// same grid run locally with the same threads per run, including a task stopped by SIGTERM mid-run and requeued.
/// </summary>
public class SlurmEndToEndTests(ITestOutputHelper log)
{
    private static readonly string[] Runs = ["beta=0.5", "beta=1", "beta=2", "beta=4"];

    [SlurmFact]
    public void RunSlurm_FourPointsWithOneStoppedAndRequeued_MatchesTheLocalSweep()
    {
        using var directory = new TempDirectory();
        var file = CliRunner.Write(directory.Path, "e2e.json", """
        {
          "name": "e2e",
          "data": { "dataset": "fashion-mnist-subset", "trainLimit": 2000, "testLimit": 500 },
          "model": { "variant": "beta-vae", "latentSize": 10, "hiddenSizes": [400] },
          "training": { "epochs": 10, "batchSize": 50, "seed": 3 },
          "evaluation": { "images": false },
          "grid": { "model.beta": [0.5, 1, 2, 4] }
        }
        """);
        string local = directory.File("local"), cluster = directory.File("cluster");
        string experiment = Path.Combine(cluster, "e2e");

        var (submitCode, submitOutput, submitError) = CliRunner.Invoke("run", file, "--results", cluster, "--slurm", "--cpus-per-task", "1", "--no-png");
        log.WriteLine(submitOutput + submitError);
        Assert.True(submitCode == 0, submitOutput + submitError);
        var submission = SlurmSubmissionRecord.TryRead(experiment)!;
        Assert.Equal([0, 1, 2, 3], submission.Points);
        Assert.True(File.Exists(Path.Combine(experiment, "slurm", SlurmScripts.SweepScript)));
        string victim = $"{submission.ArrayJobId}_0", firstRun = Path.Combine(experiment, submission.Runs[0]);

        try
        {
            // Stop point 0 after its first epoch, as Slurm does before preemption, then requeue it.
            SweepFiles.WaitUntil(() => File.Exists(Path.Combine(firstRun, "metrics.jsonl")), TimeSpan.FromMinutes(4), "point 0's first epoch");
            // scancel may report "Job can not be altered now, try again later" while the task's step starts, and yet
            // deliver the signal: send it until point 0's log shows that the attempt ended.
            bool Ended() => RunLog.ExitCode(RunLog.LastAttempt(Path.Combine(firstRun, RunLog.FileName))) is not null;
            SweepFiles.WaitUntil(() =>
            {
                TrySlurm("scancel", "--signal=TERM", victim);
                var clock = Stopwatch.StartNew();
                while (!Ended() && clock.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(100);
                return Ended();
            }, TimeSpan.FromMinutes(2), "point 0 to stop after SIGTERM");
            var stopped = Assert.Single(SweepStatus.Read(experiment), s => s.Run == submission.Runs[0]);
            log.WriteLine($"after SIGTERM: {stopped}");
            Assert.Equal(RunState.Interrupted, stopped.State);
            Assert.Contains("last checkpoint after epoch", stopped.Detail);
            SweepFiles.WaitUntil(() => !Slurm("squeue", "-h", "-j", victim).Contains(" R "), TimeSpan.FromMinutes(1), "task 0 to leave the running state");
            Slurm("scontrol", "requeue", victim);
            Slurm("scontrol", "update", $"JobId={victim}", "StartTime=now"); // a requeued job otherwise waits two minutes

            SweepFiles.WaitUntil(() => Slurm("squeue", "-h", "-j", $"{submission.ArrayJobId},{submission.ReportJobId}").Trim().Length == 0,
                TimeSpan.FromMinutes(6), "the array and report jobs to end");
        }
        finally
        {
            TryCancel(submission);
        }

        var (localCode, localOutput) = SweepFiles.RunWorkbench(["run", file, "--results", local, "--threads", "1", "--no-png"]);
        Assert.True(localCode == 0, localOutput);

        string firstLog = File.ReadAllText(Path.Combine(firstRun, RunLog.FileName));
        log.WriteLine(firstLog);
        Assert.Contains("SIGTERM", firstLog);
        Assert.Contains("a checkpoint was written", firstLog);
        Assert.Contains(RunLog.ExitLine(143), firstLog);
        Assert.Contains("restart 1", firstLog);
        Assert.Equal(0, RunLog.ExitCode(RunLog.LastAttempt(Path.Combine(firstRun, RunLog.FileName))));
        SweepFiles.AssertSameResults(Path.Combine(local, "e2e"), experiment, Runs);
        Assert.All(SweepStatus.Read(experiment), s => Assert.Equal(RunState.Finished, s.State));
        Assert.True(File.Exists(Path.Combine(experiment, "report.html")), "the report job wrote no report");
    }

    private bool TrySlurm(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        log.WriteLine($"{tool} {string.Join(' ', arguments)}: exit {process.ExitCode} {output.Trim()}");
        return process.ExitCode == 0;
    }

    private string Slurm(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (tool != "squeue") log.WriteLine($"{tool} {string.Join(' ', arguments)}: exit {process.ExitCode} {output.Trim()}");
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed: {output}");
        return output;
    }

    private static void TryCancel(SlurmSubmissionRecord submission)
    {
        try { Process.Start("scancel", [submission.ArrayJobId, submission.ReportJobId])?.WaitForExit(); }
        catch (System.ComponentModel.Win32Exception) { }
    }
}
