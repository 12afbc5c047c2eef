using System.Text.Json;
using Workbench.Data;
using Workbench.Data.Files;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Notebooks;
using Workbench.Tests.Cli;
using Workbench.Tests.Data.Files;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>Your own files as the data of an experiment file, of <c>workbench run</c> and <c>train</c>, and of <c>Lab</c>.</summary>
public class FileDataSpecTests
{
    [Theory]
    [InlineData("""{ "dataset": "npy" }""", "data.path", "dataset 'npy' needs a .npy of images or a .npz of arrays")]
    [InlineData("""{ "dataset": "image-folder" }""", "data.path", "needs the folder of class subfolders of PNG images")]
    [InlineData("""{ "dataset": "csv" }""", "data.path", "needs the CSV file of numbers")]
    [InlineData("""{ "dataset": "npy", "path": "images.png" }""", "data.path", "'images.png' is neither a .npy nor a .npz file")]
    [InlineData("""{ "dataset": "npy", "path": "../images.npy" }""", "data.path", "'../images.npy' leads outside the experiment file's folder")]
    [InlineData("""{ "dataset": "csv", "path": "/etc/passwd" }""", "data.path", "leads outside the experiment file's folder")]
    [InlineData("""{ "dataset": "npy", "path": "x.npy", "labels": "/tmp/y.npy" }""", "data.labels", "leads outside the experiment file's folder")]
    [InlineData("""{ "dataset": "sprites", "path": "x.npy" }""", "data.path", "applies to datasets of your own files (image-folder, npy, csv), not to 'sprites'")]
    [InlineData("""{ "dataset": "csv", "path": "t.csv", "labels": "y.npy" }""", "data.labels", "name the CSV's label column with labelColumn")]
    [InlineData("""{ "dataset": "npy", "path": "d.npz", "labels": "y.npy" }""", "data.labels", "a .npz holds its labels as arrays")]
    [InlineData("""{ "dataset": "npy", "path": "d.npz", "memoryMap": true }""", "data.memoryMap", "a .npz cannot be memory-mapped")]
    [InlineData("""{ "dataset": "npy", "path": "x.npy", "labelColumn": "y" }""", "data.labelColumn", "names a CSV's label column")]
    [InlineData("""{ "dataset": "image-folder", "path": "faces", "directory": "/tmp" }""", "data.directory", "reads data.path")]
    public void Load_FileDataFieldsThatDoNotFit_NameTheField(string data, string field, string problem)
    {
        var error = ExperimentValidationTests.LoadFails($$"""{ "name": "f", "data": {{data}} }""");
        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Load_ImageFolderThroughASymbolicLinkLeadingOutside_IsRefused()
    {
        using var outside = new TempDirectory();
        using var dir = new TempDirectory();
        ImageFolderTests.Grey(Path.Combine(outside.Path, "a", "1.png"), 4, 4, 0);
        Directory.CreateSymbolicLink(dir.File("faces"), outside.Path);
        File.WriteAllText(dir.File("experiment.json"), """{ "name": "f", "data": { "dataset": "image-folder", "path": "faces" } }""");

        var error = Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand(dir.File("experiment.json")));
        Assert.Equal("data.path", error.Field);
        Assert.Contains("'faces' leads outside the experiment file's folder", error.Message);
    }

    [Fact]
    public void Load_ImageFolderBesideTheExperimentFile_IsFoundWhateverTheWorkingFolder()
    {
        using var dir = new TempDirectory();
        for (int i = 0; i < 10; i++) ImageFolderTests.Grey(Path.Combine(dir.Path, "faces", i % 2 == 0 ? "a" : "b", $"{i}.png"), 6, 5, i);
        File.WriteAllText(dir.File("experiment.json"), """{ "name": "f", "data": { "dataset": "image-folder", "path": "faces" }, "model": { "imageHeight": 6, "imageWidth": 5 } }""");

        var definition = ExperimentLoader.Load(dir.File("experiment.json"));
        var (train, test) = ExperimentData.Load(definition.Data);

        Assert.Equal(dir.File("faces"), definition.Data.PathFullPath);
        Assert.Equal((9, 1, 6, 5), (train.Count, test.Count, train.Height, train.Width));
        Assert.Equal(["a", "b"], train.ClassNames);
        Assert.Equal($"PNG folder {dir.File("faces")} (training part of a seeded split)", train.Source);
    }

