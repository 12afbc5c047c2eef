using System.Runtime.CompilerServices;

namespace Workbench.Tests.Support;

/// <summary>
/// Runs that notebooks and <c>Lab.Train</c> log during the tests go to a temporary results folder,
/// never into the checkout's committed results/ (child processes, such as a notebook kernel, inherit it).
/// </summary>
internal static class NotebookResults
{
    public static string Root { get; private set; } = "";

    [ModuleInitializer]
    internal static void RedirectNotebookRuns()
    {
        Root = Path.Combine(Path.GetTempPath(), "workbench-test-results-" + Environment.ProcessId);
        Environment.SetEnvironmentVariable(Workbench.Notebooks.Lab.ResultsVariable, Root);
    }
}
