using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Workbench.Tests.Support;

/// <summary>
/// The relative links of Markdown pages, checked the way GitHub resolves them: a link's path is taken from the page's
/// folder and must name a file or folder of the tree; a <c>#fragment</c> must be the anchor of a heading of the target
/// page (or of the page itself), anchors made as GitHub makes them.
/// </summary>
internal static partial class MarkdownLinks
{
    /// <summary>
    /// The broken relative links of the page at <paramref name="page"/> (a path relative to <paramref name="root"/>,
    /// with '/'), each as "page:line: target (why)"; <paramref name="exists"/> says whether a relative path names a
    /// file or folder of the tree.
    /// </summary>
    public static List<string> Broken(string root, string page, Func<string, bool> exists)
    {
        var broken = new List<string>();
        var lines = File.ReadAllText(Path.Combine(root, page)).Replace("\r\n", "\n").Split('\n');
        string folder = page.Contains('/') ? page[..page.LastIndexOf('/')] : "";
        for (int i = 0; i < lines.Length; i++)
        {
            foreach (var target in Targets(lines, i))
            {
                if (IsExternal(target)) continue;
                string path = target, fragment = "";
                int hash = target.IndexOf('#');
                if (hash >= 0) (path, fragment) = (target[..hash], Uri.UnescapeDataString(target[(hash + 1)..]));
                path = Uri.UnescapeDataString(path);
                string? resolved = path.Length == 0 ? page : Normalise(path.StartsWith('/') ? path[1..] : Combine(folder, path));
                string where = $"{page}:{i + 1}: {target}";
                if (resolved is null || !exists(resolved)) { broken.Add($"{where} (no such file)"); continue; }
                if (fragment.Length > 0 && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
                    && !Anchors(File.ReadAllText(Path.Combine(root, resolved))).Contains(fragment))
                    broken.Add($"{where} (no heading with anchor #{fragment} in {resolved})");
            }
        }
        return broken;
    }

    /// <summary>The link targets on line <paramref name="index"/>: inline links and images, reference definitions, HTML src/href; none inside code.</summary>
    private static IEnumerable<string> Targets(string[] lines, int index)
    {
        if (InFence(lines, index)) yield break;
        string line = InlineCode().Replace(lines[index], "");
        foreach (Match m in InlineLink().Matches(line)) yield return m.Groups["target"].Value;
        var definition = ReferenceDefinition().Match(line);
        if (definition.Success) yield return definition.Groups["target"].Value;
        foreach (Match m in HtmlLink().Matches(line)) yield return m.Groups["target"].Value;
    }

    /// <summary>True when line <paramref name="index"/> lies inside a fenced code block (or is one of its fences).</summary>
    private static bool InFence(string[] lines, int index)
    {
        bool inside = false;
        for (int i = 0; i <= index; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal) || lines[i].TrimStart().StartsWith("~~~", StringComparison.Ordinal))
            {
                if (i == index) return true;
                inside = !inside;
            }
        }
        return inside;
    }

    private static bool IsExternal(string target) =>
        target.Length == 0 || UriScheme().IsMatch(target) || target.StartsWith("//", StringComparison.Ordinal);

    private static string Combine(string folder, string path) => folder.Length == 0 ? path : folder + "/" + path;

    /// <summary>"a/b/../c/./d/" → "a/c/d"; null when the path climbs above the root.</summary>
    private static string? Normalise(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0) return null;
                parts.RemoveAt(parts.Count - 1);
            }
            else parts.Add(part);
        }
        return string.Join("/", parts);
    }

    /// <summary>
    /// The anchors GitHub gives the headings of a page: the heading's text without its Markdown (code marks,
    /// emphasis, link targets), lower-cased, every character that is not a letter, mark, digit, connector,
    /// space or hyphen removed, spaces turned into hyphens; a repeated anchor gets "-1", "-2", ….
    /// </summary>
    public static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (InFence(lines, i)) continue;
            int level = DocsPage.HeadingLevel(lines[i]);
            if (level == 0) continue;
            string slug = Slug(lines[i][(level + 1)..].Trim().TrimEnd('#').Trim());
            if (seen.TryGetValue(slug, out int count))
            {
                seen[slug] = count + 1;
                anchors.Add($"{slug}-{count}");
            }
            else
            {
                seen[slug] = 1;
                anchors.Add(slug);
            }
        }
        return anchors;
    }

    /// <summary>GitHub's anchor of a heading's text ("The `workbench` command" → "the-workbench-command").</summary>
    public static string Slug(string heading)
    {
        string text = LinkInHeading().Replace(heading, "${text}").Replace("`", "").Replace("*", "");
        var slug = new StringBuilder();
        foreach (char c in text.ToLowerInvariant())
        {
            var category = char.GetUnicodeCategory(c);
            if (c == ' ') slug.Append('-');
            else if (c == '-' || c == '_' || char.IsLetterOrDigit(c) || category is UnicodeCategory.NonSpacingMark
                     or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.LetterNumber
                     or UnicodeCategory.OtherNumber or UnicodeCategory.ConnectorPunctuation)
                slug.Append(c);
        }
        return slug.ToString();
    }

    // [text](target "title") and ![alt](target); the target may be in <angle brackets>.
    [GeneratedRegex(@"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(?:<(?<target>[^>]*)>|(?<target>[^)\s]*))(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*<?(?<target>[^\s>]+)>?")]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"<(?:img|a)\b[^>]*\b(?:src|href)\s*=\s*""(?<target>[^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlLink();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex UriScheme();

    [GeneratedRegex(@"\[(?<text>[^\]]*)\]\([^)]*\)")]
    private static partial Regex LinkInHeading();
}
