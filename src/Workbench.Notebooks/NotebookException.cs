namespace Workbench.Notebooks;

/// <summary>
/// A notebook that cannot be read or run as given: missing file, not JSON, not an nbformat 4
/// notebook, a cell for another kernel, a missing <c>#r</c> target, an unknown parameter.
/// The message names the file, cell or parameter at fault.
/// </summary>
public sealed class NotebookException : Exception
{
    public NotebookException(string message) : base(message) { }

    public NotebookException(string message, Exception inner) : base(message, inner) { }
}
