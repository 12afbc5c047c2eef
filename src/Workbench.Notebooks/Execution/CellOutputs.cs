using System.Text;
using System.Text.Json.Nodes;

namespace Workbench.Notebooks;

/// <summary>
/// Collects one cell's outputs in the order they happen: stdout/stderr text (consecutive writes
/// to the same stream merge into one stream output), displayed values and an error. The cell
/// being run is <see cref="Current"/> for its whole async flow, which is how Console writes,
/// <c>display()</c> and <c>.Display()</c> find it.
/// </summary>
internal sealed class CellOutputs
{
    private static readonly AsyncLocal<CellOutputs?> CurrentCell = new();

    private readonly object _gate = new();
    private readonly List<object> _items = new(); // StringBuilder-backed streams or finished JsonObjects
    private readonly List<string> _streamNames = new();

    public CellOutputs(string cellLabel) => CellLabel = cellLabel;

    /// <summary>"cell 3" — used in messages.</summary>
    public string CellLabel { get; }

    public static CellOutputs? Current
    {
        get => CurrentCell.Value;
        set => CurrentCell.Value = value;
    }

    /// <summary>The running cell, or a clear error when display is called outside a notebook run.</summary>
    public static CellOutputs RequireCurrent() =>
        Current ?? throw new InvalidOperationException("display() is only available while a notebook cell is running.");

    /// <summary>Appends text to the stdout or stderr stream output.</summary>
    public void WriteStream(string name, string text)
    {
        if (text.Length == 0) return;
        lock (_gate)
        {
            var last = _items.Count - 1;
            if (last >= 0 && _items[last] is StringBuilder open && _streamNames[last] == name)
            {
                open.Append(text);
                return;
            }
            _items.Add(new StringBuilder(text));
            _streamNames.Add(name);
        }
    }

    /// <summary>Adds a display_data output for the value and returns its handle.</summary>
    public DisplayedValue Display(object? value, IReadOnlyList<string> mimeTypes)
    {
        var output = DisplayData(ValueFormatter.Format(value, mimeTypes));
        Add(output);
        return new DisplayedValue(output, mimeTypes);
    }

    /// <summary>Adds an already built output (error, wall time).</summary>
    public void Add(JsonObject output)
    {
        lock (_gate)
        {
            _items.Add(output);
            _streamNames.Add("");
        }
    }

    /// <summary>The nbformat outputs so far. Display outputs are the live objects, so a later Update still reaches the notebook.</summary>
    public List<JsonObject> ToOutputs()
    {
        lock (_gate)
        {
            var outputs = new List<JsonObject>(_items.Count);
            for (var i = 0; i < _items.Count; i++)
                outputs.Add(_items[i] is StringBuilder text ? Stream(_streamNames[i], text.ToString()) : (JsonObject)_items[i]);
            return outputs;
        }
    }

    /// <summary>{"output_type": "stream", "name": …, "text": [lines]}.</summary>
    public static JsonObject Stream(string name, string text) => new()
    {
        ["name"] = name,
        ["output_type"] = "stream",
        ["text"] = NotebookJson.Lines(text),
    };

    /// <summary>{"output_type": "display_data", "data": {mime: [lines]}, "metadata": {}}.</summary>
    public static JsonObject DisplayData(IReadOnlyDictionary<string, string> bundle)
    {
        var output = new JsonObject { ["data"] = new JsonObject(), ["metadata"] = new JsonObject(), ["output_type"] = "display_data" };
        SetData(output, bundle);
        return output;
    }

    /// <summary>Replaces the MIME bundle of a display_data output in place.</summary>
    public static void SetData(JsonObject output, IReadOnlyDictionary<string, string> bundle)
    {
        var data = new JsonObject();
        foreach (var (mimeType, text) in bundle) data[mimeType] = NotebookJson.Lines(text);
        output["data"] = data;
    }

    /// <summary>{"output_type": "error", "ename", "evalue", "traceback": [lines]}.</summary>
    public static JsonObject Error(string name, string value, IEnumerable<string> traceback)
    {
        var lines = new JsonArray();
        foreach (var line in traceback) lines.Add(line);
        return new JsonObject { ["ename"] = name, ["evalue"] = value, ["output_type"] = "error", ["traceback"] = lines };
    }
}
