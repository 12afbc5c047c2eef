using System.Text.RegularExpressions;
using Workbench.Tests.Support;

namespace Workbench.Tests.Packaging;

/// <summary>
/// What the README and docs/package.md say about the package holds: the README's section fits in ten lines and gives
/// the pack command and the two notebook lines in the form the package takes; the feed is git-ignored; the CI command
/// packs before it tests.
/// </summary>
public sealed partial class PackageDocsTests
{
    private static readonly string Root = Repository.Root();

    [Fact]
    public void Readme_UseItFromYourOwnNotebook_GivesThePackCommandAndTheTwoLinesInTenLines()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "README.md"));
        int start = Array.IndexOf(lines, "## Use it from your own notebook");
        Assert.True(start >= 0, "README.md has no section 'Use it from your own notebook'");
        int end = Array.FindIndex(lines, start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        var section = lines[start..end];
        Assert.True(section.Length <= 10, $"the section has {section.Length} lines");

        var text = string.Join("\n", section);
        Assert.Contains("`dotnet pack src/Workbench -c Release`", text);
        Assert.Contains("`src/feed/`", text);
        Assert.Matches("\n#i \"nuget: [^\"]*/src/feed\"\n", text);
        var version = Assert.Single(NuGetReference().Matches(text)).Groups[1].Value;
        Assert.Matches(@"^0\.1\.0-g[0-9a-f]{7}$", version);
        Assert.StartsWith(VersionPrefix() + "-g", version);
        Assert.Contains("](docs/package.md)", text);
    }

    [Fact]
    public void PackageDoc_StatesTheVersionPrefixAndTheFeedOfTheBuild()
    {
        var page = DocsPage.Text("package.md");
        Assert.Contains("dotnet pack src/Workbench -c Release", page);
        Assert.Contains($"`{VersionPrefix()}-g<commit>`", page);
        Assert.Contains($"`{VersionPrefix()}-g<commit>.dirty-<hash>`", page);
        Assert.Contains($"`{VersionPrefix()}-nogit-<hash>`", page);
        Assert.Equal(Path.Combine(Root, "src", "feed"), PackageFeed.Folder);
    }

    [Fact]
    public void Feed_IsIgnoredByGit_AndTheCiCommandPacksBeforeItTests()
    {
        var (exitCode, output) = PackageFeed.Run("git", Root, "check-ignore", "-q", "src/feed/Workbench.0.1.0-g0000000.nupkg");
        Assert.True(exitCode == 0, "src/feed/ is not ignored by git: " + output);
        var run = File.ReadAllText(Path.Combine(Root, "tests", "run.sh"));
        int pack = run.IndexOf("\ndotnet pack src/Workbench -c Release", StringComparison.Ordinal);
        Assert.True(pack >= 0 && pack < run.IndexOf("\ndotnet test ", StringComparison.Ordinal), "tests/run.sh packs before it tests");
    }

    /// <summary>The VersionPrefix of the package's MSBuild file.</summary>
    private static string VersionPrefix() =>
        VersionPrefixPattern().Match(File.ReadAllText(Path.Combine(Root, "src", "Workbench", "Package", "Workbench.Package.targets"))).Groups[1].Value;

    [GeneratedRegex(@"#r ""nuget: Workbench, ([^""]+)""")]
    private static partial Regex NuGetReference();

    [GeneratedRegex("<VersionPrefix>([^<]+)</VersionPrefix>")]
    private static partial Regex VersionPrefixPattern();
}
