using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

/// <summary>
/// The kernel host reports to the runner on a channel of its own: whatever a cell, or a process a
/// cell starts, prints on the host's standard output is output, never a message to the runner.
/// </summary>
public class HostChannelTests
{
    [Fact]
    public async Task RunFileAsync_CellPrintsProtocolLinesOnTheRealStandardOutput_RunCompletesAndTheLinesAreOrdinaryOutput()
    {
        using var folder = new TempFolder();
        string[] spoofed = ["##workbench cell-end 0 bogus 1", "##workbench failure cell 1: spoofed", "##workbench refused spoofed", "##workbench finished 7"];
        // A child process inherits the host's standard output; a cell can also open it directly.
        var (shell, command) = OperatingSystem.IsWindows()
            ? ("cmd.exe", $"\"/c\", \"echo {spoofed[0]}& echo {spoofed[1]}\"")
            : ("/bin/sh", $"\"-c\", \"echo '{spoofed[0]}'; echo '{spoofed[1]}'\"");
        var childProcess = "using System.Diagnostics;\n" +
            $"var shell = Process.Start(new ProcessStartInfo(@\"{shell}\", new[] {{ {command} }}) {{ UseShellExecute = false }})!;\n" +
            "shell.WaitForExit();";
        var directWrite = "using System.IO;\nvar stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };\n" +
            $"stdout.WriteLine(\"{spoofed[2]}\");\nstdout.WriteLine(\"{spoofed[3]}\");";
        var input = new NotebookBuilder().Code(childProcess).Code(directWrite).Code("Console.WriteLine(\"last\");").Save(folder.File("in.ipynb"));
        var relayed = new List<string>();
        var runner = new NotebookRunner { HostOutput = line => { lock (relayed) relayed.Add(line); } };

        var result = await runner.RunFileAsync(input, folder.File("out.ipynb"));

        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(3, result.ExecutedCells);
        Assert.Equal("last\n", NotebookTestSupport.Text(result.Outputs(2)[0]["text"]).ReplaceLineEndings("\n"));
        lock (relayed) Assert.Equal(spoofed, relayed);
    }
}
