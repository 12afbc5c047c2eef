using System.Text.RegularExpressions;
using Workbench.Tests.Support;

namespace Workbench.Tests.Packaging;

/// <summary>
/// The package version names the commit it was built from, and a build with uncommitted changes gets a version of its
/// own for each content (so NuGet's global packages folder, which never looks again at a version it holds, cannot
/// serve a stale build). Checked on a scratch git repository holding a small project that imports the package's
/// MSBuild file, and on the library the tests run against.
/// </summary>
public sealed partial class PackageVersionTests
{
    [Fact]
    public void Version_OfTheBuiltLibrary_NamesTheCommitOfTheCheckout()
    {
        var match = VersionPattern().Match(PackageFeed.Version);
        Assert.True(match.Success, $"'{PackageFeed.Version}' is not 0.1.0-g<commit>[.dirty-<hash>]");
        var (exitCode, head) = PackageFeed.Run("git", Repository.Root(), "rev-parse", "HEAD");
        if (exitCode == 0)
            Assert.True(head.Trim().StartsWith(match.Groups["commit"].Value, StringComparison.Ordinal),
                $"the library was built at commit {match.Groups["commit"].Value}, the checkout is at {head.Trim()[..7]}: rebuild it");
    }

    [Fact]
    public void Version_CleanEditedAgainAndOutsideGit_IsTheCommitThenOnePerContentThenTheContentAlone()
    {
        using var repository = new TempDirectory();
        var project = Path.Combine(repository.Path, "src", "Workbench");
        var package = Path.Combine(project, "Package");
        Directory.CreateDirectory(package);
        foreach (var file in Directory.GetFiles(Path.Combine(Repository.Root(), "src", "Workbench", "Package")))
            File.Copy(file, Path.Combine(package, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(repository.Path, "src", "Directory.Build.props"), "<Project><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n");
        File.WriteAllText(Path.Combine(project, "Workbench.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><Import Project=\"Package/Workbench.Package.targets\" /></Project>\n");
        var source = Path.Combine(project, "Model.cs");
        File.WriteAllText(source, "namespace Scratch; public static class Model { public const int Size = 1; }\n");
        Git(repository.Path, "init", "-q");
        Git(repository.Path, "add", "-A");
        Git(repository.Path, "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "first");
        var commit = Git(repository.Path, "rev-parse", "--short=7", "HEAD").Trim();

        var clean = Version(project);
        File.WriteAllText(source, "namespace Scratch; public static class Model { public const int Size = 2; }\n");
        var edited = Version(project);
        File.WriteAllText(source, "namespace Scratch; public static class Model { public const int Size = 3; }\n");
        var editedAgain = Version(project);
        Git(repository.Path, "checkout", "-q", "--", ".");
        File.WriteAllText(Path.Combine(project, "Added.cs"), "namespace Scratch; public static class Added { }\n");
        var untracked = Version(project);
        Directory.Delete(Path.Combine(repository.Path, ".git"), recursive: true);
        var outsideGit = Version(project);

        Assert.Equal($"0.1.0-g{commit}", clean);
        Assert.Matches($@"^0\.1\.0-g{commit}\.dirty-[0-9a-f]{{8}}$", edited);
        Assert.Matches($@"^0\.1\.0-g{commit}\.dirty-[0-9a-f]{{8}}$", editedAgain);
        Assert.NotEqual(edited, editedAgain);
        Assert.Matches($@"^0\.1\.0-g{commit}\.dirty-[0-9a-f]{{8}}$", untracked);
        Assert.NotEqual(edited, untracked);
        Assert.Matches(@"^0\.1\.0-nogit-[0-9a-f]{8}$", outsideGit);
    }

    /// <summary>The package version MSBuild gives the project in <paramref name="project"/> as its files are now.</summary>
    private static string Version(string project)
    {
        var (exitCode, output) = PackageFeed.Dotnet("msbuild", Path.Combine(project, "Workbench.csproj"), "-t:WorkbenchPackageVersion",
            "-getProperty:PackageVersion", "-nologo");
        Assert.True(exitCode == 0, output);
        return output.Trim();
    }

    private static string Git(string directory, params string[] arguments)
    {
        var (exitCode, output) = PackageFeed.Run("git", directory, arguments);
        Assert.True(exitCode == 0, $"git {string.Join(' ', arguments)}: {output}");
        return output;
    }

    [GeneratedRegex(@"^0\.1\.0-g(?<commit>[0-9a-f]{7,})(\.dirty-[0-9a-f]{8})?$")]
    private static partial Regex VersionPattern();
}
