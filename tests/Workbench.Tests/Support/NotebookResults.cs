using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Workbench.Tests.Support;

/// <summary>
/// Runs that notebooks and <c>Lab.Train</c> log during the tests go to a results folder of this test process under the
/// test output folder (notebook-results/&lt;process id&gt;-&lt;random&gt;/, git-ignored), never into the checkout's committed
/// results/; child processes, such as a notebook kernel, inherit it.
/// </summary>
/// <remarks>
/// The folder is new for each test process: process ids are reused, and a folder left by an earlier process with the
/// same id held finished runs that the notebooks then reused instead of training (so a notebook's printed training
/// summary was missing). Folders of test processes that are no longer running are deleted when the next one starts
/// (about 600 MB each), so they do not pile up.
/// </remarks>
internal static class NotebookResults
{
    public static string Root { get; private set; } = "";

    /// <summary>Whether the folder already existed when this process chose it (it must not: its runs would be reused).</summary>
    public static bool ExistedAtStart { get; private set; }

    [ModuleInitializer]
    internal static void RedirectNotebookRuns()
    {
        var parent = Path.Combine(AppContext.BaseDirectory, "notebook-results");
        DeleteFoldersOfEndedProcesses(parent);
        Root = Path.Combine(parent, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        ExistedAtStart = Directory.Exists(Root);
        Environment.SetEnvironmentVariable(Workbench.Notebooks.Lab.ResultsVariable, Root);
    }

    private static void DeleteFoldersOfEndedProcesses(string parent)
    {
        if (!Directory.Exists(parent)) return;
        foreach (var folder in Directory.GetDirectories(parent))
        {
            var name = Path.GetFileName(folder);
            int dash = name.IndexOf('-');
            if (dash > 0 && int.TryParse(name.AsSpan(0, dash), out int processId) && IsRunning(processId)) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a folder still in use stays until a later start.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no process with that id
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
