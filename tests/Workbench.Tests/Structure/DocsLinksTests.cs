using System.Diagnostics;
using Workbench.Tests.Support;

namespace Workbench.Tests.Structure;

/// <summary>
/// The Markdown pages of the tree (README.md, docs/, notebooks/, experiments/, results/, …): every relative link
/// points at a file of the tree and every <c>#anchor</c> at a heading of its target; the README stays one screen
/// that leads to every page of docs/.
/// </summary>
public class DocsLinksTests
{
    private static readonly string Root = Repository.Root();

    /// <summary>The files a fresh clone has (tracked, or new and not ignored), as paths relative to the root with '/'.</summary>
    private static readonly Lazy<List<string>> TreeFiles = new(() =>
    {
        var startInfo = new ProcessStartInfo("git") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "ls-files", "-z", "--cached", "--others", "--exclude-standard" }) startInfo.ArgumentList.Add(argument);
        using var git = Process.Start(startInfo)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, "git ls-files failed: " + git.StandardError.ReadToEnd());
        // A tracked file deleted in the work tree is not part of the tree any more.
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Distinct()
            .Where(f => File.Exists(Path.Combine(Root, f))).ToList();
    });

    /// <summary>True when <paramref name="path"/> is a file of the tree or a folder holding one.</summary>
    private static bool InTree(string path)
    {
        var files = TreeFiles.Value;
        return path.Length == 0 || files.Contains(path) || files.Any(f => f.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal));
    }

    [Fact]
    public void MarkdownPages_EveryRelativeLink_PointsAtAFileAndHeadingOfTheTree()
    {
        var pages = TreeFiles.Value.Where(f => f.EndsWith(".md", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Contains("README.md", pages);
        Assert.Contains("docs/results.md", pages);
        Assert.Contains("notebooks/README.md", pages);
        var broken = pages.SelectMany(page => MarkdownLinks.Broken(Root, page, InTree)).ToList();
        Assert.True(broken.Count == 0, "broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void Broken_MissingFileOrHeading_IsReportedWithPageAndLine()
    {
        using var tree = new TempDirectory();
        Directory.CreateDirectory(tree.File("docs"));
        File.WriteAllText(tree.File("README.md"), """
            # Title

            [fine](docs/page.md#the-workbench-command) [also fine](docs/page.md#β-sweep) [self](#title) ![img](docs/)
            [gone](docs/missing.md) `[in code](nowhere.md)` [web](https://example.org/x.md)

            ```bash
            [in a fence](nowhere.md)
            ```
            [bad anchor](docs/page.md#no-such-heading)
            [duplicate](docs/page.md#setup-1) [third](docs/page.md#setup-2)
            """);
        File.WriteAllText(Path.Combine(tree.Path, "docs", "page.md"), "# The `workbench` command\n\n## β sweep\n\n## Setup\n\n## Setup\n\n[up](../README.md#title)\n");
        var files = new[] { "README.md", "docs/page.md" };
        bool exists(string path) => files.Contains(path) || files.Any(f => f.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal));

        var broken = MarkdownLinks.Broken(tree.Path, "README.md", exists);

        Assert.Equal(3, broken.Count);
        Assert.Contains("README.md:4: docs/missing.md (no such file)", broken);
        Assert.Contains("README.md:9: docs/page.md#no-such-heading (no heading with anchor #no-such-heading in docs/page.md)", broken);
        Assert.Contains(broken, b => b.StartsWith("README.md:10: docs/page.md#setup-2", StringComparison.Ordinal));
        Assert.Empty(MarkdownLinks.Broken(tree.Path, "docs/page.md", exists));
    }

    [Theory]
    [InlineData("The `workbench` command", "the-workbench-command")]
    [InlineData("Disentanglement on the sprites: β-VAE against β-TCVAE", "disentanglement-on-the-sprites-β-vae-against-β-tcvae")]
    [InlineData("IWAE training: a tighter bound and more active units", "iwae-training-a-tighter-bound-and-more-active-units")]
    [InlineData("Memory and the importance-weighted bound", "memory-and-the-importance-weighted-bound")]
    [InlineData("See [the guide](guide.md) now", "see-the-guide-now")]
    [InlineData("snake_case & more!", "snake_case--more")]
    public void Slug_Heading_IsGitHubsAnchor(string heading, string anchor) =>
        Assert.Equal(anchor, MarkdownLinks.Slug(heading));

    [Fact]
    public void Readme_IsOneScreen_UnderAHundredFiftyLines()
    {
        int lines = File.ReadAllLines(Path.Combine(Root, "README.md")).Length;
        Assert.True(lines <= 150, $"README.md has {lines} lines; the manual belongs in docs/.");
    }

    [Fact]
    public void Readme_LinksEveryPageOfDocs()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var pages = Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Select(Path.GetFileName).ToList();
        Assert.NotEmpty(pages);
        foreach (var page in pages) Assert.Contains($"](docs/{page})", readme);
    }

    [Fact]
    public void Readme_TwoCommands_BuildWithProgressThenRunTheQuickstart_AndTestWhatCiRuns()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        // `dotnet run` builds without a word; `dotnet build` prints its progress, and the run then skips the build.
        Assert.Contains("dotnet build src/Workbench.Cli -c Release && dotnet run --project src/Workbench.Cli -c Release --no-build -- run experiments/quickstart.json\n", readme);
        Assert.Contains("\nbash tests/run.sh\n", readme);
        Assert.EndsWith("exec bash tests/run.sh", File.ReadAllText(Path.Combine(Root, ".ci", "run")).TrimEnd());
    }
}
