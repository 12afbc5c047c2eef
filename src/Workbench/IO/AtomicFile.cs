using System.Text;

namespace Workbench.IO;

/// <summary>
/// Writes files so that readers see either the old contents or the complete new contents, never a
/// partial file: the data goes to a temporary file in the same directory, is flushed to disk, and
/// then replaces the target with one rename (missing directories are created). If writing fails the temporary file is removed and the
/// old file is left untouched.
/// </summary>
public static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/>.</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> encoded as UTF-8 (no byte-order mark).</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
    }

    /// <summary>Replaces <paramref name="path"/> with whatever <paramref name="write"/> writes to the stream it is given.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);

        // Same directory, so the final move is a rename on one file system.
        string tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(tempPath); }
            catch (IOException) { /* the original exception matters more */ }
            catch (UnauthorizedAccessException) { }
            // A full or read-only disk names the temporary file; say which file could not be written.
            if (e.GetType() == typeof(IOException)) throw new IOException($"{fullPath} could not be written: {e.Message}", e) { HResult = e.HResult };
            throw;
        }
    }
}
