namespace Workbench.Cli.Benchmarks;

/// <summary>The committed peers under tests/reference, found from the working folder or the program's own folder upwards.</summary>
internal static class ReferenceFiles
{
    /// <summary>The full path of tests/reference/<paramref name="relativePath"/> (a file), or null when no folder above has it.</summary>
    public static string? Find(string relativePath)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "reference", relativePath);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
