using System.Diagnostics;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Sweeps;

namespace Workbench.Cli.Sweeps;

/// <summary>
/// <c>workbench run --parallel N</c>: runs the unfinished grid points N at a time, each in its own workbench
/// process (<c>--point i --threads t</c>) so each has its own thread count, logging to its run folder's run.log.
/// A point's results depend only on its seed and thread count, so they equal those of a sequential run with t threads.
/// The experiment file is read once: the children run a snapshot of it (in <c>&lt;experiment&gt;/.parallel/</c>,
/// removed when the sweep ends), and they stop with this process however it ends (<see cref="ParentWatch"/>).
/// </summary>
internal static class ParallelSweep
{
    /// <summary>Where the snapshot of a running sweep's experiment goes, inside the experiment's results folder.</summary>
    public const string SnapshotFolder = ".parallel";

    /// <summary>What became of a sweep's points.</summary>
    /// <param name="Experiment">The experiment's name (its results folder), as the sweep read it.</param>
    /// <param name="Failed">Points whose process exited with an error.</param>
    /// <param name="NotFinished">Points that ended without a result here: stopped, or left to another process training them.</param>
    public sealed record Outcome(string Experiment, int Failed, int NotFinished);

    /// <summary>
    /// Checks every point's folder against its configuration (refusing like a plain run, unless
    /// <paramref name="rerunChanged"/>, which the children then apply), then runs the points still to run.
    /// Cancelling sends SIGTERM to the running children and waits for their checkpoints.
    /// </summary>
    public static Outcome Run(string experimentFile, string resultsRoot, int parallel, int threadsPerRun, bool rerunChanged,
        IReadOnlyList<string> passThrough, TextWriter output, CancellationToken cancellation)
    {
        var submitted = SubmittedExperiment.Read(experimentFile);
        var (definition, runs) = (submitted.Definition, submitted.Runs);
        RunIdentityGuard.RefuseChanged(resultsRoot, definition.Name, runs, rerunChanged);
        var points = new Queue<int>(RunIdentityGuard.ToRun(resultsRoot, definition.Name, runs));
        output.WriteLine($"Experiment '{definition.Name}': {runs.Count} run(s), {points.Count} to run, {parallel} at a time with {threadsPerRun} thread(s) each " +
                         $"→ {Path.Combine(resultsRoot, definition.Name)}");
        if (points.Count == 0) return new Outcome(definition.Name, 0, 0);
        string snapshotFolder = Path.Combine(resultsRoot, definition.Name, SnapshotFolder);
        string snapshot = submitted.WriteSnapshot(snapshotFolder);
        try
        {
            return RunPoints(snapshot, resultsRoot, definition.Name, runs, points, parallel, threadsPerRun,
                [.. passThrough, .. rerunChanged ? ["--rerun-changed"] : Array.Empty<string>()], output, cancellation);
        }
        finally
        {
            File.Delete(snapshot);
            try
            {
                if (!Directory.EnumerateFileSystemEntries(snapshotFolder).Any()) Directory.Delete(snapshotFolder);
            }
            catch (IOException) { /* another sweep of this experiment wrote its snapshot meanwhile */ }
        }
    }

    private static Outcome RunPoints(string snapshot, string resultsRoot, string experiment, IReadOnlyList<RunSpec> runs, Queue<int> points,
        int parallel, int threadsPerRun, IReadOnlyList<string> passThrough, TextWriter output, CancellationToken cancellation)
    {
        var running = new List<(int Point, Process Process, StreamWriter Log)>();
        int failed = 0, notFinished = 0;
        bool terminated = false;
        while (points.Count > 0 || running.Count > 0)
        {
            while (!cancellation.IsCancellationRequested && running.Count < parallel && points.TryDequeue(out int point))
            {
                var folder = GridPoints.FolderOf(resultsRoot, experiment, runs[point]);
                Directory.CreateDirectory(folder);
                var log = new StreamWriter(Path.Combine(folder, RunLog.FileName), append: true) { AutoFlush = true };
                log.WriteLine(RunLog.StartLine($"local, --parallel {parallel}, {threadsPerRun} thread(s), {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}"));
                string[] arguments = ["run", snapshot, "--results", Path.GetFullPath(resultsRoot),
                    "--point", $"{point}", "--threads", $"{threadsPerRun}", .. passThrough];
                running.Add((point, WorkbenchProcess.Start(arguments, log, ParentWatch.ForChildren()), log));
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
            var runFolder = GridPoints.FolderOf(resultsRoot, experiment, runs[done.Point]);
            if (code == Cli.Success && File.Exists(Path.Combine(runFolder, RunFolder.SummaryFile))) output.WriteLine($"  {run}: done");
            else if (code == Cli.Success)
            {
                // The child left the point to another process training the same configuration (its run.log says which).
                notFinished++;
                output.WriteLine($"  {run}: not finished: another process is training it (see {Path.Combine(runFolder, RunLog.FileName)})");
            }
            else if (code is Cli.Interrupted or Cli.Terminated)
            {
                notFinished++;
                output.WriteLine($"  {run}: stopped (exit {code}); it resumes from its checkpoint when run again");
            }
            else
            {
                failed++;
                var log = Path.Combine(runFolder, RunLog.FileName);
                output.WriteLine($"  {run}: failed (exit {code}); last lines of {log}:");
                foreach (var line in RunLog.LastAttempt(log).TakeLast(SweepStatus.TailLines)) output.WriteLine($"    | {line}");
            }
        }
        return new Outcome(experiment, failed, notFinished);
    }
}
