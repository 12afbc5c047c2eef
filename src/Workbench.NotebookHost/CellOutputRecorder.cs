using System.Text;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Workbench.Notebooks;

namespace Workbench.NotebookHost;

/// <summary>
/// Turns the kernel's events for one cell into nbformat outputs in the order they happened:
/// consecutive stdout (or stderr) writes merge into one stream output, displayed values become
/// display_data, the cell's value execute_result, a failure an error output. Display updates
/// rewrite the output they belong to, in whichever earlier cell it is.
/// </summary>
internal sealed class CellOutputRecorder
{
    // This kernel version publishes display() with one id and its updates with another (the
    // DisplayedValue's), so an update whose id was never displayed is matched to the latest
    // display that no update has claimed yet.
    private readonly Dictionary<string, JsonObject> _displays = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _unclaimed = [];
    private readonly List<(string Id, int Count)> _updatesInCell = [];
    private List<JsonObject> _outputs = [];
    private StringBuilder? _openStream;
    private string? _openStreamName;
    private int _executionCount;

    /// <summary>Starts recording into <paramref name="outputs"/> (the running cell's list).</summary>
    public void BeginCell(List<JsonObject> outputs, int executionCount)
    {
        _outputs = outputs;
        _executionCount = executionCount;
        _updatesInCell.Clear();
        CloseStream();
    }

    /// <summary>For each display updated during the current cell, how many updates it received (first updated first).</summary>
    public IReadOnlyList<int> DisplayUpdates => _updatesInCell.Select(u => u.Count).ToList();

    /// <summary>Ends the cell: flushes the open stream output.</summary>
    public void EndCell() => CloseStream();

    /// <summary>Records one kernel event; returns the failure text for <see cref="CommandFailed"/>, else null.</summary>
    public string? Record(KernelEvent kernelEvent)
    {
        switch (kernelEvent)
        {
            case StandardOutputValueProduced stdout: WriteStream("stdout", PlainText(stdout.FormattedValues)); break;
            case StandardErrorValueProduced stderr: WriteStream("stderr", PlainText(stderr.FormattedValues)); break;
            case DisplayedValueUpdated update: Update(update); break;
            case ReturnValueProduced result when IsDisplayHandle(result.Value):
                break; // a trailing display(...) returns its handle: the value is already shown
            case ReturnValueProduced result:
                Add(Bundle("execute_result", result.FormattedValues, _executionCount));
                break;
            case DisplayedValueProduced displayed:
                var output = Bundle("display_data", displayed.FormattedValues, null);
                Add(output);
                if (displayed.ValueId is { Length: > 0 } id) _displays[id] = output;
                _unclaimed.Add(output);
                break;
            case CommandFailed failed:
                var (name, value, traceback) = Describe(failed);
                Add(new JsonObject { ["ename"] = name, ["evalue"] = value, ["output_type"] = "error", ["traceback"] = new JsonArray(traceback.Select(l => (JsonNode)l).ToArray()) });
                return $"{name}: {value.ReplaceLineEndings(" ")}";
        }
        return null;
    }

    /// <summary>Appends an output built elsewhere (the #!time line, a timeout).</summary>
    public void Add(JsonObject output)
    {
        CloseStream();
        _outputs.Add(output);
    }

    private void WriteStream(string name, string text)
    {
        if (text.Length == 0) return;
        if (_openStream is null || _openStreamName != name)
        {
            CloseStream();
            _openStream = new StringBuilder();
            _openStreamName = name;
        }
        _openStream.Append(text);
    }

    private void CloseStream()
    {
        if (_openStream is null) return;
        _outputs.Add(new JsonObject { ["name"] = _openStreamName, ["output_type"] = "stream", ["text"] = NotebookJson.Lines(_openStream.ToString()) });
        _openStream = null;
        _openStreamName = null;
    }

    private void Update(DisplayedValueUpdated update)
    {
        var seen = _updatesInCell.FindIndex(u => u.Id == update.ValueId);
        if (seen < 0) _updatesInCell.Add((update.ValueId, 1));
        else _updatesInCell[seen] = (update.ValueId, _updatesInCell[seen].Count + 1);
        if (!_displays.TryGetValue(update.ValueId, out var output))
        {
            if (_unclaimed.Count == 0) return;
            output = _unclaimed[^1];
            _displays[update.ValueId] = output;
        }
        _unclaimed.Remove(output);
        output["data"] = Data(update.FormattedValues);
    }

    private static bool IsDisplayHandle(object? value) =>
        value?.GetType().FullName is "Microsoft.DotNet.Interactive.Formatting.DisplayedValue" or "Microsoft.DotNet.Interactive.DisplayedValue";

    private static JsonObject Bundle(string outputType, IReadOnlyCollection<FormattedValue> values, int? executionCount)
    {
        var output = new JsonObject { ["data"] = Data(values), ["metadata"] = new JsonObject(), ["output_type"] = outputType };
        if (outputType == "execute_result") output["execution_count"] = executionCount;
        return output;
    }

    private static JsonObject Data(IReadOnlyCollection<FormattedValue> values)
    {
        var data = new JsonObject();
        foreach (var value in values) data[value.MimeType] = NotebookJson.Lines(value.Value ?? "");
        return data;
    }

    private static string PlainText(IReadOnlyCollection<FormattedValue> values) =>
        values.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value ?? values.FirstOrDefault()?.Value ?? "";

    // Compile errors: "CompilationError", the diagnostics (cell-relative "(3,9): error CS0103: …").
    // Exceptions: the exception's type and message, its stack down to the scripting engine's frames.
    private static (string Name, string Value, IReadOnlyList<string> Traceback) Describe(CommandFailed failed)
    {
        if (failed.Exception is Microsoft.DotNet.Interactive.CodeSubmissionCompilationErrorException || failed.Exception is null && failed.Message.Contains(": error ", StringComparison.Ordinal))
        {
            var diagnostics = failed.Message.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
            return ("CompilationError", string.Join("\n", diagnostics), diagnostics);
        }
        var lines = failed.Message.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var engine = lines.FindIndex(l => l.Contains("Microsoft.CodeAnalysis.Scripting", StringComparison.Ordinal));
        if (engine > 0) lines.RemoveRange(engine, lines.Count - engine);
        while (lines.Count > 1 && lines[^1].StartsWith("--- End of stack trace", StringComparison.Ordinal)) lines.RemoveAt(lines.Count - 1);
        var first = lines.Count > 0 ? lines[0] : failed.Message;
        // "System.InvalidOperationException: boom" → ("InvalidOperationException", "boom")
        var colon = first.IndexOf(": ", StringComparison.Ordinal);
        var typeName = colon > 0 && !first[..colon].Contains(' ') ? first[..colon] : failed.Exception?.GetType().FullName ?? "Error";
        var message = colon > 0 && !first[..colon].Contains(' ') ? first[(colon + 2)..] : first;
        return (typeName[(typeName.LastIndexOf('.') + 1)..], message, lines);
    }
}
