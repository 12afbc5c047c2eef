namespace Workbench.IO;

/// <summary>
/// Where a path really leads once every symbolic link along it is followed (as <c>realpath</c> does), and
/// whether that stays inside a folder: a file reached through a link that points elsewhere is not the
/// folder's file, however its name reads.
/// </summary>
public static class ContainedPath
{
    /// <summary>Links followed at most while resolving one path (Linux's limit); more means a loop.</summary>
    private const int MaxLinks = 40;

    /// <summary>
    /// The absolute path <paramref name="path"/> leads to with every symbolic link along it resolved, component
    /// by component; components that do not exist are kept as written.
    /// </summary>
    /// <exception cref="IOException">The links form a loop.</exception>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(Components(full[root.Length..]).Reverse());
        string current = root;
        int links = 0;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            string next = Path.Combine(current, part);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                if (++links > MaxLinks) throw new IOException($"{path}: too many levels of symbolic links");
                // The target's own components are resolved in turn, from its root or from the link's folder.
                if (Path.IsPathRooted(target)) current = Path.GetPathRoot(Path.GetFullPath(target))!;
                foreach (var targetPart in Components(Path.IsPathRooted(target) ? target[Path.GetPathRoot(target)!.Length..] : target).Reverse())
                    pending.Push(targetPart);
                continue;
            }
            current = next;
        }
        return current;
    }

    /// <summary>True when <paramref name="path"/>, links resolved, is <paramref name="folder"/> (links resolved) or lies below it.</summary>
    public static bool IsInside(string folder, string path)
    {
        string resolvedFolder = Resolve(folder).TrimEnd(Path.DirectorySeparatorChar), resolved = Resolve(path);
        return resolved == resolvedFolder || resolved.StartsWith(resolvedFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Components(string relative) =>
        relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
