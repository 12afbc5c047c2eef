using Workbench.Notebooks;
using Workbench.Tests.Support;

namespace Workbench.Tests.Cli;

/// <summary>
/// A run folder whose file was cut short (a copy interrupted, a disk emptied by hand): every command that reads
/// it says which file in one message, exits 1 and prints no stack trace.
/// </summary>
public class TruncatedRunFilesTests(TrainedFolder trained) : IClassFixture<TrainedFolder>
{
    /// <summary>A copy of the trained experiment folder with <paramref name="file"/> (under the run folder) cut to half its length.</summary>
    private (TempDirectory Directory, string ExperimentFolder, string File) CopyWithTruncated(string file)
    {
        Assert.True(trained.ExitCode == 0, trained.Error);
        var directory = new TempDirectory();
        var experiment = Path.Combine(directory.Path, "results", "tiny");
        foreach (var source in Directory.GetFiles(trained.ExperimentFolder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(experiment, Path.GetRelativePath(trained.ExperimentFolder, source));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
        var path = Path.Combine(experiment, "default", file);
        var bytes = File.ReadAllBytes(path);
        // A line cut short, wherever the file's line ends fall: a cut at a line's end would leave a shorter but valid
        // metrics.jsonl (its lines' lengths vary with the timings they hold), so the cut stays two bytes before the next line end.
        int cut = bytes.Length / 2 + 3;
        int lineEnd = Array.IndexOf(bytes, (byte)'\n', cut - 1);
        if (lineEnd >= 0 && lineEnd - cut < 2) cut = lineEnd - 2;
        File.WriteAllBytes(path, bytes[..cut]);
        return (directory, experiment, path);
    }

    private static void AssertOneMessageNaming(string file, (int ExitCode, string Output, string Error) result)
    {
        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.Output}{result.Error}");
        Assert.Contains(file, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Single(result.Error.Split('\n'), line => line.StartsWith("error:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("status", "summary.json")]
    [InlineData("report", "summary.json")]
    [InlineData("report", "config.json")]
    [InlineData("report", "metrics.jsonl")]
    [InlineData("report", "steps.jsonl")]
    [InlineData("eval", "config.json")]
    [InlineData("eval", "model.safetensors")]
    [InlineData("sample", "model.safetensors")]
    [InlineData("redraw", "config.json")]
    [InlineData("redraw", "model.safetensors")]
    public void Command_TruncatedRunFile_OneMessageNamingTheFile(string command, string file)
    {
        var (directory, experiment, path) = CopyWithTruncated(file);
        using var _ = directory;
        string[] args = command switch
        {
            "status" => [command, experiment],
            "report" => [command, experiment, "--no-png"],
            "redraw" => [command, Path.Combine(experiment, "default"), "--no-png"],
            _ => [command, Path.Combine(experiment, "default")],
        };

        AssertOneMessageNaming(path, CliRunner.Invoke(args));
    }

    [Fact]
    public void Report_TruncatedTraversalRows_WritesTheReportWithANoteNamingTheFile()
    {
        var (directory, experiment, path) = CopyWithTruncated("images/traversals.json");
        using var _ = directory;

        var (exitCode, output, error) = CliRunner.Invoke("report", experiment, "--no-png");

        Assert.True(exitCode == 0, error);
        Assert.Contains($"note: {path}", output);
    }

    [Fact]
    public void Status_TruncatedConfig_StillListsTheRunAsFinished()
    {
        var (directory, experiment, _) = CopyWithTruncated("config.json");
        using var _ = directory;

        var (exitCode, output, error) = CliRunner.Invoke("status", experiment);

        Assert.True(exitCode == 0, error);
        Assert.Contains("1 finished", output);
    }

    [Fact]
    public void Run_TruncatedIdentity_OneMessageNamingTheFile()
    {
        var (directory, experiment, path) = CopyWithTruncated("identity.json");
        using var _ = directory;
        var file = Path.Combine(experiment, "experiment.json");

        AssertOneMessageNaming(path, CliRunner.Invoke("run", file, "--results", Path.GetDirectoryName(experiment)!, "--no-png"));
    }

    [Theory]
    [InlineData("summary.json")]
    [InlineData("config.json")]
    [InlineData("metrics.jsonl")]
    [InlineData("model.safetensors")]
    public void LabOpenRun_TruncatedRunFile_InvalidDataNamingTheFile(string file)
    {
        var (directory, experiment, path) = CopyWithTruncated(file);
        using var _ = directory;

        var error = Assert.Throws<InvalidDataException>(() => Lab.OpenRun(Path.Combine(experiment, "default")));

        Assert.Contains(path, error.Message);
    }
}
