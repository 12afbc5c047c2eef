using Workbench.Tests.Support;
using CommandLine = Workbench.Cli.Cli;

namespace Workbench.Tests.Cli;

/// <summary><c>bench epoch --libtorch-threads</c>: read as a list, and refused, in one line, before any data or peer is loaded.</summary>
public class BenchEpochOptionsTests
{
    [Theory]
    [InlineData(new[] { "1,2" }, new[] { 1, 2 })]
    [InlineData(new[] { "1", "2" }, new[] { 1, 2 })]
    [InlineData(new[] { "2" }, new[] { 2 })]
    public void Parse_LibTorchThreads_ReadsEachSetting(string[] values, int[] expected)
    {
        var parse = CommandLine.Build().Parse(["bench", "epoch", "--libtorch-threads", .. values]);

        Assert.Empty(parse.Errors);
        Assert.Equal(expected, parse.GetValue<int[]>("--libtorch-threads"));
    }

    [Fact]
    public void Parse_NoLibTorchThreads_RunsNoLibTorchPeer()
    {
        var parse = CommandLine.Build().Parse(["bench", "epoch"]);

        Assert.Empty(parse.GetValue<int[]>("--libtorch-threads") ?? []);
    }

    [Fact]
    public void Parse_LibTorchThreadsNotANumber_ExitsOneNamingTheValue()
    {
        var (exitCode, output, error) = CliRunner.Invoke("bench", "epoch", "--libtorch-threads", "1,two");

        Assert.Equal(1, exitCode);
        Assert.Contains("--libtorch-threads takes whole numbers such as 1,2; got 'two'.", error);
        Assert.Empty(output);
    }

    [Theory]
    [InlineData("bench epoch: --libtorch-threads values must be at least 1, got 0.", "--libtorch-threads", "0")]
    [InlineData("bench epoch: --libtorch-threads values must be at least 1, got 1,0.", "--libtorch-threads", "1,0")]
    [InlineData("bench epoch: --libtorch-threads applies to the image models (mlp, conv, conv-bn), not to --architecture sequence.",
        "--architecture", "sequence", "--libtorch-threads", "1")]
    public void Run_InvalidLibTorchThreads_ExitsTwoWithOneLine(string message, params string[] options)
    {
        using var folder = new TempDirectory();
        using var cli = new CliProcess(folder.Path, ["bench", "epoch", .. options]);

        Assert.Equal(2, cli.WaitForExit());
        Assert.Equal(message, cli.Error.Trim());
        Assert.Empty(cli.Output.Trim()); // refused before loading data or starting a peer
    }
}
