using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Data;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.IO;
using Workbench.Tests.Support;

namespace Workbench.Tests.Cli;

/// <summary>Disk faults, signals, kills and corrupt files: a clear message, a non-zero exit, and nothing lost.</summary>
public class FaultToleranceTests
{
    private static string[] CheckpointFiles(string runFolder) =>
        Directory.Exists(Path.Combine(runFolder, "checkpoints")) ? Directory.GetFiles(Path.Combine(runFolder, "checkpoints"), "epoch-*.safetensors") : [];

    private static string[] TempFiles(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => StaleTempFiles.IsTempName(Path.GetFileName(f))).ToArray();

    private static int[] MetricEpochs(string runFolder) =>
        File.ReadAllLines(Path.Combine(runFolder, "metrics.jsonl")).Select(l => (int)JsonNode.Parse(l)!["epoch"]!).ToArray();

    [TmpfsFact]
    public void Train_DiskFullAtTheSecondCheckpoint_ExitsOneNamingThePath_KeepsTheFirstCheckpoint_AndResumesExactlyElsewhere()
    {
        using var disk = new SmallTmpfs("2m");
        var folder = Path.Combine(disk.Path, "full");
        // 784-64-2: a checkpoint (parameters and Adam's two moments) is about 1.2 MB, so the second does not fit beside the first.
        string[] flags = ["--latent", "2", "--hidden", "64", "--epochs", "3", "--batch-size", "50", "--train-limit", "300", "--test-limit", "100", "--no-png"];

        var (exitCode, _, error) = CliRunner.Invoke(["train", .. flags, "--output", folder]);

        Assert.Equal(1, exitCode);
        Assert.Contains("No space left on device", error);
        Assert.Contains(Path.Combine(folder, "default"), error);
        Assert.DoesNotContain("   at ", error);
        var runFolder = Path.Combine(folder, "default");
        var checkpoint = Assert.Single(CheckpointFiles(runFolder));
        Assert.EndsWith("epoch-0001-batch-000000.safetensors", checkpoint);
        Assert.Equal("workbench-training-checkpoint/1", SafeTensors.Load(checkpoint).Metadata["format"]);
        Assert.Empty(TempFiles(disk.Path));
        Assert.Equal([1], MetricEpochs(runFolder));

        // Space is back: the same command resumes from epoch 1 and ends where an uninterrupted run ends.
        using var elsewhere = new TempDirectory();
        var moved = Path.Combine(elsewhere.Path, "full");
        CopyDirectory(folder, moved);
        var resumed = CliRunner.Invoke(["train", .. flags, "--output", moved]);
        var fresh = CliRunner.Invoke(["train", .. flags, "--output", Path.Combine(elsewhere.Path, "fresh")]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.True(fresh.ExitCode == 0, fresh.Error);
        Assert.Equal([1, 2, 3], MetricEpochs(Path.Combine(moved, "default")));
        static double Loss(string run) => RunFiles.ReadSummary(Path.Combine(run, "default", "summary.json")).TestLoss;
        Assert.Equal(Loss(Path.Combine(elsewhere.Path, "fresh")), Loss(moved));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void TrainAndRun_ReadOnlyResultsFolder_ExitOneNamingThePath()
    {
        using var directory = new TempDirectory();
        using var disk = SmallTmpfs.WhyUnavailable is null ? new SmallTmpfs("1m", readOnly: true) : null;
        var results = disk?.Path ?? directory.File("read-only");
        if (disk is null)
        {
            Directory.CreateDirectory(results);
            File.SetUnixFileMode(results, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var file = RunIdentityCliTests.WriteTiny(directory.Path, "ro");

        var train = CliRunner.Invoke(["train", .. CliRunner.TinyTrainFlags, "--output", Path.Combine(results, "t")]);
        var run = CliRunner.Invoke("run", file, "--results", results, "--no-png");

        foreach (var (exitCode, _, error) in new[] { train, run })
        {
            Assert.Equal(1, exitCode);
            Assert.Contains(results, error);
            Assert.DoesNotContain("   at ", error);
        }
        Assert.Empty(Directory.GetFileSystemEntries(results));
    }

    [Theory]
    [InlineData(15, 143, "SIGTERM")]
    [InlineData(2, 130, "Ctrl+C")]
    public void Train_SigtermOrSigint_WritesACheckpointAndExitsWith128PlusTheSignal(int signal, int expectedExit, string name)
    {
        using var directory = new TempDirectory();
        var runFolder = Path.Combine(directory.Path, "term", "default");
        // Far more epochs than the signal waits for: on a loaded machine the test's polling can lag the run by seconds, and a
        // run that finished before the signal would prove nothing (the signal stops it after the first checkpoint anyway).
        using var process = new CliProcess(directory.Path,
            ["train", "--latent", "2", "--hidden", "32", "--epochs", "20000", "--batch-size", "50", "--train-limit", "300", "--test-limit", "100",
                "--no-png", "--output", Path.Combine(directory.Path, "term")]);
        process.WaitUntil(() => CheckpointFiles(runFolder).Length > 0, "the first checkpoint is written");
        var signalled = DateTime.UtcNow;

        process.Signal(signal);
        int exitCode = process.WaitForExit();

        Assert.True(exitCode == expectedExit, $"exit {exitCode}\n{process.Output}\n{process.Error}");
        Assert.Contains($"Stopping ({name})", process.Error);
        Assert.Contains("resumes from its checkpoint", process.Error);
        var checkpoint = Assert.Single(CheckpointFiles(runFolder));
        Assert.True(File.GetLastWriteTimeUtc(checkpoint) >= signalled.AddMilliseconds(-5), "no checkpoint was written on SIGTERM");
        Assert.False(File.Exists(Path.Combine(runFolder, RunFolder.SummaryFile)));
        Assert.Empty(TempFiles(directory.Path));
    }

    [Fact]
    public void Train_KilledAfterAResume_MetricsHoldEveryFinishedEpoch()
    {
        using var directory = new TempDirectory();
        var output = Path.Combine(directory.Path, "killed");
        var runFolder = Path.Combine(output, "default");
        var metrics = Path.Combine(runFolder, "metrics.jsonl");
        string[] args = ["train", "--latent", "2", "--hidden", "32", "--epochs", "500", "--batch-size", "50", "--train-limit", "300", "--test-limit", "100",
            "--no-png", "--output", output];
        int Lines() => File.Exists(metrics) ? File.ReadAllLines(metrics).Length : 0;

        using (var first = new CliProcess(directory.Path, args))
        {
            first.WaitUntil(() => Lines() >= 2, "two epochs are logged");
            first.Signal(9);
            first.WaitForExit();
        }
        int[] before = MetricEpochs(runFolder);
        int LastEpoch()
        {
            try { return MetricEpochs(runFolder).DefaultIfEmpty(0).Last(); }
            catch (IOException) { return 0; }
        }
        using (var second = new CliProcess(directory.Path, args))
        {
            second.WaitUntil(() => LastEpoch() > before[^1], "the resumed run logs a new epoch");
            second.Signal(9);
            second.WaitForExit();
        }

        // Each file holds epochs 1, 2, … with no gap, and at least as many as before the resume (a kill may
        // land between the two files' writes, so one may hold an epoch more than the other).
        int[] jsonl = MetricEpochs(runFolder);
        int[] csv = File.ReadAllLines(Path.Combine(runFolder, "metrics.csv")).Skip(1).Select(l => int.Parse(l.Split(',')[0])).ToArray();
        foreach (var epochs in new[] { jsonl, csv })
        {
            Assert.Equal(Enumerable.Range(1, epochs.Length), epochs);
            Assert.True(epochs.Length >= before.Length - 1, $"before the resume {string.Join(",", before)}, after {string.Join(",", epochs)}");
        }
    }

    [Fact]
    public void Run_ResumedRun_RemovesStaleTempFilesOfInterruptedWrites()
    {
        using var directory = new TempDirectory();
        var results = directory.File("results");
        var file = RunIdentityCliTests.WriteTiny(directory.Path, "temps", epochs: 20);
        var runFolder = Path.Combine(results, "temps", "default");
        var stopped = RunIdentityCliTests.InvokeUntil(() => RunIdentityCliTests.HasCheckpoint(runFolder), "run", file, "--results", results, "--no-png");
        Assert.Equal(130, stopped.ExitCode);
        string[] stale =
        [
            Path.Combine(runFolder, "checkpoints", $".epoch-0007-batch-000000.safetensors.{Guid.NewGuid():N}.tmp"),
            Path.Combine(runFolder, $".metrics.jsonl.{Guid.NewGuid():N}.tmp"),
        ];
        foreach (var path in stale) File.WriteAllBytes(path, new byte[1000]);
        var unrelated = Path.Combine(runFolder, "notes.tmp");
        File.WriteAllText(unrelated, "mine");

        var resumed = CliRunner.Invoke("run", file, "--results", results, "--no-png");

        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.All(stale, path => Assert.False(File.Exists(path), path));
        Assert.True(File.Exists(unrelated));
        Assert.Equal(Enumerable.Range(1, 20), MetricEpochs(runFolder));
    }

    [Theory]
    [InlineData("eval")]
    [InlineData("sample")]
    [InlineData("reconstruct")]
    public void EvalSampleReconstruct_ModelWithNaNWeights_ExitOneNamingTheFileAndParameter(string command)
    {
        using var directory = new TempDirectory();
        var output = directory.File("nan");
        var trained = CliRunner.Invoke(["train", .. CliRunner.TinyTrainFlags, "--output", output]);
        Assert.True(trained.ExitCode == 0, trained.Error);
        var modelPath = Path.Combine(output, "default", TrainedRun.ModelFile);
        var model = SafeTensors.Load(modelPath);
        var poisoned = model.Tensors.First(kv => kv.Key.Contains("decoder", StringComparison.Ordinal));
        poisoned.Value.Span[3] = float.NaN;
        SafeTensors.Save(modelPath, model.Tensors, model.Metadata);
        var imagesBefore = Directory.GetFiles(Path.Combine(output, "default", "images")).Length;

        var (exitCode, _, error) = CliRunner.Invoke(command, Path.Combine(output, "default"));

        Assert.Equal(1, exitCode);
        Assert.Contains(modelPath, error);
        Assert.Contains("NaN", error);
        Assert.False(File.Exists(Path.Combine(output, "default", RunEvaluation.FileName)));
        Assert.Equal(imagesBefore, Directory.GetFiles(Path.Combine(output, "default", "images")).Length);
    }

    /// <summary>Writes Fashion-MNIST-named IDX files whose images are <paramref name="trainSide"/>² and <paramref name="testSide"/>² pixels.</summary>
    private static void WriteIdx(string directory, int trainSide, int testSide)
    {
        foreach (var (split, side) in new[] { (DatasetSplit.Train, trainSide), (DatasetSplit.Test, testSide) })
        {
            var (images, labels) = FashionMnist.Spec.Files(split);
            File.WriteAllBytes(Path.Combine(directory, images.BaseName), Workbench.Tests.Data.IdxBytes.Images(20, side, side));
            File.WriteAllBytes(Path.Combine(directory, labels.BaseName), Workbench.Tests.Data.IdxBytes.Labels(20, 10));
        }
    }

    [Theory]
    [InlineData(32, 32, DatasetSplit.Train)]
    [InlineData(28, 32, DatasetSplit.Test)]
    public void Run_IdxImagesOfAnotherSize_ExitsOneNamingTheFileBeforeCreatingAnything(int trainSide, int testSide, DatasetSplit wrong)
    {
        using var directory = new TempDirectory();
        var data = Directory.CreateDirectory(directory.File("idx")).FullName;
        WriteIdx(data, trainSide, testSide);
        var file = RunIdentityCliTests.WriteTiny(directory.Path, "shapes", edit: e => e["data"] = new JsonObject { ["dataset"] = "fashion-mnist", ["directory"] = data });
        var results = directory.File("results");

        var (exitCode, output, error) = CliRunner.Invoke("run", file, "--results", results, "--no-png");

        Assert.Equal(1, exitCode);
        Assert.Contains(Path.Combine(data, FashionMnist.Spec.Files(wrong).Images.BaseName), error);
        Assert.Contains("32×32 pixels but the model expects 28×28", error);
        Assert.DoesNotContain("training", output);
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void Run_CvaeWithAnotherClassCount_ExitsOneNamingBothCountsBeforeTraining()
    {
        using var directory = new TempDirectory();
        var file = RunIdentityCliTests.WriteTiny(directory.Path, "classes", edit: e => e["model"] = new JsonObject
        {
            ["variant"] = "cvae", ["latentSize"] = 2, ["hiddenSizes"] = new JsonArray(32), ["classes"] = 5,
        });
        var results = directory.File("results");

        var (exitCode, output, error) = CliRunner.Invoke("run", file, "--results", results, "--no-png");

        Assert.Equal(1, exitCode);
        Assert.Contains("model.classes: is 5 but dataset 'fashion-mnist-subset' has 10 classes", error);
        Assert.DoesNotContain("training", output);
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void Run_CorruptSummaryOfAnotherExperiment_WarnsAndIndexesTheReadableRuns()
    {
        using var directory = new TempDirectory();
        var results = directory.File("results");
        var broken = Path.Combine(results, "other", "default", RunFolder.SummaryFile);
        Directory.CreateDirectory(Path.GetDirectoryName(broken)!);
        File.WriteAllText(broken, "{ \"experiment\": ");
        var file = RunIdentityCliTests.WriteTiny(directory.Path, "fine");

        var (exitCode, output, error) = CliRunner.Invoke("run", file, "--results", results, "--no-png");

        Assert.True(exitCode == 0, error);
        Assert.Contains($"warning: {broken}: not a valid run summary", output);
        Assert.Contains("Report:", output);
        var index = JsonSerializer.Deserialize<List<RunSummary>>(File.ReadAllText(Path.Combine(results, ResultsIndex.FileName)), ExperimentJson.Options)!;
        Assert.Equal("fine", Assert.Single(index).Experiment);
    }

    [Fact]
    public void Train_DataMissing_CreatesNoOutputFolder()
    {
        using var directory = new TempDirectory();
        var output = directory.File("nothing");
        var (exitCode, _, error) = CliRunner.Invoke("train", "--dataset", "mnist", "--data-dir", directory.File("nowhere"), "--output", output, "--no-png");

        Assert.Equal(1, exitCode);
        Assert.Contains("nowhere", error);
        Assert.False(Directory.Exists(output), "a failed train left its output folder");
    }

    [Fact]
    public void Run_DataMissing_CreatesNoExperimentFolder()
    {
        using var directory = new TempDirectory();
        var file = RunIdentityCliTests.WriteTiny(directory.Path, "absent",
            edit: e => e["data"] = new JsonObject { ["dataset"] = "mnist", ["directory"] = directory.File("nowhere") });
        var results = directory.File("results");
        Directory.CreateDirectory(results);

        var (exitCode, _, error) = CliRunner.Invoke("run", file, "--results", results, "--no-png");

        Assert.Equal(1, exitCode);
        Assert.Contains("nowhere", error);
        Assert.Empty(Directory.GetFileSystemEntries(results));
    }
}
