namespace Workbench.Notebooks;

/// <summary>The globals object of the notebook's C# script: what a cell can call unqualified.</summary>
public class NotebookGlobals
{
    /// <summary>
    /// Shows a value below the cell (as display_data) and returns a handle whose Update
    /// replaces it. <paramref name="mimeTypes"/> restricts the formats written.
    /// </summary>
#pragma warning disable IDE1006 // lower-case name: the .NET Interactive kernel's spelling
    public DisplayedValue display(object? value, params string[] mimeTypes) =>
        CellOutputs.RequireCurrent().Display(value, mimeTypes);
#pragma warning restore IDE1006
}
