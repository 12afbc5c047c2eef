using Workbench.Experiments.RunFolders;
using Workbench.Interchange.Onnx;
using Workbench.Models.Posteriors;
using Workbench.Tensors;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Interchange;

/// <summary>Two tiny runs trained by the command line for the export tests: a plain VAE and one with a planar-flow posterior.</summary>
public sealed class ExportRuns : IDisposable
{
    private readonly TempDirectory _directory = new();

    public ExportRuns()
    {
        (TrainExitCode, _, TrainError) = CliRunner.Invoke(["train", .. CliRunner.TinyTrainFlags, "--output", Path.Combine(_directory.Path, "tiny")]);
        var experiment = CliRunner.Write(_directory.Path, "planar.json", """
            {
              "name": "planar",
              "description": "A tiny VAE with a planar-flow posterior.",
              "data": { "dataset": "fashion-mnist-subset", "trainLimit": 100, "testLimit": 50 },
              "model": { "variant": "vae", "latentSize": 2, "hiddenSizes": [16], "posterior": { "kind": "planar", "steps": 2 } },
              "training": { "epochs": 1, "batchSize": 50 },
              "evaluation": { "importanceSamples": 2, "importanceImages": 10 }
            }
            """);
        (FlowExitCode, _, FlowError) = CliRunner.Invoke("run", experiment, "--results", Path.Combine(_directory.Path, "results"), "--no-png");
    }

    public string RunFolder => Path.Combine(_directory.Path, "tiny", "default");
    public string FlowRunFolder => Path.Combine(_directory.Path, "results", "planar", "default");
    public string Root => _directory.Path;
    public int TrainExitCode { get; }
    public string TrainError { get; }
    public int FlowExitCode { get; }
    public string FlowError { get; }

    public void Dispose() => _directory.Dispose();
}

/// <summary><c>workbench export &lt;run&gt; --onnx</c> end to end: exit codes, the files, and the graphs against the run's model.</summary>
public class ExportCommandTests(ExportRuns runs) : IClassFixture<ExportRuns>
{
    [Fact]
    public void Export_TrainedRunIntoAFolder_WritesBothGraphsThatMatchTheRunsModelWithin1e5()
    {
        Assert.True(runs.TrainExitCode == 0, runs.TrainError);
        string output = Path.Combine(runs.Root, "exported");
        var runFiles = Directory.EnumerateFiles(runs.RunFolder, "*.onnx").Count();

        var (exitCode, stdout, error) = CliRunner.Invoke("export", runs.RunFolder, "--onnx", "--out", output);

        Assert.True(exitCode == 0, error);
        Assert.Contains($"Wrote {Path.Combine(output, OnnxExport.EncoderFile)}: images (batch, 784) → mean, log_variance (batch, 2)", stdout);
        Assert.Contains($"Wrote {Path.Combine(output, OnnxExport.DecoderFile)}: z (batch, 2) → logits", stdout);
        Assert.Contains($"ONNX opset {OnnxExport.Opset}", stdout);
        Assert.True(runFiles == Directory.EnumerateFiles(runs.RunFolder, "*.onnx").Count(), "--out given: nothing goes into the run folder");

        var model = TrainedRun.Load(runs.RunFolder).Model;
        var images = Tensor.Uniform(new Rng(9), 0f, 1f, 6, 784);
        var z = Tensor.Randn(new Rng(10), 6, 2);
        var posterior = (DiagonalGaussian)model.Encode(images);
        var encoded = OnnxRunner.Run(File.ReadAllBytes(Path.Combine(output, OnnxExport.EncoderFile)), (OnnxExport.Images, images));
        OnnxRunner.AssertMatches(posterior.Mean, encoded[OnnxExport.Mean], "mean");
        OnnxRunner.AssertMatches(posterior.LogVariance, encoded[OnnxExport.LogVariance], "log-variance");
        var decoded = OnnxRunner.Run(File.ReadAllBytes(Path.Combine(output, OnnxExport.DecoderFile)), (OnnxExport.Z, z));
        OnnxRunner.AssertMatches(model.Decode(z), decoded[OnnxExport.Logits], "logits");
    }

    [Fact]
    public void Export_WithoutOut_WritesIntoTheRunFolder()
    {
        Assert.True(runs.TrainExitCode == 0, runs.TrainError);
        var (exitCode, _, error) = CliRunner.Invoke("export", runs.RunFolder, "--onnx");

        Assert.True(exitCode == 0, error);
        Assert.True(File.Exists(Path.Combine(runs.RunFolder, OnnxExport.EncoderFile)));
        Assert.True(File.Exists(Path.Combine(runs.RunFolder, OnnxExport.DecoderFile)));
    }

    [Fact]
    public void Export_FlowPosteriorRun_ExitsOneNamingTheEncoderAndWritesNothing()
    {
        Assert.True(runs.FlowExitCode == 0, runs.FlowError);
        var before = Directory.EnumerateFiles(runs.FlowRunFolder, "*", SearchOption.AllDirectories).Order().ToList();

        var (exitCode, _, error) = CliRunner.Invoke("export", runs.FlowRunFolder, "--onnx");

        Assert.Equal(1, exitCode);
        Assert.Contains($"error: {Path.GetFileName(runs.FlowRunFolder)}: cannot export to ONNX: the encoder of the vae model with the planar flow, K=2 posterior is PlanarFlowEncoder", error);
        Assert.Contains("Nothing was written.", error);
        Assert.Equal(before, Directory.EnumerateFiles(runs.FlowRunFolder, "*", SearchOption.AllDirectories).Order().ToList());
    }

    [Fact]
    public void Export_SentenceModelRun_ExitsOneSayingItReadsSentencesAndWritesNothing()
    {
        using var directory = new TempDirectory();
        var committed = Path.Combine(Repository.Root(), "results", "sequence-vae", "model=vae-word-dropout-0", TrainedRun.ConfigFile);
        File.Copy(committed, directory.File(TrainedRun.ConfigFile));
        File.WriteAllBytes(directory.File(TrainedRun.ModelFile), []); // present, never read: the configuration already says what the model is
        var before = Directory.EnumerateFiles(directory.Path).Order().ToList();

        var (exitCode, _, error) = CliRunner.Invoke("export", directory.Path, "--onnx");

        Assert.Equal(1, exitCode);
        Assert.Contains("cannot export to ONNX: Variant 'sequence-vae' reads sentences", error);
        Assert.Contains("The exporter writes image models only. Nothing was written.", error);
        Assert.Equal(before, Directory.EnumerateFiles(directory.Path).Order().ToList());
    }

    [Fact]
    public void Export_WithoutAFormat_ExitsOneSayingWhichFormatsExist()
    {
        var (exitCode, _, error) = CliRunner.Invoke("export", runs.RunFolder);

        Assert.Equal(1, exitCode);
        Assert.Contains("say which format to export: --onnx", error);
    }

    [Fact]
    public void Export_FolderThatIsNotARun_ExitsOneNamingIt()
    {
        using var directory = new TempDirectory();
        var (exitCode, _, error) = CliRunner.Invoke("export", directory.Path, "--onnx");

        Assert.Equal(1, exitCode);
        Assert.Contains("config.json is missing", error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path));
    }
}
