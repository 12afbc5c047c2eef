using System.Diagnostics;
using Workbench.Experiments.Sweeps;
using Workbench.Tests.Support;

namespace Workbench.Tests.Sweeps;

/// <summary>The points of a <c>--parallel</c> sweep stop with their parent, however it ends (kill -9 included).</summary>
public class ParentDeathTests
{
    /// <summary>Ids of the live processes whose command line holds <paramref name="text"/> (Linux: /proc).</summary>
    private static List<int> ProcessesWith(string text)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int id)) continue;
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(entry, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(text, StringComparison.Ordinal) && !File.ReadAllText(Path.Combine(entry, "stat")).Contains(") Z ")) found.Add(id);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    [Fact]
    public void RunParallel_ParentKilled_ChildrenStopAtACheckpointAndStatusSaysInterrupted()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var directory = new TempDirectory();
        var file = SweepFiles.WriteTinyGrid(directory.Path, "orphans", epochs: 5000);
        var results = directory.File("results");
        string experiment = Path.Combine(results, "orphans");
        string children = $"--results {results} --point";

        using var parent = SweepFiles.StartWorkbench(["run", file, "--results", results, "--parallel", "2", "--no-png"]);
        _ = parent.StandardOutput.ReadToEndAsync();
        _ = parent.StandardError.ReadToEndAsync();
        try
        {
            SweepFiles.WaitUntil(() => new[] { "seed=1", "seed=2" }.All(run => File.Exists(Path.Combine(experiment, run, "metrics.jsonl"))),
                TimeSpan.FromMinutes(2), "both points' first epoch");
            Assert.Equal(2, ProcessesWith(children).Count);

            parent.Kill(); // SIGKILL: the parent gets no chance to stop its children
            parent.WaitForExit();

            SweepFiles.WaitUntil(() => ProcessesWith(children).Count == 0, TimeSpan.FromSeconds(60), "the children to stop after their parent died");
            foreach (var status in SweepStatus.Read(experiment))
            {
                Assert.Equal(RunState.Interrupted, status.State);
                Assert.Contains("last checkpoint after epoch", status.Detail);
            }
        }
        finally
        {
            foreach (int orphan in ProcessesWith(children)) Process.Start("kill", ["-KILL", $"{orphan}"])!.WaitForExit();
        }
    }
}
