using System.Diagnostics;
using Workbench.Experiments;
using Workbench.Experiments.Sweeps;

namespace Workbench.Cli.Sweeps;

/// <summary>
/// <c>workbench run --parallel N</c>: runs the unfinished grid points N at a time, each in its own workbench
/// process (<c>--point i --threads t</c>) so each has its own thread count, logging to its run folder's run.log.
/// A point's results depend only on its seed and thread count, so they equal those of a sequential run with t threads.
/// </summary>
internal static class ParallelSweep
{
    /// <summary>Runs the points; returns how many failed. Cancelling sends SIGTERM to the running children and waits for their checkpoints.</summary>
    public static int Run(string experimentFile, string resultsRoot, int parallel, int threadsPerRun, IReadOnlyList<string> passThrough,
        TextWriter output, CancellationToken cancellation)
    {
        var (definition, runs) = ExperimentLoader.Expand(experimentFile);
        var points = new Queue<int>(GridPoints.Unfinished(resultsRoot, definition.Name, runs));
        output.WriteLine($"Experiment '{definition.Name}': {runs.Count} run(s), {points.Count} to run, {parallel} at a time with {threadsPerRun} thread(s) each " +
                         $"→ {Path.Combine(resultsRoot, definition.Name)}");
        var running = new List<(int Point, Process Process, StreamWriter Log)>();
        int failed = 0;
        bool terminated = false;
        while (points.Count > 0 || running.Count > 0)
        {
            while (!cancellation.IsCancellationRequested && running.Count < parallel && points.TryDequeue(out int point))
            {
                var folder = GridPoints.FolderOf(resultsRoot, definition.Name, runs[point]);
                Directory.CreateDirectory(folder);
                var log = new StreamWriter(Path.Combine(folder, RunLog.FileName), append: true) { AutoFlush = true };
                log.WriteLine(RunLog.StartLine($"local, --parallel {parallel}, {threadsPerRun} thread(s), {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}"));
                string[] arguments = ["run", Path.GetFullPath(experimentFile), "--results", Path.GetFullPath(resultsRoot),
                    "--point", $"{point}", "--threads", $"{threadsPerRun}", .. passThrough];
                running.Add((point, WorkbenchProcess.Start(arguments, log), log));
                output.WriteLine($"  {runs[point].Id}: started (point {point})");
            }
            if (cancellation.IsCancellationRequested && !terminated)
            {
                terminated = true; // Ctrl+C reached the children already; SIGTERM also covers a parent stopped by SIGTERM
                foreach (var child in running) WorkbenchProcess.Terminate(child.Process);
            }
            if (cancellation.IsCancellationRequested) points.Clear();

            var done = running.FirstOrDefault(c => c.Process.HasExited);
            if (done.Process is null)
            {
                Thread.Sleep(100);
                continue;
            }
            done.Process.WaitForExit(); // drains the redirected output into the log
            int code = done.Process.ExitCode;
            lock (done.Log) done.Log.WriteLine(RunLog.ExitLine(code));
            done.Log.Dispose();
            running.Remove(done);
            string run = runs[done.Point].Id;
            if (code == Cli.Success) output.WriteLine($"  {run}: done");
            else if (code is Cli.Interrupted or Cli.Terminated) output.WriteLine($"  {run}: stopped (exit {code}); it resumes from its checkpoint when run again");
            else
            {
                failed++;
                var log = Path.Combine(GridPoints.FolderOf(resultsRoot, definition.Name, runs[done.Point]), RunLog.FileName);
                output.WriteLine($"  {run}: failed (exit {code}); last lines of {log}:");
                foreach (var line in RunLog.LastAttempt(log).TakeLast(SweepStatus.TailLines)) output.WriteLine($"    | {line}");
            }
        }
        return failed;
    }
}
