using System.Diagnostics;
using System.Text.Json.Nodes;
using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

/// <summary>A temporary folder deleted at Dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workbench-notebook-" + Guid.NewGuid().ToString("N")[..8]);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Helpers to run small notebooks and read their outputs.</summary>
internal static class NotebookTestSupport
{
    /// <summary>Saves the notebook as in.ipynb in <paramref name="folder"/> and runs it in the kernel host into out.ipynb.</summary>
    public static Task<NotebookRunResult> RunAsync(NotebookBuilder builder, string folder, IReadOnlyDictionary<string, string>? parameters = null, TimeSpan? cellTimeout = null)
    {
        var input = builder.Save(System.IO.Path.Combine(folder, "in.ipynb"));
        var runner = new NotebookRunner(parameters) { CellTimeout = cellTimeout ?? NotebookRunner.DefaultCellTimeout };
        return runner.RunFileAsync(input, System.IO.Path.Combine(folder, "out.ipynb"));
    }

    /// <summary>The outputs of the n-th cell (0-based over all cells) of an executed notebook.</summary>
    public static List<JsonObject> Outputs(this NotebookRunResult result, int cellIndex) => result.Notebook.Cells[cellIndex].Outputs;

    public static string OutputType(this JsonObject output) => output["output_type"]!.GetValue<string>();

    /// <summary>A multiline nbformat field (string or list of lines) as one string.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
        JsonValue value => value.GetValue<string>(),
        _ => throw new InvalidOperationException("no such field"),
    };

    /// <summary>The text of a display_data or execute_result output for one MIME type.</summary>
    public static string Data(this JsonObject output, string mimeType) => Text(output["data"]![mimeType]);

    /// <summary>The MIME types of a display_data or execute_result output.</summary>
    public static IReadOnlyList<string> MimeTypes(this JsonObject output) => output["data"]!.AsObject().Select(p => p.Key).ToList();
}

/// <summary>
/// Validates a notebook file with the reference implementation (python nbformat), when
/// /usr/bin/python3 with nbformat is present; otherwise checks nothing.
/// </summary>
internal static class NbformatValidator
{
    private const string Python = "/usr/bin/python3";
    private static readonly Lazy<bool> Available = new(() => System.IO.File.Exists(Python) && Run("-c \"import nbformat\"").ExitCode == 0);

    public static bool IsAvailable => Available.Value;

    /// <summary>Asserts that nbformat.validate accepts the file (skipped when nbformat is unavailable).</summary>
    public static void AssertValid(string path)
    {
        if (!IsAvailable) return;
        var (exitCode, error) = Run($"-c \"import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))\" \"{path}\"");
        Assert.True(exitCode == 0, $"nbformat rejected {path}:\n{error}");
    }

    private static (int ExitCode, string Error) Run(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(Python, arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Result);
    }
}
