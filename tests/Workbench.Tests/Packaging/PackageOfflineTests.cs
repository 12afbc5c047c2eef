using Workbench.Tests.Support;

namespace Workbench.Tests.Packaging;

/// <summary>
/// docs/package.md, "Offline": once a machine holds the library's dependencies in its NuGet global packages folder
/// (building the repository puts them there), a project restores the package with the folder feed as its only source.
/// </summary>
public sealed class PackageOfflineTests
{
    [Fact]
    public void Restore_WithTheFolderFeedAsTheOnlySource_FindsTheDependenciesInTheGlobalPackagesFolder()
    {
        PackageFeed.EnsurePacked();
        using var folder = new TempDirectory();
        var project = folder.File("uses-workbench.csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup><PackageReference Include="Workbench" Version="{PackageFeed.Version}" /></ItemGroup>
            </Project>
            """);

        var (exitCode, output) = PackageFeed.Dotnet("restore", project, "--source", PackageFeed.Folder, "-nologo");

        Assert.True(exitCode == 0, output);
        var assets = File.ReadAllText(Path.Combine(folder.Path, "obj", "project.assets.json"));
        Assert.Contains($"\"Workbench/{PackageFeed.Version}\"", assets);
        Assert.Contains("\"Spectre.Console/", assets);
        Assert.Contains("\"System.Numerics.Tensors/", assets);
    }
}
