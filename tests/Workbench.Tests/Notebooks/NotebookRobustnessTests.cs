using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

/// <summary>What a cell cannot do to the runner: run forever, end the kernel process, or make a failed run look finished.</summary>
public class NotebookRobustnessTests
{
    [Fact]
    public async Task RunAsync_CellPastTheTimeout_IsStoppedWithAnErrorAndEarlierOutputsKept()
    {
        using var folder = new TempFolder();
        var builder = new NotebookBuilder()
            .Code("Console.WriteLine(\"finished cell\");")
            .Code("while (true) { }")
            .Code("Console.WriteLine(\"never\");");

        var result = await NotebookTestSupport.RunAsync(builder, folder.Path, cellTimeout: TimeSpan.FromSeconds(5));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(2, result.FailedCellNumber);
        var written = NotebookFile.Read(folder.File("out.ipynb"));
        Assert.Equal("finished cell\n", NotebookTestSupport.Text(written.Cells[0].Outputs[0]["text"]).ReplaceLineEndings("\n"));
        var error = Assert.Single(written.Cells[1].Outputs);
        Assert.Equal("CellTimeout", error["ename"]!.GetValue<string>());
        Assert.Contains("5 s", error["evalue"]!.GetValue<string>());
        Assert.Empty(written.Cells[2].Outputs);
        Assert.Null(written.Cells[2].ExecutionCount);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
        NbformatValidator.AssertValid(folder.File("out.ipynb"));
    }

    [Theory]
    [InlineData("Environment.Exit(0);")]
    [InlineData("int Down(int n) => Down(n + 1) + 1;\nDown(0)")]
    public async Task RunAsync_CellThatEndsTheKernelProcess_FailsTheRun(string code)
    {
        using var folder = new TempFolder();
        var builder = new NotebookBuilder().Code("var before = 1;").Code(code).Code("Console.WriteLine(\"never\");");

        var result = await NotebookTestSupport.RunAsync(builder, folder.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(2, result.FailedCellNumber);
        Assert.Contains("KernelDied", result.Failure);
        var written = NotebookFile.Read(folder.File("out.ipynb"));
        Assert.Equal(1, written.Cells[0].ExecutionCount);
        Assert.Equal("KernelDied", Assert.Single(written.Cells[1].Outputs)["ename"]!.GetValue<string>());
        Assert.Null(written.Cells[2].ExecutionCount);
        NbformatValidator.AssertValid(folder.File("out.ipynb"));
    }

    [Fact]
    public async Task RunFileAsync_Cancelled_StopsTheKernelAndRecordsTheInterruption()
    {
        using var folder = new TempFolder();
        var input = new NotebookBuilder().Code("var before = 1;").Code("while (true) { }").Save(folder.File("in.ipynb"));
        using var cancellation = new CancellationTokenSource();
        var runner = new NotebookRunner(progress: p => { if (p.CellNumber == 2 && p.State == CellState.Running) cancellation.CancelAfter(1000); });

        var result = await runner.RunFileAsync(input, folder.File("out.ipynb"), cancellation.Token);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(2, result.FailedCellNumber);
        Assert.Equal("Interrupted", Assert.Single(NotebookFile.Read(folder.File("out.ipynb")).Cells[1].Outputs)["ename"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunFileAsync_OutputIsTheSource_IsRefusedUnlessInPlace()
    {
        using var folder = new TempFolder();
        var input = new NotebookBuilder().Code("var x = 1;").Save(folder.File("n.ipynb"));
        var before = File.ReadAllText(input);

        await Assert.ThrowsAsync<NotebookException>(() => new NotebookRunner().RunFileAsync(input, input));
        Assert.Equal(before, File.ReadAllText(input));

        var result = await new NotebookRunner { InPlace = true }.RunFileAsync(input, input);
        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(1, NotebookFile.Read(input).Cells[0].ExecutionCount);
    }
}