    [Fact]
    public void Run_NpyExperimentFile_TrainsAndWritesTheRunFolder()
    {
        using var dir = new TempDirectory();
        WriteNpy(dir, 60);
        File.WriteAllText(dir.File("mine.json"), """
        {
          "name": "mine",
          "data": { "dataset": "npy", "path": "x.npy", "labels": "y.npy" },
          "model": { "latentSize": 2, "hiddenSizes": [16], "imageHeight": 4, "imageWidth": 5 },
          "training": { "epochs": 1, "batchSize": 18 },
          "evaluation": { "images": false }
        }
        """);

        var (exitCode, output, error) = CliRunner.Invoke("run", dir.File("mine.json"), "--results", dir.File("results"), "--no-png");

        Assert.True(exitCode == 0, error + output);
        var summary = RunFiles.ReadSummary(Path.Combine(dir.Path, "results", "mine", "default", "summary.json"));
        Assert.Equal(54, summary.TrainImages); // 60 images, a tenth split off for testing
    }

    [Fact]
    public void Eval_RunOfAnNpyExperiment_FindsItsFilesFromAnotherWorkingFolder()
    {
        using var dir = new TempDirectory();
        WriteNpy(dir, 60);
        Directory.CreateDirectory(dir.File("experiments"));
        File.Move(dir.File("x.npy"), dir.File("experiments/x.npy"));
        File.Move(dir.File("y.npy"), dir.File("experiments/y.npy"));
        File.WriteAllText(dir.File("experiments/mine.json"), """
        {
          "name": "mine",
          "data": { "dataset": "npy", "path": "x.npy", "labels": "y.npy" },
          "model": { "latentSize": 2, "hiddenSizes": [16], "imageHeight": 4, "imageWidth": 5 },
          "training": { "epochs": 1, "batchSize": 18 },
          "evaluation": { "images": false }
        }
        """);
        var (trained, _, trainError) = CliRunner.Invoke("run", dir.File("experiments/mine.json"), "--results", dir.File("results"), "--no-png");
        Assert.True(trained == 0, trainError);
        string run = Path.Combine(dir.Path, "results", "mine", "default");

        // The working folder is the test's, neither the experiment file's nor the run's: the paths in config.json are relative.
        var (exitCode, output, error) = CliRunner.Invoke("eval", run);

        Assert.True(exitCode == 0, error + output);
        Assert.Contains("on 6 test images", output); // the seeded tenth of the 60 images in experiments/x.npy
        Assert.Contains(JsonSerializer.Serialize(dir.File("experiments")), File.ReadAllText(Path.Combine(run, TrainedRun.ConfigFile)));
        Assert.DoesNotContain("\"folder\"", File.ReadAllText(Path.Combine(run, "identity.json")));
    }

