namespace Workbench.Tests.Support;

/// <summary>A Markdown page of the manual (<c>docs/*.md</c>) read by the tests that check what it states.</summary>
internal static class DocsPage
{
    /// <summary>The text of <c>docs/&lt;name&gt;</c> (e.g. <c>results.md</c>), with \n line ends.</summary>
    public static string Text(string name) =>
        File.ReadAllText(Path.Combine(Repository.Root(), "docs", name)).Replace("\r\n", "\n");

    /// <summary>
    /// The section of <c>docs/&lt;name&gt;</c> under the heading whose text is <paramref name="heading"/> (any level), from
    /// that heading up to the next heading of the same or a higher level, or the end of the page. Fails the test,
    /// naming the page, when there is no such heading.
    /// </summary>
    public static string Section(string name, string heading)
    {
        var lines = Text(name).Split('\n');
        int start = -1, level = 0;
        bool fenced = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            if (fenced) continue;
            int hashes = HeadingLevel(lines[i]);
            if (hashes == 0) continue;
            if (start < 0)
            {
                if (lines[i][(hashes + 1)..].Trim() == heading) (start, level) = (i, hashes);
            }
            else if (hashes <= level)
                return string.Join("\n", lines[start..i]);
        }
        Assert.True(start >= 0, $"docs/{name} has no section '{heading}'");
        return string.Join("\n", lines[start..]);
    }

    /// <summary>The level of an ATX heading line ("## Title" → 2), or 0 when the line is not one.</summary>
    public static int HeadingLevel(string line)
    {
        int hashes = 0;
        while (hashes < line.Length && line[hashes] == '#') hashes++;
        return hashes is >= 1 and <= 6 && hashes < line.Length && line[hashes] == ' ' ? hashes : 0;
    }
}
