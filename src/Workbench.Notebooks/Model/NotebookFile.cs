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
    /// Writes the notebook atomically: a temporary file in the same folder, then a rename over
    /// the target, so a reader never sees half a notebook.
    /// </summary>
    public static void Write(Notebook notebook, string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, NotebookJson.Serialize(notebook), new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
