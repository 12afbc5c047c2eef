using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.Models;
using Workbench.Notebooks;
using Workbench.Plotting.Imaging;
using Workbench.Tensors;
using Workbench.Tests.Models.OpenApi;
using Workbench.Tests.Notebooks;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Cli;

/// <summary>
/// A run trained by Lab.Train on images handed over in memory is a run the command line can use: it records what
/// the images were, keeps its test images, and eval, sample, reconstruct, redraw, status and report work on it;
/// a model composed in code is refused with one message saying why and what to do instead.
/// </summary>
[Collection(nameof(LabRunLoggingTests))] // Lab's results root and test-image limit are process-wide
public class NotebookRunCliTests
{
    private static readonly TrainingOptions Options = new() { Epochs = 1, BatchSize = 50, Seed = 3 };

    /// <summary>Fashion-MNIST images as a notebook holds them: in memory, saying where they came from.</summary>
    private static (ImageDataset Train, ImageDataset Test) Images()
    {
        var (train, test) = Lab.LoadFashionMnistSubset(300, 100);
        static ImageDataset Said(ImageDataset d, string source) =>
            new(d.Pixels.ToArray(), d.Labels.ToArray(), d.Channels, d.Height, d.Width, d.ClassNames) { Source = source };
        return (Said(train, "bundled Fashion-MNIST subset, training split"), Said(test, "bundled Fashion-MNIST subset, test split"));
    }

    private static LabRun TrainTiny(TempDirectory dir, string experiment, ImageDataset train, ImageDataset test)
    {
        Lab.LogRunsTo(experiment, dir.Path);
        return Quietly(() => Lab.Train(new VaeConfig { HiddenSizes = [32], LatentSize = 2 }, Options, train, test, name: "tiny")).Result;
    }

    private static (T Result, string Output) Quietly<T>(Func<T> action)
    {
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        try { return (action(), output.ToString()); }
        finally { Console.SetOut(previous); }
    }

    /// <summary>Every file under <paramref name="folder"/> with its length and write time: what a refused command must leave as it was.</summary>
    private static string[] Snapshot(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}").Order().ToArray();

