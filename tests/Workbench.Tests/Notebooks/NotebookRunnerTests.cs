using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

/// <summary>The runner on small notebooks, executed by the real .NET Interactive C# kernel in its host process.</summary>
public class NotebookRunnerTests
{
    [Fact]
    public async Task RunAsync_TrailingExpression_IsTheCellsExecuteResult()
    {
        using var folder = new TempFolder();
        var result = await NotebookTestSupport.RunAsync(new NotebookBuilder().Code("var x = 20;\nx + 22"), folder.Path);

        var output = Assert.Single(result.Outputs(0));
        Assert.Equal("execute_result", output.OutputType());
        Assert.Contains("<pre>42</pre>", output.Data("text/html"));
        Assert.Equal(1, output["execution_count"]!.GetValue<int>());
        Assert.Equal(1, result.Notebook.Cells[0].ExecutionCount);
    }

    [Fact]
    public async Task RunAsync_StatementWithSemicolon_DisplaysNothing()
    {
        using var folder = new TempFolder();
        var result = await NotebookTestSupport.RunAsync(new NotebookBuilder().Code("var x = 1;\nMath.Max(x, 2);"), folder.Path);

        Assert.True(result.Succeeded, result.Failure);
        Assert.Empty(result.Outputs(0));
    }

    [Fact]
    public async Task RunAsync_ConsoleAndDisplays_KeepTheOrderTheyHappenedIn()
    {
        using var folder = new TempFolder();
        var builder = new NotebookBuilder()
            .Code("Console.WriteLine(\"one\");\nConsole.Write(\"two\");\ndisplay(\"shown\");\nConsole.Error.WriteLine(\"bad\");\nConsole.WriteLine(\"three\");")
            .Markdown("Some prose.")
            .Code("record Point(int X, int Y);\nvar p = new Point(2, 3);")
            .Code("$\"{p.X * p.Y}\"");
        var result = await NotebookTestSupport.RunAsync(builder, folder.Path);

        Assert.True(result.Succeeded, result.Failure);
        var outputs = result.Outputs(0);
        Assert.Equal(["stream", "display_data", "stream", "stream"], outputs.Select(o => o.OutputType()));
        Assert.Equal("stdout", outputs[0]["name"]!.GetValue<string>());
        Assert.Equal("one\ntwo", NotebookTestSupport.Text(outputs[0]["text"]).ReplaceLineEndings("\n"));
        Assert.Equal("shown", outputs[1].Data("text/plain"));
        Assert.Equal("stderr", outputs[2]["name"]!.GetValue<string>());
        Assert.Equal("three", NotebookTestSupport.Text(outputs[3]["text"]).Trim());
        Assert.Equal("6", Assert.Single(result.Outputs(3)).Data("text/plain"));
        Assert.Equal([1, 2, 3], new[] { 0, 2, 3 }.Select(i => result.Notebook.Cells[i].ExecutionCount ?? 0));
    }

    [Fact]
    public async Task RunAsync_TrailingDisplayCall_ShowsTheValueOnce()
    {
        using var folder = new TempFolder();
        var result = await NotebookTestSupport.RunAsync(new NotebookBuilder().Code("display(\"only once\")"), folder.Path);

        var output = Assert.Single(result.Outputs(0));
        Assert.Equal("display_data", output.OutputType());
        Assert.Equal("only once", output.Data("text/plain"));
    }

    [Fact]
    public async Task RunAsync_DisplayThenUpdate_OutputHoldsFinalValue()
    {
        using var folder = new TempFolder();
        var builder = new NotebookBuilder()
            .Code("var progress = display(\"epoch 1\");\nprogress.Update(\"epoch 2\");")
            .Code("progress.Update(\"done\");\ndisplay(\"after\");");
        var result = await NotebookTestSupport.RunAsync(builder, folder.Path);

        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal("done", Assert.Single(result.Outputs(0)).Data("text/plain"));
        Assert.Equal("after", Assert.Single(result.Outputs(1)).Data("text/plain"));
    }

    [Fact]
    public async Task RunAsync_RuntimeErrorInCellTwo_RecordsErrorOnceAndSkipsCellThree()
    {
        using var folder = new TempFolder();
        var builder = new NotebookBuilder()
            .Code("var zero = 0;")
            .Code("Console.WriteLine(\"before\");\nthrow new InvalidOperationException(\"boom\");")
            .Code("Console.WriteLine(\"never\");");
        var result = await NotebookTestSupport.RunAsync(builder, folder.Path);

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(2, result.FailedCellNumber);
        Assert.Equal("cell 2: InvalidOperationException: boom", result.Failure);
        var outputs = result.Outputs(1);
        Assert.Equal(["stream", "error"], outputs.Select(o => o.OutputType()));
        Assert.Equal("InvalidOperationException", outputs[1]["ename"]!.GetValue<string>());
        Assert.Equal("boom", outputs[1]["evalue"]!.GetValue<string>());
        Assert.Contains("System.InvalidOperationException: boom", outputs[1]["traceback"]![0]!.GetValue<string>());
        Assert.Single(result.Notebook.Cells.SelectMany(c => c.Outputs), o => o.OutputType() == "error");
        Assert.Empty(result.Outputs(2));
        Assert.Null(result.Notebook.Cells[2].ExecutionCount);
    }

