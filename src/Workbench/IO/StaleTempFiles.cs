using System.Text.RegularExpressions;

namespace Workbench.IO;

/// <summary>
/// Temporary files of <see cref="AtomicFile"/> writes that a killed process left behind
/// (<c>.&lt;file&gt;.&lt;32 hex digits&gt;.tmp</c>, up to a whole partial checkpoint). Only the process
/// that holds a folder's lock may remove them: another writer's temporary file is not stale. Clean-up
/// never follows a symbolic link and never removes anything outside the folder it is confined to.
/// </summary>
public static partial class StaleTempFiles
{
    [GeneratedRegex(@"\A\..+\.[0-9a-f]{32}\.tmp\z")]
    private static partial Regex TempName();

    /// <summary>True for a name <see cref="AtomicFile"/> gives its temporary files.</summary>
    public static bool IsTempName(string fileName) => TempName().IsMatch(fileName);

    /// <summary>True for a temporary file of a write of <paramref name="fileName"/> (e.g. <c>.index.json.&lt;hex&gt;.tmp</c>).</summary>
    public static bool IsTempNameOf(string tempName, string fileName) =>
        IsTempName(tempName) && tempName.Length == fileName.Length + 38 && tempName.AsSpan(1, fileName.Length).SequenceEqual(fileName);

    /// <summary>Deletes every such file in <paramref name="directory"/> and its subfolders, links not followed; returns how many.</summary>
    public static int Remove(string directory) => Remove(directory, within: directory);

    /// <summary>
    /// Deletes every such file in <paramref name="directory"/> and its subfolders when the directory really lies
    /// inside <paramref name="within"/> (symbolic links resolved); links inside it are neither followed nor removed.
    /// Returns how many files were removed.
    /// </summary>
    public static int Remove(string directory, string within)
    {
        if (!Directory.Exists(directory) || !ContainedPath.IsInside(within, directory)) return 0;
        return RemoveBelow(new DirectoryInfo(directory), recurse: true, _ => true);
    }

    /// <summary>
    /// Deletes the leftover temporary files of writes of <paramref name="fileNames"/> directly in
    /// <paramref name="directory"/> (not in its subfolders; no links); returns how many. For a folder many
    /// processes write, called by the one that holds the lock of those files.
    /// </summary>
    public static int RemoveOf(string directory, params string[] fileNames)
    {
        if (!Directory.Exists(directory)) return 0;
        return RemoveBelow(new DirectoryInfo(directory), recurse: false, name => fileNames.Any(f => IsTempNameOf(name, f)));
    }

    private static int RemoveBelow(DirectoryInfo folder, bool recurse, Func<string, bool> select)
    {
        int removed = 0;
        foreach (var entry in folder.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null) continue; // a link's target is not this folder's to clean
            if (entry is DirectoryInfo subfolder)
            {
                if (recurse) removed += RemoveBelow(subfolder, recurse, select);
            }
            else if (IsTempName(entry.Name) && select(entry.Name))
            {
                try
                {
                    entry.Delete();
                    removed++;
                }
                catch (FileNotFoundException) { /* removed meanwhile */ }
            }
        }
        return removed;
    }
}
