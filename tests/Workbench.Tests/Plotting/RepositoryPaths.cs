namespace Workbench.Tests.Plotting;

/// <summary>Files of the source tree (found by walking up from the test binaries to Workbench.sln).</summary>
internal static class RepositoryPaths
{
    public static string? Root => Support.Repository.Root();

    /// <summary>src/Workbench/Plotting, holding package.json and the npm node_modules.</summary>
    public static string? PlottingAssets => Root is null ? null : Path.Combine(Root, "src", "Workbench", "Plotting");
}
