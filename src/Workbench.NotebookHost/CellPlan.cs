using Workbench.Notebooks;

namespace Workbench.NotebookHost;

/// <summary>
/// What the host does with one code cell, decided before anything runs so that a notebook the
/// host cannot run fails fast and writes nothing: C# cells run, <c>#!markdown</c> cells are
/// skipped, a cell of another language (by its first-line magic, else its metadata, else the
/// notebook default) is refused — this host loads the C# kernel only.
/// </summary>
internal sealed record CellPlan(bool Skip)
{
    private static readonly HashSet<string> CSharpNames = new(StringComparer.OrdinalIgnoreCase) { "csharp", "c#", "cs" };
    private static readonly HashSet<string> MarkdownNames = new(StringComparer.OrdinalIgnoreCase) { "markdown", "md" };

    /// <summary>Plans a code cell; throws <see cref="NotebookException"/> naming the cell when it cannot run here.</summary>
    public static CellPlan For(NotebookCell cell, string label, string defaultKernel)
    {
        var kernel = PolyglotMetadata.CellKernel(cell.Metadata) ?? defaultKernel;
        var firstLine = cell.Source.Replace("\r\n", "\n").Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        if (firstLine.StartsWith("#!", StringComparison.Ordinal))
        {
            var magic = firstLine[2..].Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            if (CSharpNames.Contains(magic) || MarkdownNames.Contains(magic)) kernel = magic;
            else if (!magic.Equals("time", StringComparison.OrdinalIgnoreCase) && !magic.StartsWith("r", StringComparison.Ordinal))
                kernel = magic;
        }
        if (MarkdownNames.Contains(kernel)) return new CellPlan(true);
        if (!CSharpNames.Contains(kernel))
            throw new NotebookException($"{label} is a '{kernel}' cell; the headless runner loads the C# kernel only (#!csharp).");
        return new CellPlan(false);
    }
}
