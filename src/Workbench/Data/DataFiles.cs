namespace Workbench.Data;

/// <summary>File-system operations shared by the dataset loaders and writers.</summary>
internal static class DataFiles
{
    /// <summary>A fresh hidden temporary name next to <paramref name="fullPath"/>.</summary>
    public static string TempPathBeside(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");

    public static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// <paramref name="start"/> and its ancestors up to and including the repository root (the first
    /// directory holding <c>.git</c> or a <c>*.sln</c>), or up to the file-system root when there is none.
    /// </summary>
    public static IEnumerable<string> SelfAndAncestorsToRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            yield return dir.FullName;
            if (IsRepoRoot(dir.FullName)) yield break;
        }
    }

    /// <summary>The repository root above <paramref name="start"/>, or null.</summary>
    public static string? FindRepoRoot(string start) =>
        SelfAndAncestorsToRepoRoot(start).LastOrDefault(IsRepoRoot);

    private static bool IsRepoRoot(string dir)
    {
        try
        {
            return Directory.Exists(Path.Combine(dir, ".git")) || File.Exists(Path.Combine(dir, ".git")) ||
                   Directory.EnumerateFiles(dir, "*.sln").Any() || Directory.EnumerateFiles(dir, "*.slnx").Any();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // an unreadable ancestor is not the repository root
        }
    }
}
