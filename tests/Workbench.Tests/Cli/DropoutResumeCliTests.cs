using System.Text.Json.Nodes;
using Workbench.Experiments.RunFolders;
using Workbench.Tests.Support;

namespace Workbench.Tests.Cli;

/// <summary>
/// A run with dropout stopped by SIGTERM (a mid-epoch checkpoint), resumed, killed with SIGKILL mid-epoch,
/// and resumed again ends with the same model file and metrics, byte for byte, as the run left alone.
/// </summary>
public class DropoutResumeCliTests
{
    /// <summary>300 images in batches of 5: 60 steps an epoch, so a signal almost always lands inside one.</summary>
    private static string WriteExperiment(string directory) => RunIdentityCliTests.WriteTiny(directory, "dropout", epochs: 10, edit: e =>
    {
        e["model"]!["dropout"] = 0.2;
        e["training"]!["batchSize"] = 5;
    });

    private static string[] MetricLines(string runFolder)
    {
        var path = Path.Combine(runFolder, "metrics.jsonl");
        try { return File.Exists(path) ? File.ReadAllLines(path) : []; }
        catch (IOException) { return []; } // being replaced
    }

    /// <summary>metrics.jsonl without the wall-clock seconds, the one field a rerun may change.</summary>
    private static string[] MetricsWithoutTimes(string runFolder) =>
        MetricLines(runFolder).Select(line =>
        {
            var node = JsonNode.Parse(line)!.AsObject();
            Assert.True(node.Remove("seconds"), line);
            return node.ToJsonString();
        }).ToArray();

    [Fact]
    public void Run_WithDropout_SigtermThenSigkillMidEpochAndResumed_EndsByteIdenticalToAnUninterruptedRun()
    {
        using var directory = new TempDirectory();
        var file = WriteExperiment(directory.Path);
        var interrupted = directory.File("interrupted");
        var runFolder = Path.Combine(interrupted, "dropout", "default");
        string[] args = ["run", file, "--results", interrupted, "--no-png"];

        using (var first = new CliProcess(directory.Path, args))
        {
            first.WaitUntil(() => MetricLines(runFolder).Length >= 2, "two epochs are logged");
            first.Signal(15);
            Assert.Equal(143, first.WaitForExit());
        }
        Assert.Single(Directory.GetFiles(Path.Combine(runFolder, "checkpoints"))); // where SIGTERM stopped it, usually mid-epoch
        int logged = MetricLines(runFolder).Length;

        using (var second = new CliProcess(directory.Path, args))
        {
            second.WaitUntil(() => MetricLines(runFolder).Length >= logged + 2, "the resumed run logs two more epochs");
            second.Signal(9);
            second.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(runFolder, RunFolder.SummaryFile)), "the run finished before it was killed");

        var finished = CliRunner.Invoke(args);
        var alone = directory.File("alone");
        var uninterrupted = CliRunner.Invoke("run", file, "--results", alone, "--no-png");

        Assert.True(finished.ExitCode == 0, finished.Error);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Error);
        var aloneFolder = Path.Combine(alone, "dropout", "default");
        Assert.Equal(10, MetricLines(aloneFolder).Length);
        Assert.Equal(MetricsWithoutTimes(aloneFolder), MetricsWithoutTimes(runFolder));
        Assert.Equal(File.ReadAllBytes(Path.Combine(aloneFolder, "model.safetensors")), File.ReadAllBytes(Path.Combine(runFolder, "model.safetensors")));
    }
}
