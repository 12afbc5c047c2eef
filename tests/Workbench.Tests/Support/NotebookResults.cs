using System.Runtime.CompilerServices;

namespace Workbench.Tests.Support;

/// <summary>
/// Runs that notebooks and <c>Lab.Train</c> log during the tests go to a temporary results folder of this test process,
/// never into the checkout's committed results/ (child processes, such as a notebook kernel, inherit it), and the folder
/// goes when the process ends.
/// </summary>
/// <remarks>
/// The folder's name holds a random part beside the process id: process ids are reused, and a folder left by an earlier
/// test process with the same id held finished runs that this one's notebooks then reused instead of training (so a
/// notebook's printed training summary was missing).
/// </remarks>
internal static class NotebookResults
{
    public static string Root { get; private set; } = "";

    /// <summary>Whether the folder already existed when this process chose it (it must not: its runs would be reused).</summary>
    public static bool ExistedAtStart { get; private set; }

    [ModuleInitializer]
    internal static void RedirectNotebookRuns()
    {
        Root = Path.Combine(Path.GetTempPath(), $"workbench-test-results-{Environment.ProcessId}-{Guid.NewGuid():N}");
        ExistedAtStart = Directory.Exists(Root);
        Environment.SetEnvironmentVariable(Workbench.Notebooks.Lab.ResultsVariable, Root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a file still held open stays in the temporary folder.
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
    }
}
