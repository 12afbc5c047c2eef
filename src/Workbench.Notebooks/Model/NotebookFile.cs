using System.Text;

namespace Workbench.Notebooks;

/// <summary>Reads and writes .ipynb files.</summary>
public static class NotebookFile
{
    /// <summary>Reads an nbformat 4 notebook; a clear <see cref="NotebookException"/> when it is missing or not a notebook.</summary>
    public static Notebook Read(string path)
    {
        if (!File.Exists(path)) throw new NotebookException($"Notebook not found: {path}");
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (IOException e)
        {
            throw new NotebookException($"Cannot read {path}: {e.Message}", e);
        }
        return NotebookJson.Parse(text, path);
    }

    /// <summary>Parses notebook JSON held in memory.</summary>
    public static Notebook Parse(string json) => NotebookJson.Parse(json, "notebook");

    /// <summary>The notebook as nbformat 4.5 JSON text.</summary>
    public static string ToJson(Notebook notebook) => NotebookJson.Serialize(notebook);

    /// <summary>
    /// Writes the notebook atomically: a temporary file in the same folder, flushed to disk, then a
    /// rename over the target, so a reader never sees half a notebook. When the disk is full or the
    /// folder read-only, throws <see cref="IOException"/> "could not write &lt;path&gt;: &lt;reason&gt;",
    /// removes the temporary file and leaves the target as it was.
    /// </summary>
    public static void Write(Notebook notebook, string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var bytes = new UTF8Encoding(false).GetBytes(NotebookJson.Serialize(notebook));
        try
        {
            Directory.CreateDirectory(folder);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException) { /* the write's failure matters more */ }
            throw new IOException($"could not write {full}: {Reason(e, temp)}", e);
        }
    }

    // The operating system's words ("No space left on device"), without the temporary file's name.
    private static string Reason(Exception e, string temp)
    {
        var message = (e is UnauthorizedAccessException { InnerException: IOException inner } ? inner : e).Message;
        return message.Replace($" : '{temp}'", "").Replace($"'{temp}'", "the temporary file").Trim();
    }
}
