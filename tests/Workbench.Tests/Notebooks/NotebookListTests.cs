using System.Text.RegularExpressions;

namespace Workbench.Tests.Notebooks;

/// <summary>The README and docs/notebooks.md name every notebook in notebooks/, and the README counts them right.</summary>
public partial class NotebookListTests
{
    private static readonly string Root = Support.Repository.Root();

    private static string[] Notebooks() =>
        Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb")
            .Select(Path.GetFileNameWithoutExtension).Where(n => !n!.EndsWith(".executed", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void NotebooksPage_HasARowForEveryNotebook()
    {
        var page = File.ReadAllText(Path.Combine(Root, "docs", "notebooks.md"));
        var rows = NotebookRow().Matches(page).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Notebooks(), rows);
    }

    [Fact]
    public void Readme_CountsTheNotebooks()
    {
        string[] words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen"];
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var count = Assert.Single(CountedNotebooks().Matches(readme)).Groups[1].Value;
        Assert.Equal(words[Notebooks().Length], count);
    }

    [GeneratedRegex(@"^\| `(\d\d-[a-z0-9-]+)` \|", RegexOptions.Multiline)]
    private static partial Regex NotebookRow();

    [GeneratedRegex(@"the (\w+) notebooks")]
    private static partial Regex CountedNotebooks();
}
