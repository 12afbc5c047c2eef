using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.IO;
using Workbench.Plotting.Imaging;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// Reading what a run folder holds, for the commands and pages that come after training (status, report,
/// eval, notebooks): a JSON file cut short or edited into another shape is one <see cref="InvalidDataException"/>
/// naming it, and a picture is taken into a report only when it is a PNG that really lies inside the run folder.
/// </summary>
public static class RunFiles
{
    /// <summary>Reads the JSON file <paramref name="path"/> as a <typeparamref name="T"/> (<paramref name="what"/> names it in messages).</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON of that shape (cut short, edited) or holds null.</exception>
    public static T ReadJson<T>(string path, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), ExperimentJson.Options)
                ?? throw new InvalidDataException($"{path}: empty {what}.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid {what} ({e.Message})", e);
        }
    }

    /// <summary>A run's <c>summary.json</c>.</summary>
    /// <exception cref="InvalidDataException">The file is cut short or not a run summary.</exception>
    public static RunSummary ReadSummary(string path) => ReadJson<RunSummary>(path, "run summary");

    /// <summary>
    /// <paramref name="relativePath"/> under <paramref name="runFolder"/> when it is a picture a report may show: it
    /// exists, with every symbolic link resolved it still lies inside the run folder, and it starts with the PNG
    /// signature. Otherwise null, and unless the file is simply missing, why it was skipped is added to <paramref name="notes"/>.
    /// </summary>
    public static string? Picture(string runFolder, string relativePath, ICollection<string>? notes = null)
    {
        var path = Path.Combine(runFolder, relativePath);
        if (!File.Exists(path)) return null;
        if (!ContainedPath.IsInside(runFolder, path))
        {
            notes?.Add($"{path} skipped: it leads outside the run folder {runFolder} (to {ContainedPath.Resolve(path)})");
            return null;
        }
        if (!IsPng(path))
        {
            notes?.Add($"{path} skipped: not a PNG file");
            return null;
        }
        return path;
    }

    private static bool IsPng(string path)
    {
        Span<byte> signature = stackalloc byte[8];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        return file.ReadAtLeast(signature, 8, throwOnEndOfStream: false) == 8 && PngDecoder.HasSignature(signature);
    }
}
