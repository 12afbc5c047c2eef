using System.Diagnostics;
using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.IO;
using Workbench.Models;
using Workbench.Models.Posteriors;
using Workbench.Tensors;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Interchange;

/// <summary>
/// A run's <c>model.safetensors</c> loads into the equivalent PyTorch modules (tests/reference/safetensors_into_pytorch.py,
/// PyTorch 1.13, <c>load_state_dict(strict=True)</c> over the workbench's names) and gives the workbench's encoder and decoder
/// outputs: for a run trained by the command line (mlp) and for conv and conv-bn models with every parameter and batch-norm
/// statistic moved off its initial value.
/// </summary>
public class SafetensorsIntoPyTorchTests(ExportRuns runs) : IClassFixture<ExportRuns>
{
    private const double Tolerance = 1e-5;

    [PyTorchFact]
    public void PyTorch_TrainedRunsModelFile_GivesTheWorkbenchsOutputs()
    {
        Assert.True(runs.TrainExitCode == 0, runs.TrainError);
        AssertPyTorchMatches(runs.RunFolder, TrainedRun.Load(runs.RunFolder).Model);
    }

    [PyTorchFact]
    public void PyTorch_ConvModelFile_GivesTheWorkbenchsOutputs() =>
        AssertPyTorchMatches(new VaeConfig { Architecture = Architecture.Conv, ConvChannels = [4, 8], LatentSize = 3 });

    [PyTorchFact]
    public void PyTorch_ConvBnModelFile_GivesTheWorkbenchsOutputs() =>
        AssertPyTorchMatches(new VaeConfig { Architecture = Architecture.ConvBn, ConvChannels = [4, 8, 8], LatentSize = 3, Activation = "leaky-relu" });

    /// <summary>Writes the model as a run folder holds it (config.json's "model", model.safetensors) and compares.</summary>
    private static void AssertPyTorchMatches(VaeConfig config)
    {
        using var directory = new TempDirectory();
        var model = OnnxExportTests.TrainedIsh(config, seed: 11);
        File.WriteAllText(directory.File(TrainedRun.ConfigFile), $$"""{ "model": {{JsonSerializer.Serialize(config, ExperimentJson.Options)}} }""");
        model.SaveParameters(directory.File(TrainedRun.ModelFile));
        AssertPyTorchMatches(directory.Path, model);
    }

    private static void AssertPyTorchMatches(string folder, VariationalAutoencoder model)
    {
        using var directory = new TempDirectory();
        var images = Tensor.Uniform(new Rng(21), 0f, 1f, 5, model.Pixels);
        var z = Tensor.Randn(new Rng(22), 5, model.LatentSize);
        SafeTensors.Save(directory.File("inputs.safetensors"), [KeyValuePair.Create("images", images), KeyValuePair.Create("z", z)]);

        var script = Path.Combine(Repository.Root(), "tests", "reference", "safetensors_into_pytorch.py");
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, folder, directory.File("inputs.safetensors"), directory.File("outputs.safetensors")])
        {
            RedirectStandardError = true,
            Environment = { ["OMP_NUM_THREADS"] = "1" },
        })!;
        string error = python.StandardError.ReadToEnd();
        Assert.True(python.WaitForExit(120_000), "the PyTorch script did not finish in 2 minutes");
        Assert.True(python.ExitCode == 0, error);
        Assert.Contains("not loaded (not encoder or decoder): [", error);

        var outputs = SafeTensors.Load(directory.File("outputs.safetensors")).Tensors;
        using var _ = GradMode.NoGrad();
        var posterior = (DiagonalGaussian)model.Encode(images);
        AssertClose(posterior.Mean, outputs["mean"], "mean");
        AssertClose(posterior.LogVariance, outputs["log_variance"], "log-variance");
        AssertClose(model.Decode(z), outputs["logits"], "logits");
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double max = OnnxRunner.MaxAbsDifference(expected.ToArray(), actual.ToArray(), what);
        Assert.True(max <= Tolerance, $"{what}: max |workbench − PyTorch| = {max:G3} > {Tolerance:G3}");
    }
}
