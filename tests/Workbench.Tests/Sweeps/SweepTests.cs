using System.Diagnostics;
using System.Text.Json.Nodes;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Slurm;
using Workbench.Experiments.Sweeps;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Sweeps;

public class SweepTests
{
    private static readonly string[] GridRuns =
        ["beta=0.5_objective=elbo", "beta=0.5_objective=kl-only", "beta=2_objective=elbo", "beta=2_objective=kl-only"];

    [Fact]
    public void RunParallel_TwoAtOnceWithOneThreadEach_MatchesSequentialRunsWithOneThread()
    {
        using var directory = new TempDirectory();
        var file = CliRunner.WriteGridExperiment(directory.Path);

        var sequential = SweepFiles.RunWorkbench(["run", file, "--results", directory.File("sequential"), "--threads", "1", "--no-png"]);
        var parallel = SweepFiles.RunWorkbench(["run", file, "--results", directory.File("parallel"), "--parallel", "2", "--no-png"]);

        Assert.True(sequential.ExitCode == 0, sequential.Output);
        Assert.True(parallel.ExitCode == 0, parallel.Output);
        Assert.Contains("2 at a time with 1 thread(s) each", parallel.Output);
        SweepFiles.AssertSameResults(Path.Combine(directory.Path, "sequential", "grid"), Path.Combine(directory.Path, "parallel", "grid"), GridRuns);
        foreach (var run in GridRuns)
        {
            var folder = Path.Combine(directory.Path, "parallel", "grid", run);
            Assert.Equal(1, JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "environment.json")))!["threads"]!.GetValue<int>());
            var log = File.ReadAllLines(Path.Combine(folder, RunLog.FileName));
            Assert.StartsWith(RunLog.StartPrefix, log[0]);
            Assert.Equal(0, RunLog.ExitCode(log));
        }
        Assert.True(File.Exists(Path.Combine(directory.Path, "parallel", "grid", "report.html")));
        Assert.Equal(4, ResultsIndex.Read(directory.File("parallel"), "grid").Count);
    }

    [Fact]
    public void RunPoint_RunsThatGridPointOnlyAndWritesNoIndex()
    {
        using var directory = new TempDirectory();
        var file = CliRunner.WriteGridExperiment(directory.Path);
        var results = directory.File("results");

        var (exitCode, output, error) = CliRunner.Invoke("run", file, "--results", results, "--point", "2", "--no-png");

        Assert.True(exitCode == 0, output + error);
        var finished = Directory.GetDirectories(Path.Combine(results, "grid")).Where(d => File.Exists(Path.Combine(d, "summary.json")));
        Assert.Equal(["beta=2_objective=elbo"], finished.Select(Path.GetFileName));
        Assert.False(File.Exists(Path.Combine(results, ResultsIndex.FileName)));
    }

    [Theory]
    [InlineData("--point", "4", "numbered 0 to 3")]
    [InlineData("--point", "-1", "numbered 0 to 3")]
    [InlineData("--partition", "debug", "go with --slurm")]
    [InlineData("--threads", "0", "--threads 0")]
    public void Run_BadSweepOption_ExitsOneNamingIt(string option, string value, string message)
    {
        using var directory = new TempDirectory();
        var file = CliRunner.WriteGridExperiment(directory.Path);

        var (exitCode, _, error) = CliRunner.Invoke("run", file, "--results", directory.File("results"), option, value, "--no-png");

        Assert.Equal(1, exitCode);
        Assert.Contains(message, error);
        Assert.False(Directory.Exists(directory.File("results")));
    }

    [Fact]
    public void Run_TwoSweepModes_ExitsOne()
    {
        using var directory = new TempDirectory();
        var file = CliRunner.WriteGridExperiment(directory.Path);
        var (exitCode, _, error) = CliRunner.Invoke("run", file, "--point", "0", "--parallel", "2", "--no-png");
        Assert.Equal(1, exitCode);
        Assert.Contains("at most one of", error);
    }

    [Fact]
    public void RunSlurm_WithoutSbatchOnPath_FailsWithClearMessageAndWritesNothing()
    {
        using var directory = new TempDirectory();
        var file = CliRunner.WriteGridExperiment(directory.Path);
        Directory.CreateDirectory(directory.File("empty-bin"));

        var (exitCode, output) = SweepFiles.RunWorkbench(["run", file, "--results", directory.File("results"), "--slurm"],
            new Dictionary<string, string> { ["PATH"] = directory.File("empty-bin") });

        Assert.Equal(1, exitCode);
        Assert.Contains("'sbatch' is not on PATH", output);
        Assert.False(Directory.Exists(directory.File("results")));
    }

    [Fact]
    public async Task RunPoint_Sigterm_WritesCheckpointExits143AndStatusSaysInterrupted()
    {
        using var directory = new TempDirectory();
        var file = CliRunner.Write(directory.Path, "long.json", """
        {
          "name": "long",
          "data": { "dataset": "fashion-mnist-subset", "trainLimit": 300, "testLimit": 50 },
          "model": { "latentSize": 2, "hiddenSizes": [32] },
          "training": { "epochs": 5000, "batchSize": 50 }
        }
        """);
        var run = Path.Combine(directory.Path, "results", "long", "default");

        using var process = SweepFiles.StartWorkbench(["run", file, "--results", directory.File("results"), "--point", "0", "--threads", "1", "--no-png"]);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        SweepFiles.WaitUntil(() => File.Exists(Path.Combine(run, "metrics.jsonl")), TimeSpan.FromMinutes(2), "the first epoch");
        Process.Start("kill", ["-TERM", $"{process.Id}"])!.WaitForExit();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "the run did not stop after SIGTERM");
        await process.WaitForExitAsync();
        string stdout = await output, stderr = await error;

        Assert.True(process.ExitCode == 143, $"exit {process.ExitCode}\n{stdout}\n{stderr}");
        Assert.Contains("a checkpoint was written", stdout);
        Assert.Contains("SIGTERM", stderr);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(run, "checkpoints"), "epoch-*.safetensors"));
        Assert.False(File.Exists(Path.Combine(run, "summary.json")));
        var status = Assert.Single(SweepStatus.Read(Path.GetDirectoryName(run)!));
        Assert.Equal(RunState.Interrupted, status.State);
        Assert.Contains("last checkpoint after epoch", status.Detail);
    }

    [Fact]
    public void Status_ReadsFinishedRunningFailedInterruptedAndPendingRuns()
    {
        using var trained = new TrainedFolder();
        Assert.Equal(0, trained.ExitCode);
        string experiment = trained.ExperimentFolder;
        void Write(string run, string file, string text)
        {
            Directory.CreateDirectory(Path.Combine(experiment, run, Path.GetDirectoryName(file)!));
            File.WriteAllText(Path.Combine(experiment, run, file), text);
        }
        Write("failed", RunLog.FileName, $"{RunLog.StartLine("first")}\nold attempt\n{RunLog.ExitLine(143)}\n{RunLog.StartLine("second")}\n" +
                                         $"Experiment 'tiny'\nerror: the data folder is missing\n{RunLog.ExitLine(1)}\n");
        Write("stopped", RunLog.FileName, $"{RunLog.StartLine("first")}\n{RunLog.ExitLine(143)}\n");
        Write("stopped", "checkpoints/epoch-0003-batch-000007.safetensors", "");
        Write("stopped", "metrics.jsonl", "{}\n{}\n{}\n");
        Write("stopped", "config.json", """{ "training": { "epochs": 10 } }""");
        Write("busy", "config.json", "{}");
        using var busy = new RunFolder(Path.Combine(experiment, "busy"));
        Assert.True(busy.TryLock());
        new SlurmSubmissionRecord
        {
            Experiment = "tiny", ExperimentFile = "tiny.json", ArrayJobId = "12", ReportJobId = "13", Points = [0, 1, 2, 3, 4],
            Runs = ["busy", "default", "failed", "stopped", "waiting"], Submitted = DateTimeOffset.UtcNow,
        }.Write(experiment);

        var states = SweepStatus.Read(experiment).ToDictionary(s => s.Run);
        var (exitCode, output, _) = CliRunner.Invoke("status", experiment);

        Assert.Equal(RunState.Finished, states["default"].State);
        Assert.Equal(RunState.Running, states["busy"].State);
        Assert.Equal(RunState.Pending, states["waiting"].State);
        Assert.Equal(RunState.Interrupted, states["stopped"].State);
        Assert.Contains("3/10 epochs, last checkpoint after epoch 3 + 7 batches (SIGTERM)", states["stopped"].Detail);
        Assert.Equal(RunState.Failed, states["failed"].State);
        Assert.StartsWith("exit 1", states["failed"].Detail);
        Assert.Equal([RunLog.StartLine("second"), "Experiment 'tiny'", "error: the data folder is missing"], states["failed"].LogTail);
        Assert.Equal(0, exitCode);
        Assert.Contains("5 run(s): 1 pending, 1 running, 1 finished, 1 interrupted, 1 failed", output);
        Assert.Contains("    | error: the data folder is missing", output);
        Assert.Contains("array job 12", output);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 }, "0-3")]
    [InlineData(new[] { 0, 2, 3, 4, 7 }, "0,2-4,7")]
    [InlineData(new[] { 5 }, "5")]
    public void ArrayList_CollapsesConsecutivePoints(int[] points, string expected) =>
        Assert.Equal(expected, GridPoints.ArrayList(points));

    [Fact]
    public void SlurmScripts_CarryTheOptionsAndQuoteRunIdsForBash()
    {
        var sweep = new SlurmSweep("/data/exp one.json", "/shared/results", "exp", ["/opt/dotnet/dotnet", "/opt/wb/Workbench.Cli.dll"],
            ["beta=0.5", "it's odd"], ["--no-png"]);
        var options = new SlurmOptions { Partition = "gpu", Time = "01:30:00", CpusPerTask = 4, Mem = "2G", ExtraArguments = ["--account=lab"] };

        string script = SlurmScripts.Sweep(sweep, options);
        string report = SlurmScripts.Report(sweep, options);

        foreach (var line in new[] { "#SBATCH --partition=gpu", "#SBATCH --time=01:30:00", "#SBATCH --cpus-per-task=4", "#SBATCH --mem=2G",
                     "#SBATCH --account=lab", "#SBATCH --requeue", "runs=( beta=0.5 'it'\\''s odd' )" })
            Assert.Contains(line + "\n", script);
        Assert.Contains("run '/data/exp one.json' --results /shared/results --point \"$point\" --no-png", script);
        Assert.Contains("--report-only --no-png", report);
        Assert.Contains("#SBATCH --cpus-per-task=1", report);
        // bash reads the array back as the run ids.
        var bash = Process.Start(new ProcessStartInfo("bash", ["-c", script.Split('\n').Single(l => l.StartsWith("runs=")) + "; printf '%s\\n' \"${runs[@]}\""])
            { RedirectStandardOutput = true })!;
        Assert.Equal("beta=0.5\nit's odd\n", bash.StandardOutput.ReadToEnd());
    }

    [Theory]
    [InlineData("90 minutes", null, "--time")]
    [InlineData(null, "2 GB", "--mem")]
    public void SlurmOptions_BadValue_NamesTheOption(string? time, string? mem, string option)
    {
        var e = Assert.Throws<ArgumentException>(() => new SlurmOptions { Time = time, Mem = mem }.Validate());
        Assert.StartsWith(option, e.Message);
    }
}
