using Workbench.IO;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.IO;

/// <summary>Leftover temporary files of killed writers: removed wherever the workbench writes, and nowhere else.</summary>
public class StaleTempFilesTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef";

    private static string Plant(string directory, string fileName)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $".{fileName}.{Hex}.tmp");
        File.WriteAllText(path, "left behind\n");
        return path;
    }

    [Fact]
    public void Remove_FolderWithASymlinkToAnotherFolder_LeavesThatFoldersFilesAlone()
    {
        using var directory = new TempDirectory();
        var outside = Plant(Path.Combine(directory.Path, "outside"), "precious");
        var results = Path.Combine(directory.Path, "results");
        var run = Path.Combine(results, "exp", "run");
        var inside = Plant(Path.Combine(run, "checkpoints"), "epoch-0001.safetensors");
        Directory.CreateSymbolicLink(Path.Combine(run, "linked"), Path.Combine(directory.Path, "outside"));

        int removed = StaleTempFiles.Remove(run);

        Assert.Equal(1, removed);
        Assert.False(File.Exists(inside));
        Assert.True(File.Exists(outside));
    }

    [Fact]
    public void Remove_FolderThatIsASymlinkOutOfTheResultsFolder_RemovesNothing()
    {
        using var directory = new TempDirectory();
        var outside = Plant(Path.Combine(directory.Path, "elsewhere"), "precious");
        var results = Path.Combine(directory.Path, "results");
        Directory.CreateDirectory(Path.Combine(results, "exp"));
        var run = Path.Combine(results, "exp", "run");
        Directory.CreateSymbolicLink(run, Path.Combine(directory.Path, "elsewhere"));

        Assert.Equal(0, StaleTempFiles.Remove(run, results));
        Assert.True(File.Exists(outside));
    }

    [Fact]
    public void Remove_ResultsRootThatIsItselfASymlink_StillCleansItsRuns()
    {
        using var directory = new TempDirectory();
        var real = Path.Combine(directory.Path, "scratch");
        var left = Plant(Path.Combine(real, "exp", "run"), "config.json");
        var results = Path.Combine(directory.Path, "results");
        Directory.CreateSymbolicLink(results, real);

        Assert.Equal(1, StaleTempFiles.Remove(Path.Combine(results, "exp", "run"), results));
        Assert.False(File.Exists(left));
    }

    [Fact]
    public void Run_RunFolderLinkingOutOfTheResults_DeletesNothingThere_AndCleansTheRootAndExperimentFolders()
    {
        using var directory = new TempDirectory();
        var results = Path.Combine(directory.Path, "results");
        var outside = Plant(Path.Combine(directory.Path, "outside"), "precious");
        var beside = Plant(directory.Path, "index.json");
        var runFolder = Path.Combine(results, "linked", "default");
        Directory.CreateDirectory(runFolder);
        Directory.CreateSymbolicLink(Path.Combine(runFolder, "elsewhere"), Path.Combine(directory.Path, "outside"));
        var index = Plant(results, "index.json");
        var report = Plant(Path.Combine(results, "linked"), "report.html");
        var figure = Plant(Path.Combine(results, "linked", "figures"), "elbo-components.html");
        var file = RunIdentityCliTests.WriteTiny(directory.Path, "linked");

        var (exitCode, _, error) = CliRunner.Invoke("run", file, "--results", results, "--no-png");

        Assert.True(exitCode == 0, error);
        Assert.True(File.Exists(outside), "a file outside the results folder was deleted");
        Assert.True(File.Exists(beside), "a file beside the results folder was deleted");
        Assert.False(File.Exists(index), "the results root's leftover index temp file stayed");
        Assert.False(File.Exists(report), "the experiment folder's leftover report temp file stayed");
        Assert.False(File.Exists(figure), "the experiment's figures/ leftover temp file stayed");
    }
}
