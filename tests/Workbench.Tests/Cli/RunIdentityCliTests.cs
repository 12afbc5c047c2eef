using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Tests.Support;
using CommandLine = Workbench.Cli.Cli;

namespace Workbench.Tests.Cli;

/// <summary>A run folder is only ever taken for the run it holds: edited experiments, resumes and concurrent trains.</summary>
public class RunIdentityCliTests
{
    /// <summary>A tiny experiment (300 images, 2-d latent) with <paramref name="edit"/> applied to its JSON.</summary>
    internal static string WriteTiny(string directory, string name, int epochs = 2, Action<JsonObject>? edit = null)
    {
        var experiment = JsonNode.Parse($$"""
        {
          "name": "{{name}}",
          "data": { "dataset": "fashion-mnist-subset", "trainLimit": 300, "testLimit": 100 },
          "model": { "variant": "vae", "latentSize": 2, "hiddenSizes": [32] },
          "training": { "epochs": {{epochs}}, "batchSize": 50 },
          "evaluation": { "importanceSamples": 0, "images": false }
        }
        """)!.AsObject();
        edit?.Invoke(experiment);
        return CliRunner.Write(directory, name + ".json", experiment.ToJsonString());
    }

    /// <summary>Runs the command line in-process, cancelling it (as Ctrl+C does) once <paramref name="stopWhen"/> holds.</summary>
    internal static (int ExitCode, string Output, string Error) InvokeUntil(Func<bool> stopWhen, params string[] args)
    {
        using var cancel = new CancellationTokenSource();
        // A dedicated thread, not the thread pool: on a busy machine a pooled task can be starved
        // until the whole run has finished, and the run is then never interrupted.
        var watcher = new Thread(() =>
        {
            while (!cancel.IsCancellationRequested && !stopWhen()) Thread.Sleep(1);
            cancel.Cancel();
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        watcher.Start();
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = CommandLine.Invoke(args, output, error, cancel.Token);
        cancel.Cancel();
        watcher.Join();
        return (exitCode, output.ToString(), error.ToString());
    }

    internal static bool HasCheckpoint(string runFolder) =>
        Directory.Exists(Path.Combine(runFolder, "checkpoints")) && Directory.EnumerateFiles(Path.Combine(runFolder, "checkpoints"), "epoch-*.safetensors").Any();

    private static RunSummary Summary(string runFolder) =>
        RunFiles.ReadSummary(Path.Combine(runFolder, RunFolder.SummaryFile));

    [Fact]
    public void Run_ExperimentEditedAfterItFinished_RefusesShowingTheChange_AndRerunChangedTrainsItAgain()
    {
        using var directory = new TempDirectory();
        var results = directory.File("results");
        var file = WriteTiny(directory.Path, "edited");
        var first = CliRunner.Invoke("run", file, "--results", results, "--no-png");
        Assert.True(first.ExitCode == 0, first.Error);
        var runFolder = Path.Combine(results, "edited", "default");
        var modelTime = File.GetLastWriteTimeUtc(Path.Combine(runFolder, "model.safetensors"));

        WriteTiny(directory.Path, "edited", edit: e => e["model"]!["latentSize"] = 3);
        var refused = CliRunner.Invoke("run", file, "--results", results, "--no-png");

        Assert.Equal(1, refused.ExitCode);
        Assert.DoesNotContain("finished earlier", refused.Output);
        Assert.Contains("model.latentSize: 2 → 3", refused.Error);
        Assert.Contains("new results folder", refused.Error);
        Assert.Contains("--rerun-changed", refused.Error);
        Assert.DoesNotContain("   at ", refused.Error);
        Assert.Equal(2, Summary(runFolder).LatentSize); // nothing lost
        Assert.Equal(modelTime, File.GetLastWriteTimeUtc(Path.Combine(runFolder, "model.safetensors")));

        var rerun = CliRunner.Invoke("run", file, "--results", results, "--no-png", "--rerun-changed");

        Assert.True(rerun.ExitCode == 0, rerun.Error);
        Assert.Equal(3, Summary(runFolder).LatentSize);
        var stale = Directory.GetDirectories(Path.Combine(results, "edited", ".stale"));
        Assert.Single(stale);
        Assert.Equal(2, Summary(stale[0]).LatentSize);
        // The index and report hold the new run only.
        var index = JsonSerializer.Deserialize<List<RunSummary>>(File.ReadAllText(Path.Combine(results, ResultsIndex.FileName)), ExperimentJson.Options)!;
        Assert.Equal(3, Assert.Single(index).LatentSize);
        Assert.Equal(RunIdentity.Of(ExperimentLoader.Expand(file).Runs[0].Definition).Hash, RunIdentity.Read(runFolder)!.Hash);
    }

    [Fact]
    public void Run_GridEditedAfterItFinished_ListsEveryChangedRunBeforeTrainingAny()
    {
        using var directory = new TempDirectory();
        var results = directory.File("results");
        JsonObject Grid() => new() { ["training.seed"] = new JsonArray(1, 2) };
        var file = WriteTiny(directory.Path, "grid", epochs: 1, edit: e => e["grid"] = Grid());
        Assert.Equal(0, CliRunner.Invoke("run", file, "--results", results, "--no-png").ExitCode);
        // A third grid point is new; the two finished ones now differ in their hidden width.
        WriteTiny(directory.Path, "grid", epochs: 1, edit: e =>
        {
            e["model"]!["hiddenSizes"] = new JsonArray(16);
            e["grid"] = new JsonObject { ["training.seed"] = new JsonArray(1, 2, 3) };
        });

        var (exitCode, output, error) = CliRunner.Invoke("run", file, "--results", results, "--no-png");

        Assert.Equal(1, exitCode);
        Assert.Contains(Path.Combine(results, "grid", "seed=1") + " holds a finished run", error);
        Assert.Contains(Path.Combine(results, "grid", "seed=2") + " holds a finished run", error);
        Assert.Contains("model.hiddenSizes: [32] → [16]", error);
        Assert.Contains("move the stale runs aside and train them again", error);
        Assert.DoesNotContain("training", output);
        Assert.False(Directory.Exists(Path.Combine(results, "grid", "seed=3")));
    }

    [Fact]
    public void Run_InterruptedThenLearningRateChanged_DoesNotResume()
    {
        using var directory = new TempDirectory();
        var results = directory.File("results");
        var file = WriteTiny(directory.Path, "resume", epochs: 40);
        var runFolder = Path.Combine(results, "resume", "default");
        var stopped = InvokeUntil(() => HasCheckpoint(runFolder), "run", file, "--results", results, "--no-png");
        Assert.True(stopped.ExitCode == 130, stopped.Output + stopped.Error);
        var checkpoint = Directory.GetFiles(Path.Combine(runFolder, "checkpoints")).Single();
        var checkpointBytes = File.ReadAllBytes(checkpoint);

        WriteTiny(directory.Path, "resume", epochs: 40, edit: e => e["training"]!["learningRate"] = 0.002);
        var refused = CliRunner.Invoke("run", file, "--results", results, "--no-png");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("interrupted run", refused.Error);
        Assert.Contains("training.learningRate: 0.001 → 0.002", refused.Error);
        Assert.Equal(checkpointBytes, File.ReadAllBytes(checkpoint));
        Assert.Contains("\"learningRate\": 0.001", File.ReadAllText(Path.Combine(runFolder, "identity.json")));
    }

    [Fact]
    public async Task Train_TwoAtOnceIntoOneFolderWithOtherSettings_OneTrainsItsOwnSettings_TheOtherFails()
    {
        using var directory = new TempDirectory();
        var folder = directory.File("shared");
        string[] Flags(string seed) => ["train", .. CliRunner.TinyTrainFlags, "--seed", seed, "--output", folder];

        var both = await Task.WhenAll(new[] { "1", "2" }.Select(seed => Task.Run(() => (Seed: seed, Result: CliRunner.Invoke(Flags(seed))))));

        var winners = both.Where(t => t.Result.ExitCode == 0).ToArray();
        var losers = both.Where(t => t.Result.ExitCode != 0).ToArray();
        var winner = Assert.Single(winners);
        var loser = Assert.Single(losers);
        Assert.Equal(1, loser.Result.ExitCode);
        Assert.True(loser.Result.Error.Contains("another workbench process is training into") || loser.Result.Error.Contains("another configuration"),
            loser.Result.Error);
        var runFolder = Path.Combine(folder, "default");
        Assert.Equal(ulong.Parse(winner.Seed), Summary(runFolder).Seed);
        Assert.Equal(ulong.Parse(winner.Seed), (ulong)JsonNode.Parse(File.ReadAllText(Path.Combine(runFolder, "config.json")))!["training"]!["seed"]!);
        Assert.Equal(ulong.Parse(winner.Seed), (ulong)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "experiment.json")))!["training"]!["seed"]!);
    }

    [Fact]
    public void Run_GridWithRepeatedSeed_ExitsOneNamingBothValues_AndCreatesNothing()
    {
        using var directory = new TempDirectory();
        var file = WriteTiny(directory.Path, "repeat", edit: e => e["grid"] = new JsonObject { ["training.seed"] = new JsonArray(1, 1) });
        var results = directory.File("results");

        var (exitCode, output, error) = CliRunner.Invoke("run", file, "--results", results, "--no-png");

        Assert.Equal(1, exitCode);
        Assert.Contains("both get the run id 'seed=1'", error);
        Assert.DoesNotContain("finished earlier", output);
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void Run_NullModel_ExitsOneNamingTheField()
    {
        using var directory = new TempDirectory();
        var file = CliRunner.Write(directory.Path, "null.json", """{ "name": "n", "model": null }""");
        var (exitCode, _, error) = CliRunner.Invoke("run", file, "--results", directory.File("results"), "--no-png");
        Assert.Equal(1, exitCode);
        Assert.Contains($"{file}: model: must not be null", error);
        Assert.DoesNotContain("NullReference", error);
    }
}
