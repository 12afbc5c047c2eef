namespace Workbench.Notebooks;

/// <summary>
/// Builds a C# Polyglot notebook in code:
/// <c>new NotebookBuilder().Markdown("# Title").Code("1 + 1").Save("x.ipynb")</c>.
/// </summary>
public sealed class NotebookBuilder
{
    private readonly Notebook _notebook = Notebook.CreateCSharp();

    /// <summary>Appends a markdown cell.</summary>
    public NotebookBuilder Markdown(string text)
    {
        _notebook.Cells.Add(new NotebookCell(NotebookCell.Markdown, Normalize(text)));
        return this;
    }

    /// <summary>Appends a C# code cell, optionally tagged (e.g. "parameters").</summary>
    public NotebookBuilder Code(string code, params string[] tags)
    {
        var cell = new NotebookCell(NotebookCell.Code, Normalize(code));
        PolyglotMetadata.ApplyCodeCellDefaults(cell.Metadata);
        foreach (var tag in tags) cell.AddTag(tag);
        _notebook.Cells.Add(cell);
        return this;
    }

    /// <summary>Appends the papermill-style parameters cell (tagged "parameters").</summary>
    public NotebookBuilder Parameters(string code) => Code(code, NotebookRunner.ParametersTag);

    public Notebook Build() => _notebook.Clone();

    /// <summary>Writes the notebook (atomically) and returns the path.</summary>
    public string Save(string path)
    {
        NotebookFile.Write(_notebook, path);
        return path;
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");
}
