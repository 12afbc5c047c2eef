using System.Text.Json.Nodes;

namespace Workbench.Notebooks;

/// <summary>One cell: markdown, code or raw. Outputs are nbformat output dictionaries.</summary>
public sealed class NotebookCell
{
    public const string Code = "code";
    public const string Markdown = "markdown";
    public const string Raw = "raw";

    public NotebookCell(string cellType, string source, string? id = null)
    {
        CellType = cellType;
        Source = source;
        Id = id ?? NewId();
    }

    /// <summary>"code", "markdown" or "raw".</summary>
    public string CellType { get; set; }

    /// <summary>nbformat ≥ 4.5 cell id (1–64 chars of [a-zA-Z0-9-_]).</summary>
    public string Id { get; set; }

    /// <summary>The cell text, lines joined with '\n' (stored on disk as a list of lines).</summary>
    public string Source { get; set; }

    public JsonObject Metadata { get; set; } = new();

    /// <summary>Code cells only: the run counter, null when never run.</summary>
    public int? ExecutionCount { get; set; }

    /// <summary>Code cells only: stream, display_data, execute_result and error outputs.</summary>
    public List<JsonObject> Outputs { get; } = new();

    /// <summary>Cell keys the model does not know (e.g. attachments), kept verbatim.</summary>
    public JsonObject Extra { get; } = new();

    public bool IsCode => CellType == Code;

    /// <summary>The cell's tags (metadata.tags), empty when absent.</summary>
    public IReadOnlyList<string> Tags =>
        Metadata["tags"] is JsonArray tags
            ? tags.Select(t => t?.GetValueKind() == System.Text.Json.JsonValueKind.String ? t.GetValue<string>() : "").ToList()
            : [];

    /// <summary>Adds a tag to metadata.tags unless present.</summary>
    public void AddTag(string tag)
    {
        if (Tags.Contains(tag)) return;
        if (Metadata["tags"] is not JsonArray tags) Metadata["tags"] = tags = new JsonArray();
        tags.Add(tag);
    }

    internal static string NewId() => Guid.NewGuid().ToString("N")[..12];
}
