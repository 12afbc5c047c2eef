using System.CommandLine;
using System.Text.Json;
using Workbench.Experiments.RunFolders;
using Workbench.Tests.Support;
using CommandLine = Workbench.Cli.Cli;

namespace Workbench.Tests.Cli;

public class CommandLineTests
{
    public static TheoryData<string> Commands => new(CommandLine.Build().Subcommands.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_EveryCommand_DescribesItselfAndEveryOption(string name)
    {
        var command = CommandLine.Build().Subcommands.Single(c => c.Name == name);
        var (exitCode, output, _) = CliRunner.Invoke(name, "--help");

        Assert.Equal(0, exitCode);
        Assert.False(string.IsNullOrWhiteSpace(command.Description), $"{name} has no description");
        Assert.Contains(command.Description!, output);
        foreach (var option in command.Options)
        {
            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{name} {option.Name} has no description");
            Assert.Contains(option.Name, output);
        }
        foreach (var argument in command.Arguments)
            Assert.False(string.IsNullOrWhiteSpace(argument.Description), $"{name} <{argument.Name}> has no description");
    }

    [Fact]
    public void Build_RegistersTheResearchCommands()
    {
        var names = CommandLine.Build().Subcommands.Select(c => c.Name).ToArray();
        Assert.Subset(names.ToHashSet(), new HashSet<string> { "train", "run", "eval", "report", "sample", "reconstruct" });
    }

    [Theory]
    [InlineData("train", "--variant", "gan")]
    [InlineData("train", "--dataset", "wordnet-definitions")] // train builds image models only
    [InlineData("train", "--epochs", "0")]
    [InlineData("eval")]
    [InlineData("sample", "x", "--count", "-3")]
    public void Parse_InvalidArguments_ExitsOneWithMessage(params string[] args)
    {
        var (exitCode, _, error) = CliRunner.Invoke(args);
        Assert.Equal(1, exitCode);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Run_MissingField_ExitsOneNamingTheField()
    {
        using var directory = new TempDirectory();
        var file = CliRunner.Write(directory.Path, "bad.json", """{ "name": "bad", "model": { "latentSize": 0 } }""");

        var (exitCode, _, error) = CliRunner.Invoke("run", file, "--results", directory.File("results"), "--no-png");

        Assert.Equal(1, exitCode);
        Assert.Contains("model.latentSize", error);
        Assert.DoesNotContain("   at ", error); // no stack trace
    }

    [Fact]
    public void Run_MalformedOrMissingFile_ExitsOneWithOneLine()
    {
        using var directory = new TempDirectory();
        var file = CliRunner.Write(directory.Path, "broken.json", "{ \"name\": ");

        var malformed = CliRunner.Invoke("run", file, "--no-png");
        var missing = CliRunner.Invoke("run", directory.File("absent.json"), "--no-png");

        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains("not valid JSON", malformed.Error);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("file not found", missing.Error);
        Assert.Single(missing.Error.Trim().Split('\n'));
    }

    [Fact]
    public void Eval_MissingRunFolder_ExitsOne()
    {
        var (exitCode, _, error) = CliRunner.Invoke("eval", Path.Combine(Path.GetTempPath(), "no-such-run-" + Guid.NewGuid().ToString("N")));
        Assert.Equal(1, exitCode);
        Assert.Contains("does not exist", error);
    }

    [Fact]
    public void Eval_CorruptModel_ExitsOneNamingTheFile()
    {
        using var directory = new TempDirectory();
        var run = Directory.CreateDirectory(directory.File("run")).FullName;
        CliRunner.Write(run, TrainedRun.ConfigFile, """{ "name": "x", "model": { "latentSize": 2, "hiddenSizes": [8] } }""");
        CliRunner.Write(run, TrainedRun.ModelFile, "not a safetensors file");

        var (exitCode, _, error) = CliRunner.Invoke("eval", run);

        Assert.Equal(1, exitCode);
        Assert.Contains(TrainedRun.ModelFile, error);
    }

    [Fact]
    public void KlPenalty_FreeBitsOverWarmup_WrapsTheSchedule()
    {
        var penalty = Workbench.Cli.Commands.TrainCommand.KlPenalty("linear-warmup", 2f, 0.5, 4, 0.5, 1000f, 25f, 1.0, freeBits: 0.25f)!;
        Assert.Equal("free-bits", (string?)penalty["kind"]);
        Assert.Equal("linear-warmup", (string?)penalty["schedule"]!["kind"]);
        Assert.Equal(2f, (float)penalty["schedule"]!["beta"]!);
    }

    [Fact]
    public void Train_MissingDataset_ExitsOneWithOneLine()
    {
        using var directory = new TempDirectory();
        var (exitCode, _, error) = CliRunner.Invoke("train", "--dataset", "mnist", "--data-dir", directory.File("nowhere"),
            "--output", directory.File("m"), "--no-png");

        Assert.Equal(1, exitCode);
        Assert.Contains("nowhere", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Train_Cancelled_ExitsOneThirtyWithMessage()
    {
        using var directory = new TempDirectory();
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = CommandLine.Invoke(["train", .. CliRunner.TinyTrainFlags, "--output", directory.File("c")], output, error, new CancellationToken(canceled: true));

        Assert.Equal(130, exitCode);
        Assert.Contains("Interrupted", error.ToString());
        Assert.Empty(Directory.GetFiles(directory.Path, RunFolder.SummaryFile, SearchOption.AllDirectories));
    }
}
