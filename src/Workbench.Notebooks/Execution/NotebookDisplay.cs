namespace Workbench.Notebooks;

/// <summary><c>value.Display()</c> in a cell, as with .NET Interactive's extension method (imported with a static using).</summary>
public static class NotebookDisplay
{
    /// <summary>Shows the value below the running cell; see <see cref="NotebookGlobals.display"/>.</summary>
    public static DisplayedValue Display(this object? value, params string[] mimeTypes) =>
        CellOutputs.RequireCurrent().Display(value, mimeTypes);
}
