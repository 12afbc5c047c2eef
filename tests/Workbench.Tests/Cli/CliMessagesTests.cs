using Workbench.Cli;
using Workbench.Cli.Commands;
using CommandLine = Workbench.Cli.Cli;

namespace Workbench.Tests.Cli;

public class CliMessagesTests
{
    [Fact]
    public void Train_MistypedFlag_PrintsErrorClosestFlagAndOneUsageLine()
    {
        var (exitCode, output, error) = CliRunner.Invoke("train", "--epochz", "3");
        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length <= 5, "too long:\n" + error);
        Assert.Contains("--epochz", lines[0]);
        Assert.Contains(lines, l => l.Contains("did you mean --epochs?", StringComparison.Ordinal));
        Assert.StartsWith("usage: workbench train [options]", lines[^1]);
        Assert.DoesNotContain("Description", error);
    }

    [Fact]
    public void Run_MistypedFlag_SuggestsTheFlagOfThatCommand()
    {
        var (exitCode, _, error) = CliRunner.Invoke("run", "experiments/quickstart.json", "--no-pgn");
        Assert.Equal(1, exitCode);
        Assert.Contains("did you mean --no-png?", error);
        Assert.Contains("usage: workbench run <experiment-file>", error);
    }

    [Fact]
    public void Closest_Typos_RankByEditDistance()
    {
        string[] names = ["--epochs", "--beta", "--batch-size", "--seed", "--output"];
        Assert.Equal(["--beta"], ParseErrors.Closest("--betta", names));
        Assert.Equal(["--batch-size"], ParseErrors.Closest("--batch-sze=3", names));
        Assert.Empty(ParseErrors.Closest("--frobnicate", names));
        Assert.Equal(3, Workbench.Experiments.Definitions.DidYouMean.Distance("kitten", "sitting"));
    }

    [Fact]
    public void TrainFolderName_DifferentFlags_GiveDifferentFolders()
    {
        string Name(params string[] args)
        {
            var parse = CommandLine.Build().Parse(["train", .. args]);
            Assert.Empty(parse.Errors);
            var train = parse.CommandResult.Command;
            return TrainFolderName.For(parse.GetValue<string>("--variant")!, parse, train.Options);
        }
        var beta4 = Name("--variant", "beta-vae", "--beta", "4", "--epochs", "5");
        var beta8 = Name("--variant", "beta-vae", "--beta", "8", "--epochs", "5");
        Assert.Equal("train-beta-vae-beta4-epochs5", beta4);
        Assert.Equal("train-beta-vae-beta8-epochs5", beta8);
        Assert.Equal("train-vae", Name());
        Assert.Equal("train-vae", Name("--no-png", "--output", "x")); // where and how to draw do not count
        Assert.Equal("train-vae-hidden64x32", Name("--hidden", "64", "32"));
    }
}