    [Fact]
    public async Task RunAsync_CompileError_ReportsCellRelativeLine()
    {
        using var folder = new TempFolder();
        var builder = new NotebookBuilder()
            .Code("var a = 1;")
            .Code("#!time\nvar b = 2;\nvar c = undefinedName;");
        var result = await NotebookTestSupport.RunAsync(builder, folder.Path);

        var error = Assert.Single(result.Outputs(1));
        Assert.Equal("CompilationError", error["ename"]!.GetValue<string>());
        Assert.StartsWith("(3,9): error CS0103: The name 'undefinedName' does not exist", error["evalue"]!.GetValue<string>());
        Assert.Equal(2, result.FailedCellNumber);
    }

    [Fact]
    public async Task RunAsync_TimeMagic_AppendsWallTime()
    {
        using var folder = new TempFolder();
        var result = await NotebookTestSupport.RunAsync(new NotebookBuilder().Code("#!time\nawait Task.Delay(60);\n\"7\""), folder.Path);

        var outputs = result.Outputs(0);
        Assert.Equal(2, outputs.Count);
        Assert.Equal("7", outputs[0].Data("text/plain"));
        var wallTime = outputs[1].Data("text/plain");
        Assert.Matches(@"^Wall time: \d+(\.\d+)?ms$", wallTime);
        Assert.True(double.Parse(wallTime[11..^2], System.Globalization.CultureInfo.InvariantCulture) >= 50);
    }

    [Fact]
    public async Task RunAsync_MarkdownMagicCell_IsSkipped()
    {
        using var folder = new TempFolder();
        var builder = new NotebookBuilder().Code("#!markdown\n# Not C#: `this would not compile`").Code("\"1\"");
        var result = await NotebookTestSupport.RunAsync(builder, folder.Path);

        Assert.True(result.Succeeded, result.Failure);
        Assert.Empty(result.Outputs(0));
        Assert.Null(result.Notebook.Cells[0].ExecutionCount);
        Assert.Equal(1, result.Notebook.Cells[1].ExecutionCount);
    }

    [Theory]
    [InlineData("#!fsharp\nlet x = 1", "'fsharp' cell")]
    [InlineData("#!pwsh\nGet-Date", "'pwsh' cell")]
    public async Task RunAsync_CellOfAnotherLanguage_ThrowsNamingCellBeforeRunningAnythingOrWriting(string code, string expected)
    {
        using var folder = new TempFolder();
        var builder = new NotebookBuilder().Code("File.WriteAllText(\"ran.txt\", \"x\");").Code(code);

        var error = await Assert.ThrowsAsync<NotebookException>(() => NotebookTestSupport.RunAsync(builder, folder.Path));

        Assert.Contains("cell 2", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.False(File.Exists(folder.File("ran.txt")));
        Assert.False(File.Exists(folder.File("out.ipynb")));
    }

    [Fact]
    public async Task RunAsync_RelativeReference_ResolvesFromTheNotebookFolderAndUsesConventionFormatter()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("lib"));
        BadgeLibrary.Compile(folder.File(Path.Combine("lib", "Badges.dll")));
        var builder = new NotebookBuilder().Code("#r \"lib/Badges.dll\"\nnew Badges.Badge(\"new\")");

        var result = await NotebookTestSupport.RunAsync(builder, folder.Path);

        Assert.True(result.Succeeded, result.Failure);
        var output = Assert.Single(result.Outputs(0));
        Assert.Equal("<b class=\"badge\">new</b>", output.Data("text/html"));
    }

    [Fact]
    public async Task RunAsync_NugetReference_RestoresThePackageAndUsesIt()
    {
        using var folder = new TempFolder();
        var builder = new NotebookBuilder()
            .Code("#r \"nuget: Humanizer.Core, 2.14.1\"")
            .Code("using Humanizer;\n\"NotebookCellOutput\".Humanize()");

        var result = await NotebookTestSupport.RunAsync(builder, folder.Path);

        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal("Notebook cell output", result.Outputs(1).Last().Data("text/plain"));
    }

    [Fact]
    public async Task RunAsync_MissingReference_FailsTheCellNamingThePath()
    {
        using var folder = new TempFolder();
        var builder = new NotebookBuilder().Markdown("x").Code("#r \"lib/Missing.dll\"\n1");

        var result = await NotebookTestSupport.RunAsync(builder, folder.Path);

        Assert.Equal(2, result.FailedCellNumber);
        Assert.Contains("lib/Missing.dll", Assert.Single(result.Outputs(1))["evalue"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunFileAsync_ExecutedNotebook_ValidatesWithNbformatAndKeepsCellIds()
    {
        using var folder = new TempFolder();
        var input = new NotebookBuilder()
            .Markdown("# Run")
            .Code("#!time\nConsole.WriteLine(\"x\");\ndisplay(new[] { 1, 2 });\n\"<b>\"")
            .Code("throw new Exception(\"stop\");")
            .Save(folder.File("in.ipynb"));

        var result = await new NotebookRunner().RunFileAsync(input, folder.File("out.ipynb"));

        Assert.Equal(2, result.ExitCode);
        var written = NotebookFile.Read(folder.File("out.ipynb"));
        Assert.Equal(NotebookFile.Read(input).Cells.Select(c => c.Id), written.Cells.Select(c => c.Id));
        Assert.Equal("error", written.Cells[2].Outputs[0].OutputType());
        Assert.Empty(NotebookFile.Read(input).Cells[1].Outputs);
        NbformatValidator.AssertValid(folder.File("out.ipynb"));
    }
}
