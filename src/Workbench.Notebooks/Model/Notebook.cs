using System.Text.Json.Nodes;

namespace Workbench.Notebooks;

/// <summary>
/// An nbformat 4 notebook (.ipynb). Metadata is kept as raw JSON so that whatever a front end
/// (VS Code, Jupyter) stored there survives a read/write round trip untouched. Kept rather than
/// Microsoft.DotNet.Interactive.Documents' model, whose round trip (1.0.0-beta.26120.1) turns raw
/// cells into code cells, drops markdown attachments and adds metadata to every code cell.
/// </summary>
public sealed class Notebook
{
    /// <summary>Major format version; only 4 is supported.</summary>
    public int FormatMajor { get; set; } = 4;

    /// <summary>Minor format version; 5 is the first with mandatory cell ids.</summary>
    public int FormatMinor { get; set; } = 5;

    /// <summary>Notebook-level metadata (kernelspec, language_info, polyglot_notebook, …).</summary>
    public JsonObject Metadata { get; set; } = new();

    public List<NotebookCell> Cells { get; } = new();

    /// <summary>Top-level keys other than cells/metadata/nbformat/nbformat_minor, kept verbatim.</summary>
    public JsonObject Extra { get; } = new();

    /// <summary>An empty C# Polyglot notebook with the metadata VS Code writes for one.</summary>
    public static Notebook CreateCSharp()
    {
        var notebook = new Notebook();
        PolyglotMetadata.ApplyNotebookDefaults(notebook.Metadata);
        return notebook;
    }

    /// <summary>A deep copy (cells, outputs and metadata), e.g. to execute without touching the source.</summary>
    public Notebook Clone() => NotebookJson.Parse(NotebookJson.Serialize(this), "(copy)");
}