    [Fact]
    public void Load_DataFolderInAnExperimentFile_IsRefusedNamingTheField()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("mine.json"), """{ "name": "mine", "data": { "dataset": "npy", "path": "x.npy", "folder": "/elsewhere" } }""");

        var error = Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand(dir.File("mine.json")));

        Assert.Contains("data.folder", error.Message);
        Assert.Contains("is written by Workbench into a run's config.json", error.Message);
    }

    [Fact]
    public void Run_NpyOfWrongDtype_ExitsOneNamingTheFileAndWritesNoRun()
    {
        using var dir = new TempDirectory();
        NpyFile.Write(dir.File("x.npy"), new long[20 * 20], 20, 4, 5);
        File.WriteAllText(dir.File("bad.json"), """{ "name": "bad", "data": { "dataset": "npy", "path": "x.npy" }, "model": { "imageHeight": 4, "imageWidth": 5 } }""");

        var (exitCode, _, error) = CliRunner.Invoke("run", dir.File("bad.json"), "--results", dir.File("results"), "--no-png");

        Assert.Equal(1, exitCode);
        Assert.Contains($"{dir.File("x.npy")}: images have dtype int64; the allowed dtypes are uint8 (0–255) or float32 (0–1)", error);
        Assert.False(File.Exists(Path.Combine(dir.Path, "results", "bad", "default", "summary.json")));
    }

    [Fact]
    public void Train_DataPathFlag_ReadsTheImageSizeFromTheFileAndTrains()
    {
        using var dir = new TempDirectory();
        WriteNpy(dir, 40);

        var (exitCode, output, error) = CliRunner.Invoke("train", "--dataset", "npy", "--data-path", dir.File("x.npy"), "--labels", dir.File("y.npy"),
            "--latent", "2", "--hidden", "16", "--epochs", "1", "--batch-size", "12", "--no-png", "--output", dir.File("out"));

        Assert.True(exitCode == 0, error + output);
        var config = File.ReadAllText(Path.Combine(dir.Path, "out", "default", TrainedRun.ConfigFile));
        Assert.Contains(JsonSerializer.Serialize(dir.File("x.npy")), config);
        Assert.Contains("\"imageWidth\": 5", config);
    }

    [Fact]
    public void Train_DataPathFlagOnColourImages_BuildsAThreeChannelModelAndTrains()
    {
        using var dir = new TempDirectory();
        const int count = 30; // (N, H, W, C) = (30, 4, 5, 3): channels last, as NumPy and PIL keep colour images
        NpyFile.Write(dir.File("rgb.npy"), Enumerable.Range(0, count * 60).Select(i => (byte)(i * 7 % 256)).ToArray(), count, 4, 5, 3);

        var (exitCode, output, error) = CliRunner.Invoke("train", "--dataset", "npy", "--data-path", dir.File("rgb.npy"),
            "--latent", "2", "--hidden", "16", "--epochs", "1", "--batch-size", "9", "--no-png", "--output", dir.File("out"));

        Assert.True(exitCode == 0, error + output);
        var config = File.ReadAllText(Path.Combine(dir.Path, "out", "default", TrainedRun.ConfigFile));
        Assert.Contains("\"imageChannels\": 3", config);
        Assert.Contains("\"imageHeight\": 4", config);
    }

    [Fact]
    public void Lab_Loaders_AreTheFileLoaders()
    {
        using var dir = new TempDirectory();
        WriteNpy(dir, 30);
        File.WriteAllText(dir.File("t.csv"), "a,b\n" + string.Concat(Enumerable.Range(0, 10).Select(i => $"{i},{i % 2}\n")));
        ImageFolderTests.Grey(Path.Combine(dir.Path, "png", "a", "1.png"), 3, 3, 0);
        ImageFolderTests.Grey(Path.Combine(dir.Path, "png", "a", "2.png"), 3, 3, 9);

        Assert.Equal(NpyDataset.Load(dir.File("x.npy"), dir.File("y.npy")).Test.Pixels.ToArray(), Lab.LoadNpy(dir.File("x.npy"), dir.File("y.npy")).Test.Pixels.ToArray());
        Assert.Equal(["0", "1"], Lab.LoadCsv(dir.File("t.csv"), "b").Train.ClassNames);
        Assert.Equal(2, Lab.LoadImageFolder(dir.File("png")) is var (train, test) ? train.Count + test.Count : 0);
    }

    /// <summary><paramref name="count"/> uint8 images of 4×5 (x.npy) and labels 0–2 (y.npy).</summary>
    private static void WriteNpy(TempDirectory dir, int count)
    {
        NpyFile.Write(dir.File("x.npy"), Enumerable.Range(0, count * 20).Select(i => (byte)(i * 13 % 256)).ToArray(), count, 4, 5);
        NpyFile.Write(dir.File("y.npy"), Enumerable.Range(0, count).Select(i => (long)(i % 3)).ToArray(), count);
    }
}
