using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbench.Notebooks;

/// <summary>
/// nbformat 4 JSON ⇄ <see cref="Notebook"/>. Reads sources given as a string or a list of lines;
/// writes them as lists of lines, keys sorted and one-space indentation, as Jupyter does.
/// Upgrades 4.0–4.4 notebooks to 4.5 by giving every cell an id.
/// </summary>
internal static partial class NotebookJson
{
    private static readonly HashSet<string> KnownNotebookKeys = ["cells", "metadata", "nbformat", "nbformat_minor"];
    private static readonly HashSet<string> KnownCellKeys = ["cell_type", "id", "source", "metadata", "execution_count", "outputs"];

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex CellIdPattern();

    /// <summary>Parses notebook JSON; <paramref name="origin"/> names the file in error messages.</summary>
    public static Notebook Parse(string json, string origin)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new NotebookException($"{origin} is not valid JSON: {e.Message}", e);
        }
        if (root is not JsonObject obj)
            throw new NotebookException($"{origin} is not a notebook: the JSON root is not an object.");
        if (obj["nbformat"] is not JsonValue major || !major.TryGetValue<int>(out var formatMajor))
            throw new NotebookException($"{origin} is not a notebook: it has no integer 'nbformat' field.");
        if (formatMajor != 4)
            throw new NotebookException($"{origin} uses nbformat {formatMajor}; only nbformat 4 is supported.");
        if (obj["cells"] is not JsonArray cells)
            throw new NotebookException($"{origin} is not a notebook: it has no 'cells' array.");

        var notebook = new Notebook
        {
            FormatMajor = 4,
            FormatMinor = obj["nbformat_minor"] is JsonValue minor && minor.TryGetValue<int>(out var m) ? m : 0,
            Metadata = obj["metadata"] is JsonObject meta ? (JsonObject)meta.DeepClone() : new JsonObject(),
        };
        foreach (var (key, value) in obj)
            if (!KnownNotebookKeys.Contains(key)) notebook.Extra[key] = value?.DeepClone();

        var seenIds = new HashSet<string>();
        for (var i = 0; i < cells.Count; i++)
            notebook.Cells.Add(ParseCell(cells[i], i, origin, seenIds));
        notebook.FormatMinor = Math.Max(notebook.FormatMinor, 5);
        return notebook;
    }

    private static NotebookCell ParseCell(JsonNode? node, int index, string origin, HashSet<string> seenIds)
    {
        var where = $"{origin}, cell {index + 1}";
        if (node is not JsonObject cell) throw new NotebookException($"{where}: a cell is not a JSON object.");
        var type = cell["cell_type"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : null;
        if (type is not (NotebookCell.Code or NotebookCell.Markdown or NotebookCell.Raw))
            throw new NotebookException($"{where}: unknown cell_type '{type ?? "(missing)"}' (expected code, markdown or raw).");

        var id = cell["id"] is JsonValue idValue && idValue.TryGetValue<string>(out var given) && CellIdPattern().IsMatch(given) && !seenIds.Contains(given)
            ? given
            : NotebookCell.NewId();
        seenIds.Add(id);

        var result = new NotebookCell(type, ReadMultiline(cell["source"], $"{where}: 'source'"), id)
        {
            Metadata = cell["metadata"] is JsonObject meta ? (JsonObject)meta.DeepClone() : new JsonObject(),
        };
        if (type == NotebookCell.Code)
        {
            result.ExecutionCount = cell["execution_count"] is JsonValue c && c.TryGetValue<int>(out var count) ? count : null;
            if (cell["outputs"] is JsonArray outputs)
                foreach (var output in outputs)
                    if (output is JsonObject o) result.Outputs.Add((JsonObject)o.DeepClone());
        }
        foreach (var (key, value) in cell)
            if (!KnownCellKeys.Contains(key)) result.Extra[key] = value?.DeepClone();
        return result;
    }

    /// <summary>nbformat "multiline string": a string or a list of strings to concatenate.</summary>
    private static string ReadMultiline(JsonNode? node, string what)
    {
        switch (node)
        {
            case null: return "";
            case JsonValue v when v.TryGetValue<string>(out var text): return text;
            case JsonArray lines:
                var sb = new StringBuilder();
                foreach (var line in lines)
                {
                    if (line is not JsonValue lv || !lv.TryGetValue<string>(out var part))
                        throw new NotebookException($"{what} is a list with a non-string entry.");
                    sb.Append(part);
                }
                return sb.ToString();
            default: throw new NotebookException($"{what} is neither a string nor a list of strings.");
        }
    }

    /// <summary>Splits text into Jupyter's list-of-lines form: every line but the last keeps its '\n'.</summary>
    public static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            lines.Add(text[start..(i + 1)]);
            start = i + 1;
        }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }

    public static string Serialize(Notebook notebook)
    {
        var root = new JsonObject();
        var cells = new JsonArray();
        foreach (var cell in notebook.Cells) cells.Add(SerializeCell(cell));
        root["cells"] = cells;
        root["metadata"] = notebook.Metadata.DeepClone();
        foreach (var (key, value) in notebook.Extra) root[key] = value?.DeepClone();
        root["nbformat"] = notebook.FormatMajor;
        root["nbformat_minor"] = Math.Max(notebook.FormatMinor, 5);

        var options = new JsonWriterOptions
        {
            Indented = true,
            IndentSize = 1,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, options)) Sorted(root)!.WriteTo(writer);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static JsonObject SerializeCell(NotebookCell cell)
    {
        var obj = new JsonObject { ["cell_type"] = cell.CellType, ["id"] = cell.Id, ["metadata"] = cell.Metadata.DeepClone() };
        if (cell.IsCode)
        {
            obj["execution_count"] = cell.ExecutionCount;
            var outputs = new JsonArray();
            foreach (var output in cell.Outputs) outputs.Add(output.DeepClone());
            obj["outputs"] = outputs;
        }
        obj["source"] = Lines(cell.Source);
        foreach (var (key, value) in cell.Extra) obj[key] = value?.DeepClone();
        return obj;
    }

    /// <summary>A copy with every object's keys in ordinal order (Jupyter's sort_keys=True).</summary>
    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
                                        .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(item => Sorted(item)).ToArray()),
        _ => node?.DeepClone(),
    };
}
