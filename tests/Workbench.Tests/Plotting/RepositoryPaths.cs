namespace Workbench.Tests.Plotting;

/// <summary>Files of the source tree (found by walking up from the test binaries to Workbench.sln).</summary>
internal static class RepositoryPaths
{
    public static string? Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Workbench.sln"))) directory = directory.Parent;
            return directory?.FullName;
        }
    }

    /// <summary>src/Workbench/Plotting, holding package.json and the npm node_modules.</summary>
    public static string? PlottingAssets => Root is null ? null : Path.Combine(Root, "src", "Workbench", "Plotting");
}
