using System.Text.Json.Nodes;

namespace Workbench.Notebooks;

/// <summary>
/// Handle to a value shown with <c>display(x)</c>. <see cref="Update"/> replaces what the output
/// shows, as .NET Interactive's update_display_data does: the saved notebook holds the last value.
/// </summary>
public sealed class DisplayedValue
{
    private readonly JsonObject _output;
    private readonly IReadOnlyList<string> _mimeTypes;

    internal DisplayedValue(JsonObject output, IReadOnlyList<string> mimeTypes)
    {
        _output = output;
        _mimeTypes = mimeTypes;
    }

    /// <summary>Shows <paramref name="value"/> in place of the previously displayed value.</summary>
    public void Update(object? value)
    {
        var bundle = ValueFormatter.Format(value, _mimeTypes);
        lock (_output) CellOutputs.SetData(_output, bundle);
    }
}
