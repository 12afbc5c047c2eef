namespace Workbench.Plotting;

/// <summary>Figure and image files are written to a temporary file in the same folder and then moved
/// over the target, so a reader never sees half a file.</summary>
internal static class AtomicWrite
{
    public static void Bytes(string path, ReadOnlySpan<byte> bytes)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                stream.Write(bytes);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void Text(string path, string text) => Bytes(path, System.Text.Encoding.UTF8.GetBytes(text));
}
