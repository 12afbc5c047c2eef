using Workbench.Cli.Commands;
using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

public class NotebookCommandTests
{
    private static Task<int> Invoke(params string[] args) => NotebookCommand.Create().Parse(args).InvokeAsync();

    [Fact]
    public async Task Run_SucceedingNotebook_WritesOutputAndReturnsZero()
    {
        using var folder = new TempFolder();
        var input = new NotebookBuilder().Parameters("int n = 1;").Code("$\"{n * 10}\"").Save(folder.File("a.ipynb"));

        var exitCode = await Invoke("run", input, "--output", folder.File("out.ipynb"), "--param", "n=4");

        Assert.Equal(0, exitCode);
        var executed = NotebookFile.Read(folder.File("out.ipynb"));
        Assert.Equal("40", executed.Cells[2].Outputs[0].Data("text/plain"));
        Assert.Empty(NotebookFile.Read(input).Cells[0].Outputs);
        NbformatValidator.AssertValid(folder.File("out.ipynb"));
    }

    [Fact]
    public async Task Run_FailingCell_WritesNotebookAndReturnsTwo()
    {
        using var folder = new TempFolder();
        var input = new NotebookBuilder().Code("throw new Exception(\"x\");").Save(folder.File("a.ipynb"));

        var exitCode = await Invoke("run", input);

        Assert.Equal(2, exitCode);
        Assert.Equal("error", NotebookFile.Read(folder.File("a.executed.ipynb")).Cells[0].Outputs[0].OutputType());
    }

    [Fact]
    public async Task Run_BadInput_ReturnsOneAndWritesNothing()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("bad.ipynb"), "{ \"nbformat\": 4 }");
        var fsharp = new NotebookBuilder().Code("#!fsharp\n1").Save(folder.File("fs.ipynb"));

        Assert.Equal(1, await Invoke("run", folder.File("bad.ipynb"), "-o", folder.File("o1.ipynb")));
        Assert.Equal(1, await Invoke("run", fsharp, "-o", folder.File("o2.ipynb")));
        Assert.Equal(1, await Invoke("run", folder.File("missing.ipynb"), "-o", folder.File("o3.ipynb")));
        Assert.Equal(1, await Invoke("run", fsharp, "--param", "novalue"));
        Assert.Equal(["bad.ipynb", "fs.ipynb"], Directory.GetFiles(folder.Path).Select(p => Path.GetFileName(p)!).Order().ToArray());
    }

    [Fact]
    public void ResolveOutput_NeverTheSourceUnlessAskedFor()
    {
        Assert.Equal(Path.GetFullPath("/data/nb.executed.ipynb"), NotebookCommand.ResolveOutput("/data/nb.ipynb", null, inPlace: false));
        Assert.Equal(Path.GetFullPath("/data/nb.ipynb"), NotebookCommand.ResolveOutput("/data/nb.ipynb", null, inPlace: true));
        Assert.Equal(Path.GetFullPath("/data/nb.ipynb"), NotebookCommand.ResolveOutput("/data/nb.ipynb", "/data/nb.ipynb", inPlace: true));
        Assert.Throws<NotebookException>(() => NotebookCommand.ResolveOutput("/data/nb.ipynb", "/data/nb.ipynb", inPlace: false));
        Assert.Throws<NotebookException>(() => NotebookCommand.ResolveOutput("/data/nb.ipynb", "/data/other.ipynb", inPlace: true));
    }

    [Fact]
    public async Task Run_OutputEqualToInput_ReturnsOneAndLeavesSourceUntouched()
    {
        using var folder = new TempFolder();
        var input = new NotebookBuilder().Code("var x = 1;").Save(folder.File("a.ipynb"));
        var before = File.ReadAllText(input);

        Assert.Equal(1, await Invoke("run", input, "-o", input));
        Assert.Equal(before, File.ReadAllText(input));
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1.5h", 5400)]
    public void ParseTimeout_SecondsMinutesHours(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), NotebookCommand.ParseTimeout(text));

    [Theory]
    [InlineData("0")]
    [InlineData("-5m")]
    [InlineData("soon")]
    [InlineData("10d")]
    public void ParseTimeout_NotAPositiveDuration_ThrowsWithExamples(string text) =>
        Assert.Contains("90s, 10m", Assert.Throws<NotebookException>(() => NotebookCommand.ParseTimeout(text)).Message);
}
