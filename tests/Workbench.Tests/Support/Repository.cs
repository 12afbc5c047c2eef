namespace Workbench.Tests.Support;

/// <summary>The source tree the tests run from, found by walking up from the test binaries to Workbench.sln.</summary>
internal static class Repository
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workbench.sln"))) return dir.FullName;
        throw new InvalidOperationException("Workbench.sln not found above the test assembly.");
    }
}
