using System.Diagnostics;
using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Sweeps;

/// <summary>A run folder another process is training: another configuration is an error naming both; the same one is left to it and said so.</summary>
public class HeldRunTests
{
    /// <summary>Starts <c>workbench run</c> in a child process and waits until it trains <paramref name="runFolder"/> (its first epoch is written).</summary>
    private static Process StartTraining(string runFolder, params string[] arguments)
    {
        var process = SweepFiles.StartWorkbench(arguments);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        SweepFiles.WaitUntil(() => process.HasExited || File.Exists(Path.Combine(runFolder, "metrics.jsonl")), TimeSpan.FromMinutes(2), "the first epoch");
        Assert.False(process.HasExited, "the training process ended early");
        return process;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited) Process.Start("kill", ["-TERM", $"{process.Id}"])!.WaitForExit();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        process.Dispose();
    }

    [Fact]
    public void Run_FolderHeldByAnotherProcessTrainingAnotherConfiguration_ExitsOneNamingBoth()
    {
        using var directory = new TempDirectory();
        var results = directory.File("results");
        var theirs = RunIdentityCliTests.WriteTiny(Directory.CreateDirectory(directory.File("theirs")).FullName, "held", epochs: 5000);
        var mine = RunIdentityCliTests.WriteTiny(Directory.CreateDirectory(directory.File("mine")).FullName, "held", epochs: 5000,
            edit: e => e["model"]!["latentSize"] = 3);
        string runFolder = Path.Combine(results, "held", "default");
        var other = StartTraining(runFolder, "run", theirs, "--results", results, "--no-png");
        try
        {
            var (exitCode, output, error) = CliRunner.Invoke("run", mine, "--results", results, "--no-png");

            Assert.True(exitCode == 1, output + error);
            Assert.DoesNotContain("skipped", output);
            Assert.Contains(runFolder, error);
            Assert.Contains("another process", error);
            Assert.Contains("model.latentSize: 2 → 3", error); // theirs → this one
            Assert.Contains(RunIdentity.Read(runFolder)!.Hash[..12], error);
            Assert.Contains(RunIdentity.Of(ExperimentLoader.Expand(mine).Runs[0]).Hash[..12], error);
        }
        finally
        {
            Stop(other);
        }
        Assert.Contains("\"latentSize\": 2", File.ReadAllText(Path.Combine(runFolder, "config.json")));
    }

    [Fact]
    public void Run_FolderHeldByAnotherProcessTrainingTheSameConfiguration_LeavesItAndSaysSo()
    {
        using var directory = new TempDirectory();
        var results = directory.File("results");
        var file = RunIdentityCliTests.WriteTiny(directory.Path, "same", epochs: 5000);
        string runFolder = Path.Combine(results, "same", "default");
        var other = StartTraining(runFolder, "run", file, "--results", results, "--no-png");
        try
        {
            var (exitCode, output, error) = CliRunner.Invoke("run", file, "--results", results, "--no-png");

            Assert.True(exitCode == 0, output + error);
            Assert.Contains("default: another process (process ", output);
            Assert.Contains("is training this same configuration; left to it, not finished here", output);
        }
        finally
        {
            Stop(other);
        }
    }

    [Fact]
    public void RunParallel_PointHeldByAnotherProcess_IsReportedAsRunningThere_NotDone()
    {
        using var directory = new TempDirectory();
        var results = directory.File("results");
        var file = RunIdentityCliTests.WriteTiny(directory.Path, "busy", edit: e => e["grid"] = new JsonObject { ["training.epochs"] = new JsonArray(5000, 1) });
        string held = Path.Combine(results, "busy", "epochs=5000");
        var other = StartTraining(held, "run", file, "--results", results, "--point", "0", "--no-png");
        try
        {
            var (exitCode, output, error) = CliRunner.Invoke("run", file, "--results", results, "--parallel", "2", "--no-png");

            Assert.True(exitCode == 0, output + error);
            Assert.DoesNotContain("epochs=5000: done", output);
            Assert.Contains("epochs=5000: not finished: another process is training it", output);
            Assert.Contains("epochs=1: done", output);
            Assert.Equal(["epochs=1"], ResultsIndex.Read(results, "busy").Select(s => s.Run));
            Assert.True(File.Exists(Path.Combine(results, "busy", "report.html")));
        }
        finally
        {
            Stop(other);
        }
    }

    [Fact]
    public void RunHolder_RecordLeftByAKilledProcess_IsNotTakenForALiveHolder()
    {
        using var directory = new TempDirectory();
        var file = RunIdentityCliTests.WriteTiny(directory.Path, "holder");
        var identity = RunIdentity.Of(ExperimentLoader.Expand(file).Runs[0]);
        string runFolder = directory.File("run");
        string record;
        using (var folder = new RunFolder(runFolder))
        {
            Assert.True(folder.TryLock(identity));
            Assert.Equal(identity.Hash, RunHolder.Live(runFolder)?.Identity.Hash);
            Assert.Equal(Environment.ProcessId, RunHolder.Live(runFolder)?.ProcessId);
            record = File.ReadAllText(Path.Combine(runFolder, RunHolder.FileName));
        }
        Assert.False(File.Exists(Path.Combine(runFolder, RunHolder.FileName)));

        // As kill -9 leaves it: the record without the lock.
        Directory.CreateDirectory(runFolder);
        File.WriteAllText(Path.Combine(runFolder, RunHolder.FileName), record);
        File.WriteAllText(Path.Combine(runFolder, ".lock"), "");

        Assert.Null(RunHolder.Live(runFolder));
    }
}
