using System.Text.Json.Nodes;
using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

public class NotebookFileTests
{
    private const string PolyglotNotebook = """
        {
         "cells": [
          {"cell_type": "markdown", "metadata": {"custom": {"keep": true}}, "source": "# Title\nline two", "attachments": {}},
          {"cell_type": "code", "execution_count": 3, "metadata": {"polyglot_notebook": {"kernelName": "csharp"}, "tags": ["parameters"]},
           "outputs": [{"output_type": "stream", "name": "stdout", "text": ["hi\n"]}],
           "source": ["int x = 1;\n", "x"]}
         ],
         "metadata": {
          "kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
          "language_info": {"name": "polyglot-notebook"},
          "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"aliases": [], "name": "csharp"}]}},
          "someone_elses": {"nested": [1, 2, {"deep": "value"}]}
         },
         "nbformat": 4,
         "nbformat_minor": 4
        }
        """;

    [Fact]
    public void Parse_SourceAsStringOrLines_JoinsLines()
    {
        var notebook = NotebookFile.Parse(PolyglotNotebook);

        Assert.Equal("# Title\nline two", notebook.Cells[0].Source);
        Assert.Equal("int x = 1;\nx", notebook.Cells[1].Source);
        Assert.Equal(3, notebook.Cells[1].ExecutionCount);
        Assert.Equal(["parameters"], notebook.Cells[1].Tags);
    }

    [Fact]
    public void WriteThenRead_UnknownMetadata_IsPreserved()
    {
        using var folder = new TempFolder();
        var path = folder.File("round.ipynb");
        NotebookFile.Write(NotebookFile.Parse(PolyglotNotebook), path);

        var again = NotebookFile.Read(path);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"nested": [1, 2, {"deep": "value"}]}"""), again.Metadata["someone_elses"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"keep": true}"""), again.Cells[0].Metadata["custom"]));
        Assert.True(again.Cells[0].Extra.ContainsKey("attachments"));
        Assert.Equal("hi\n", NotebookTestSupport.Text(again.Cells[1].Outputs[0]["text"]));
        Assert.Equal(again.Cells[1].Id, NotebookFile.Parse(NotebookFile.ToJson(again)).Cells[1].Id);
        NbformatValidator.AssertValid(path);
    }

    [Fact]
    public void ToJson_OldMinorVersion_UpgradesTo45WithCellIdsAndLineLists()
    {
        var json = JsonNode.Parse(NotebookFile.ToJson(NotebookFile.Parse(PolyglotNotebook)))!;

        Assert.Equal(5, json["nbformat_minor"]!.GetValue<int>());
        foreach (var cell in json["cells"]!.AsArray())
            Assert.Matches("^[a-zA-Z0-9_-]{1,64}$", cell!["id"]!.GetValue<string>());
        var source = json["cells"]![0]!["source"]!.AsArray().Select(l => l!.GetValue<string>()).ToArray();
        Assert.Equal(["# Title\n", "line two"], source);
    }

    [Fact]
    public void Write_ExistingFile_IsReplacedWithoutLeavingTemporaryFiles()
    {
        using var folder = new TempFolder();
        var path = folder.File("n.ipynb");
        File.WriteAllText(path, "old");

        new NotebookBuilder().Code("1").Save(path);

        Assert.Equal(NotebookCell.Code, NotebookFile.Read(path).Cells[0].CellType);
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("[1, 2]", "root is not an object")]
    [InlineData("""{"cells": []}""", "no integer 'nbformat'")]
    [InlineData("""{"nbformat": 3, "cells": []}""", "nbformat 3")]
    [InlineData("""{"nbformat": 4, "nbformat_minor": 5}""", "no 'cells' array")]
    [InlineData("""{"nbformat": 4, "cells": [{"cell_type": "widget", "source": ""}]}""", "unknown cell_type 'widget'")]
    [InlineData("""{"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}""", "neither a string nor a list")]
    public void Parse_Malformed_ThrowsNamingTheProblem(string json, string expected)
    {
        var error = Assert.Throws<NotebookException>(() => NotebookFile.Parse(json));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Read_MissingFile_ThrowsNamingThePath()
    {
        var error = Assert.Throws<NotebookException>(() => NotebookFile.Read("/nonexistent/folder/x.ipynb"));

        Assert.Contains("/nonexistent/folder/x.ipynb", error.Message);
    }

    [Fact]
    public void Builder_MarkdownAndCode_WritesValidPolyglotNotebook()
    {
        using var folder = new TempFolder();
        var path = new NotebookBuilder().Markdown("# Hello").Code("var x = 1;").Parameters("int epochs = 3;").Save(folder.File("b.ipynb"));

        var notebook = NotebookFile.Read(path);

        Assert.Equal(".net-csharp", notebook.Metadata["kernelspec"]!["name"]!.GetValue<string>());
        Assert.Equal("polyglot-notebook", notebook.Metadata["language_info"]!["name"]!.GetValue<string>());
        Assert.Equal("csharp", notebook.Metadata["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]!.GetValue<string>());
        Assert.Equal("csharp", notebook.Cells[1].Metadata["polyglot_notebook"]!["kernelName"]!.GetValue<string>());
        Assert.Equal(["parameters"], notebook.Cells[2].Tags);
        Assert.Equal([NotebookCell.Markdown, NotebookCell.Code, NotebookCell.Code], notebook.Cells.Select(c => c.CellType));
        NbformatValidator.AssertValid(path);
    }
}