    [Fact]
    public void Train_InMemoryImages_RecordsWhatTheyWereAndKeepsTheTestImages()
    {
        using var dir = new TempDirectory();
        var (train, test) = Images();
        var run = TrainTiny(dir, "nb-record", train, test);

        var data = TrainedRun.ReadDefinition(Path.Combine(run.Folder!, TrainedRun.ConfigFile)).Data;
        Assert.Equal(InMemoryImages.DatasetName, data.Dataset);
        Assert.NotNull(data.Fingerprint);
        Assert.Equal(InMemoryImages.Of(train, test), data.InMemory);
        Assert.Equal((300, 100, 1, 28, 28), (data.InMemory!.TrainImages, data.InMemory.TestImages, data.InMemory.Channels, data.InMemory.Height, data.InMemory.Width));
        Assert.Equal("bundled Fashion-MNIST subset, training split", data.InMemory.TrainSource);
        Assert.Equal(FashionMnist.ClassNames, data.InMemory.ClassNames);
        Assert.DoesNotContain("testBytes", File.ReadAllText(Path.Combine(run.Folder!, TrainedRun.ConfigFile)));
        // The description says in words what the fingerprint identifies: not part of the run's identity.
        var identity = RunIdentity.Read(run.Folder!)!;
        Assert.Equal(data.Fingerprint, identity.Configuration["data"]!["fingerprint"]!.GetValue<string>());
        Assert.False(identity.Configuration["data"]!.AsObject().ContainsKey("inMemory"));

        var kept = KeptTestImages.Read(run.Folder!, data);
        Assert.Equal(test.Pixels.ToArray(), kept.Pixels.ToArray());
        Assert.Equal(test.Labels.ToArray(), kept.Labels.ToArray());
        Assert.Equal(test.ClassNames, kept.ClassNames);
        Assert.Equal(test.Source, kept.Source);

        // A run finished before its folder kept the test images gets them when the notebook runs again, with the same
        // images described in other words: the run is reused, not trained again.
        File.Delete(Path.Combine(run.Folder!, KeptTestImages.FileName));
        var renamed = new ImageDataset(test.Pixels.ToArray(), test.Labels.ToArray(), 1, 28, 28, test.ClassNames) { Source = "the same images, described otherwise" };
        var (again, output) = Quietly(() => Lab.Train(new VaeConfig { HiddenSizes = [32], LatentSize = 2 }, Options, train, renamed, name: "tiny"));
        Assert.Contains("reusing the run finished earlier", output);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "nb-record", ".stale")));
        Assert.True(KeptTestImages.Exist(again.Folder!));
    }

    [Fact]
    public void EvalSampleReconstruct_NotebookRun_WorkOnTheKeptTestImagesAndAgreeWithTheNotebook()
    {
        using var dir = new TempDirectory();
        var (train, test) = Images();
        var run = TrainTiny(dir, "nb-commands", train, test);

        var (code, output, error) = CliRunner.Invoke("eval", run.Folder!, "--iwae", "0");
        Assert.True(code == 0, error);
        Assert.Contains("on 100 test images", output);
        var evaluation = JsonSerializer.Deserialize<RunEvaluation>(File.ReadAllText(Path.Combine(run.Folder!, RunEvaluation.FileName)), ExperimentJson.Options)!;
        // The same images, model and seed as the evaluation at the end of training: the same −ELBO, to the bit.
        Assert.Equal(run.Test!.NegativeElbo, evaluation.TestNegativeElbo);
        Assert.Equal(100, evaluation.TestImages);

        (code, _, error) = CliRunner.Invoke("reconstruct", run.Folder!, "--count", "8", "--columns", "4");
        Assert.True(code == 0, error);
        Assert.Equal(PictureGrids.Reconstructions(run.Model, test, 8, 4).ToPng(), File.ReadAllBytes(Path.Combine(run.Folder!, "images", "reconstruct-8.png")));

        (code, _, error) = CliRunner.Invoke("sample", run.Folder!, "--count", "6", "--seed", "5");
        Assert.True(code == 0, error);
        Tensor samples;
        using (GradMode.NoGrad()) samples = Pictures.PriorSamples(run.Model, 6, 5);
        var expected = ImageGrid.FromBatch(samples.ToArray(), 6, 1, 28, 28, columns: 8, scale: 2).ToPng();
        Assert.Equal(expected, File.ReadAllBytes(Path.Combine(run.Folder!, "images", "samples-seed5.png")));

        // Export needs only the model, too.
        (code, _, error) = CliRunner.Invoke("export", run.Folder!, "--onnx");
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Path.Combine(run.Folder!, "encoder.onnx")) && File.Exists(Path.Combine(run.Folder!, "decoder.onnx")));
    }

    [Fact]
    public void RedrawStatusReport_NotebookRuns_WorkAndTheReportDrawsTheLatentScatterFromTheKeptImages()
    {
        using var dir = new TempDirectory();
        var (train, test) = Images();
        var run = TrainTiny(dir, "nb-report", train, test);
        Quietly(() => Lab.Train(CustomPriorTests.TwoDimensional(new GaussianMixturePrior(3, 2, new Rng(4))), Options,
            TestData.Synthetic(1, 200, 2, 3), TestData.Synthetic(2, 50, 2, 3), name: "mixture"));
        var experiment = Path.Combine(dir.Path, "nb-report");

        var (code, output, error) = CliRunner.Invoke("redraw", run.Folder!, "--no-png");
        Assert.True(code == 0, error);
        Assert.Contains("every picture drawn again", output);

        (code, output, error) = CliRunner.Invoke("status", experiment);
        Assert.True(code == 0, error);
        Assert.Contains("2 run(s): 2 finished", output);

        (code, output, error) = CliRunner.Invoke("report", experiment, "--no-png");
        Assert.True(code == 0, error);
        Assert.DoesNotContain("latent scatter of tiny skipped", output);
        Assert.True(File.Exists(Path.Combine(experiment, "figures", "latent-per-objective.html")), "the notebook run's latent scatter was not drawn");
        Assert.Contains("latent scatter of mixture skipped: its model was composed in code", output);
        var report = File.ReadAllText(Path.Combine(experiment, "report.html"));
        Assert.Contains("tiny", report);
        Assert.Contains("mixture", report);
    }

    [Theory]
    [InlineData("eval")]
    [InlineData("sample")]
    [InlineData("reconstruct")]
    [InlineData("redraw")]
    [InlineData("export", "--onnx")]
    public void Command_ComposedNotebookModel_IsRefusedSayingWhyAndWhatToDoAndWritesNothing(string command, string? flag = null)
    {
        using var dir = new TempDirectory();
        Lab.LogRunsTo("nb-composed", dir.Path);
        var run = Quietly(() => Lab.Train(CustomPriorTests.TwoDimensional(new GaussianMixturePrior(3, 2, new Rng(4))), Options,
            TestData.Synthetic(1, 200, 2, 3), TestData.Synthetic(2, 50, 2, 3), name: "mixture")).Result;
        var before = Snapshot(dir.Path);

        var (code, output, error) = flag is null ? CliRunner.Invoke(command, run.Folder!) : CliRunner.Invoke(command, run.Folder!, flag);

        Assert.Equal(1, code);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {run.Folder} holds a model composed in code (VariationalAutoencoder, built from C# classes in the notebook that trained it): " +
                     "its files record the weights and a description, not the code, so the command line cannot rebuild it. Open the run from a notebook " +
                     "that defines the same classes: build the model as before and pass it, Lab.OpenRun(folder, model); Lab then measures, samples and " +
                     "draws it. workbench status and report work on it as they are.", line);
        Assert.DoesNotContain("not a valid run configuration", error);
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Fact]
    public void EvalReconstruct_TestImagesNotKept_SayWhyAndWhatToDoInstead_SampleStillWorks()
    {
        using var dir = new TempDirectory();
        var (train, test) = Images();
        long limit = Lab.KeepTestImagesUpTo;
        LabRun run;
        string trainingOutput;
        try
        {
            Lab.KeepTestImagesUpTo = 100_000; // 100 images of 28×28 take 314 000 bytes
            Lab.LogRunsTo("nb-not-kept", dir.Path);
            (run, trainingOutput) = Quietly(() => Lab.Train(new VaeConfig { HiddenSizes = [32], LatentSize = 2 }, Options, train, test, name: "tiny"));
        }
        finally { Lab.KeepTestImagesUpTo = limit; }
        Assert.Contains("tiny: its test images take 0.3 MiB, over Lab.KeepTestImagesUpTo (0.1 MiB): not kept", trainingOutput);
        Assert.False(KeptTestImages.Exist(run.Folder!));
        var before = Snapshot(dir.Path);

        foreach (var command in new[] { "eval", "reconstruct" })
        {
            var (code, _, error) = CliRunner.Invoke(command, run.Folder!);
            Assert.Equal(1, code);
            Assert.Equal($"error: {run.Folder} was trained in a notebook on images handed over in memory (300 training and 100 test images of 28×28 " +
                         "in 10 classes (test images: bundled Fashion-MNIST subset, test split); kept, its test images would take 0.3 MiB), and its folder " +
                         "does not keep its test images (test-data.safetensors is missing: they were over the size limit Lab.KeepTestImagesUpTo, 64 MiB " +
                         "by default, when it trained, or the file was deleted). workbench sample and report work without them. To measure or reconstruct " +
                         "the run, open it in its notebook with Lab.OpenRun(folder) and use its test images there, or raise Lab.KeepTestImagesUpTo and " +
                         "train it again with Lab.Train(..., retrain: true).\n", error);
        }
        Assert.Equal(before, Snapshot(dir.Path));
        Assert.Equal(0, CliRunner.Invoke("sample", run.Folder!).ExitCode);
    }

    [Fact]
    public void Eval_KeptFileOfAnotherRun_IsRefusedNamingTheFile()
    {
        using var dir = new TempDirectory();
        var (train, test) = Images();
        var run = TrainTiny(dir, "nb-other", train, test);
        var other = TestData.Synthetic(9, 100, 28, 28);
        var path = Path.Combine(run.Folder!, KeptTestImages.FileName);
        File.Delete(path);
        KeptTestImages.Keep(run.Folder!, other, "0123456789abcdef", long.MaxValue);

        var (code, _, error) = CliRunner.Invoke("eval", run.Folder!);

        Assert.Equal(1, code);
        Assert.StartsWith($"error: {path}: its fingerprint '0123456789abcdef' is not the run's '", error);
        Assert.False(File.Exists(Path.Combine(run.Folder!, RunEvaluation.FileName)));
    }

    [Fact]
    public void Reconstruct_KeptFileCutShort_IsRefusedNamingTheFileAndWritesNothing()
    {
        using var dir = new TempDirectory();
        var (train, test) = Images();
        var run = TrainTiny(dir, "nb-truncated", train, test);
        var path = Path.Combine(run.Folder!, KeptTestImages.FileName);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var before = Snapshot(dir.Path);

        var (code, _, error) = CliRunner.Invoke("reconstruct", run.Folder!);

        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains(path, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Fact]
    public void TestBytes_FashionMnistTestSet_IsAbout30MiBAndKeptAtTheDefaultLimit()
    {
        var fashion = new InMemoryImages { TestImages = 10_000, Channels = 1, Height = 28, Width = 28 };
        Assert.Equal(10_000L * (784 + 1) * 4, fashion.TestBytes);
        Assert.Equal(30, Math.Round(fashion.TestBytes / 1048576.0));
        Assert.True(fashion.TestBytes <= KeptTestImages.DefaultLimitBytes);
        Assert.Equal(64L * 1024 * 1024, Lab.KeepTestImagesUpTo);
    }

    [Fact]
    public void RunIdentity_CommittedRunsOnNamedDatasets_RecordNoInMemoryField()
    {
        // Null for named datasets and then not written: every committed run keeps the identity it was trained under.
        var configs = Directory.EnumerateFiles(Path.Combine(Repository.Root(), "results"), TrainedRun.ConfigFile, SearchOption.AllDirectories).ToArray();
        Assert.NotEmpty(configs);
        foreach (var config in configs)
        {
            var configuration = RunConfiguration.Read(config);
            var data = RunIdentity.Of(configuration.Definition).Configuration["data"]!.AsObject();
            Assert.False(data.ContainsKey("inMemory"), config);
            Assert.DoesNotContain("inMemory", JsonSerializer.Serialize(configuration.Definition, ExperimentJson.Options));
        }
    }
}
