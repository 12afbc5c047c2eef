using System.Text;
using System.Text.RegularExpressions;

namespace Workbench.Notebooks;

/// <summary>
/// What the runner will do with one code cell, worked out before anything runs so that a bad
/// notebook fails fast: the cell's kernel (from a first-line <c>#!csharp</c>/<c>#!markdown</c>
/// magic, else its metadata, else the notebook default), <c>#!time</c>, and <c>#r</c>/<c>#load</c>
/// paths made absolute against the notebook's folder. Magic lines are blanked rather than removed
/// so that compiler line numbers stay those of the cell.
/// </summary>
internal sealed partial record CellPlan(bool Skip, string Code, bool Timed)
{
    private static readonly HashSet<string> CSharpNames = new(StringComparer.OrdinalIgnoreCase) { "csharp", "c#", "cs" };
    private static readonly HashSet<string> MarkdownNames = new(StringComparer.OrdinalIgnoreCase) { "markdown", "md" };
    private static readonly HashSet<string> OtherKernels = new(StringComparer.OrdinalIgnoreCase)
    {
        "fsharp", "f#", "fs", "pwsh", "powershell", "javascript", "js", "typescript", "ts", "html", "sql", "kql",
        "mermaid", "http", "value", "python", "r", "go", "java", "kusto", "sqlite",
    };

    [GeneratedRegex(@"^\s*#(r|load)\s+""([^""]*)""\s*$")]
    private static partial Regex ReferenceDirective();

    [GeneratedRegex(@"^\s*#i\s")]
    private static partial Regex SourceDirective();

    /// <summary>Plans a code cell; throws <see cref="NotebookException"/> naming the cell when it cannot run here.</summary>
    public static CellPlan For(NotebookCell cell, string label, string defaultKernel, string notebookDirectory)
    {
        var lines = cell.Source.Replace("\r\n", "\n").Split('\n');
        var kernel = PolyglotMetadata.CellKernel(cell.Metadata) ?? defaultKernel;
        var firstCodeLine = Array.FindIndex(lines, l => l.Trim().Length > 0);
        var timed = false;

        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed.StartsWith("#!", StringComparison.Ordinal))
            {
                var magic = trimmed[2..].Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
                if (CSharpNames.Contains(magic) || MarkdownNames.Contains(magic) || OtherKernels.Contains(magic))
                {
                    if (i == firstCodeLine) kernel = magic;
                    else if (!CSharpNames.Contains(magic) || !CSharpNames.Contains(kernel))
                        throw new NotebookException($"{label}: switches to the #!{magic} kernel in the middle of the cell; the headless runner runs one C# kernel per cell.");
                }
                else if (magic == "time") timed = true;
                else throw new NotebookException($"{label}: the magic command #!{magic} is not supported by the headless runner (supported: #!csharp, #!markdown, #!time).");
                lines[i] = "";
                continue;
            }
            if (SourceDirective().IsMatch(lines[i]))
                throw new NotebookException($"{label}: '#i' NuGet sources are not supported by the headless runner.");
            var reference = ReferenceDirective().Match(lines[i]);
            if (reference.Success) lines[i] = ResolveReference(reference, label, notebookDirectory);
        }

        if (MarkdownNames.Contains(kernel)) return new CellPlan(true, "", false);
        if (!CSharpNames.Contains(kernel))
            throw new NotebookException($"{label} is a '{kernel}' cell; the headless runner runs C# cells only (#!csharp).");
        return new CellPlan(false, string.Join('\n', lines), timed);
    }

    private static string ResolveReference(Match directive, string label, string notebookDirectory)
    {
        var kind = directive.Groups[1].Value;
        var target = directive.Groups[2].Value;
        if (target.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
            throw new NotebookException($"{label}: '#{kind} \"{target}\"' is a NuGet package reference, which the headless runner does not support; reference a built assembly by path instead.");
        var path = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(notebookDirectory, target));
        if (!File.Exists(path))
            throw new NotebookException($"{label}: '#{kind} \"{target}\"' refers to a missing file: {path}");
        return new StringBuilder("#").Append(kind).Append(" \"").Append(path).Append('"').ToString();
    }
}
