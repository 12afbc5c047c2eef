using Workbench.Notebooks;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Notebooks;

/// <summary>A disk that fills while a notebook runs: one message naming the file, a non-zero exit, and no half-written notebook.</summary>
public class NotebookDiskFullTests
{
    // Fills the notebook's folder until the disk refuses; with a delay, a process started here frees the space again that much later.
    private static string FillTheDisk(string? freeAfterSeconds) => $$"""
        using System.Diagnostics;
        using System.IO;
        var filler = Path.Combine(Directory.GetCurrentDirectory(), "filler.bin");
        try
        {
            using var stream = File.Create(filler);
            var block = new byte[4096];
            while (true) stream.Write(block);
        }
        catch (IOException) { }
        {{(freeAfterSeconds is null ? "" : $"Process.Start(new ProcessStartInfo(\"/bin/sh\", new[] {{ \"-c\", \"sleep {freeAfterSeconds}; rm filler.bin\" }}) {{ UseShellExecute = false }});")}}
        Console.WriteLine("disk full");
        """;

    [TmpfsFact]
    public void Run_DiskStaysFullAfterACell_ExitsOneNamingTheNotebookThatCouldNotBeWritten() => AssertDiskFullReported(freeAfterSeconds: null);

    [TmpfsFact]
    public void Run_DiskFullOnlyWhileTheHostSaves_ExitsOneNamingTheNotebookNotKernelDied() => AssertDiskFullReported(freeAfterSeconds: "1");

    private static void AssertDiskFullReported(string? freeAfterSeconds)
    {
        using var disk = new SmallTmpfs("1m");
        var input = new NotebookBuilder()
            .Code("Console.WriteLine(\"first\");")
            .Code(FillTheDisk(freeAfterSeconds))
            .Code("Console.WriteLine(\"never\");")
            .Save(Path.Combine(disk.Path, "in.ipynb"));
        var output = Path.Combine(disk.Path, "out.ipynb");

        var (exitCode, _, error) = CliRunner.Invoke("notebook", "run", input, "--output", output);

        Assert.Equal(1, exitCode);
        Assert.Contains($"error: could not write {output}: No space left on device", error);
        Assert.DoesNotContain("KernelDied", error);
        Assert.DoesNotContain(".tmp", error);
        Assert.DoesNotContain("   at ", error);
        // The executed notebook is the last one written in full: the first cell's output, nothing after it.
        var written = NotebookFile.Read(output);
        Assert.Equal("first\n", NotebookTestSupport.Text(written.Cells[0].Outputs[0]["text"]).ReplaceLineEndings("\n"));
        Assert.Null(written.Cells[1].ExecutionCount);
        Assert.Null(written.Cells[2].ExecutionCount);
        Assert.Empty(Directory.GetFiles(disk.Path, "*.tmp"));
    }

    [TmpfsFact]
    public void Write_ReadOnlyDisk_ThrowsNamingTheNotebookAndLeavesNothing()
    {
        using var disk = new SmallTmpfs("64k", readOnly: true);
        var output = Path.Combine(disk.Path, "out.ipynb");

        var error = Assert.Throws<IOException>(() => NotebookFile.Write(new NotebookBuilder().Code("1").Build(), output));

        Assert.Equal($"could not write {output}: Read-only file system", error.Message);
        Assert.Empty(Directory.GetFiles(disk.Path));
    }
}
