using Workbench.Tests.Support;
using CommandLine = Workbench.Cli.Cli;

namespace Workbench.Tests.Cli;

/// <summary>Runs the command line in-process with captured output.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = CommandLine.Invoke(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Flags of a model that trains in about a second on 300 bundled images.</summary>
    public static readonly string[] TinyTrainFlags =
        ["--latent", "2", "--hidden", "32", "--epochs", "2", "--batch-size", "50", "--train-limit", "300", "--test-limit", "100", "--no-png"];

    /// <summary>An experiment file over β and objective (four tiny runs).</summary>
    public static string WriteGridExperiment(string directory, string name = "grid") =>
        Write(directory, name + ".json", $$"""
        {
          "name": "{{name}}",
          "description": "Tiny grid over beta and objective.",
          "data": { "dataset": "fashion-mnist-subset", "trainLimit": 300, "testLimit": 100 },
          "model": { "variant": "beta-vae", "latentSize": 2, "hiddenSizes": [32] },
          "training": { "epochs": 2, "batchSize": 50 },
          "evaluation": { "importanceSamples": 5, "importanceImages": 20 },
          "grid": { "model.beta": [0.5, 2], "model.objective": ["elbo", "kl-only"] }
        }
        """);

    public static string Write(string directory, string fileName, string text)
    {
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, text);
        return path;
    }
}

/// <summary>One tiny `workbench train` run shared by the tests that read its folder.</summary>
public sealed class TrainedFolder : IDisposable
{
    private readonly TempDirectory _directory = new();

    public TrainedFolder()
    {
        ExperimentFolder = Path.Combine(_directory.Path, "results", "tiny");
        (ExitCode, Output, Error) = CliRunner.Invoke(["train", .. CliRunner.TinyTrainFlags, "--output", ExperimentFolder]);
    }

    public string ExperimentFolder { get; }
    public string RunFolder => Path.Combine(ExperimentFolder, "default");
    public int ExitCode { get; }
    public string Output { get; }
    public string Error { get; }
    public string Root => _directory.Path;

    public void Dispose() => _directory.Dispose();
}
