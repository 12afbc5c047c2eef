using System.Text.RegularExpressions;

namespace Workbench.IO;

/// <summary>
/// Temporary files of <see cref="AtomicFile"/> writes that a killed process left behind
/// (<c>.&lt;file&gt;.&lt;32 hex digits&gt;.tmp</c>, up to a whole partial checkpoint). Only the process
/// that holds a folder's lock may remove them: another writer's temporary file is not stale.
/// </summary>
public static partial class StaleTempFiles
{
    [GeneratedRegex(@"\A\..+\.[0-9a-f]{32}\.tmp\z")]
    private static partial Regex TempName();

    /// <summary>True for a name <see cref="AtomicFile"/> gives its temporary files.</summary>
    public static bool IsTempName(string fileName) => TempName().IsMatch(fileName);

    /// <summary>Deletes every such file in <paramref name="directory"/> and its subfolders; returns how many.</summary>
    public static int Remove(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(directory, ".*.tmp", SearchOption.AllDirectories))
        {
            if (!IsTempName(Path.GetFileName(file))) continue;
            File.Delete(file);
            removed++;
        }
        return removed;
    }
}
