using Workbench.Experiments.Definitions;
using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;

namespace Workbench.Experiments.Sweeps;

/// <summary>Runs one grid point of an experiment: what a Slurm task and each child of <c>--parallel</c> do.</summary>
public static class GridPointRun
{
    /// <summary>How long a point found locked is retried before it is left to the process holding it.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs point <paramref name="index"/> of <paramref name="experimentFile"/> (resuming its checkpoint, skipping it
    /// when finished) and returns its summary, or null when it was finished before, stopped, or held by another process
    /// training the same configuration. A point found locked is retried for <see cref="LockWait"/>: a status probe holds
    /// the lock only for an instant. The folder is checked against the point's configuration as on every path
    /// (<see cref="RunIdentityGuard"/>): another configuration there, or being trained there by another process, is an error.
    /// </summary>
    public static RunSummary? Run(string experimentFile, int index, RunnerOptions options, CancellationToken cancellation = default)
    {
        var (definition, runs) = ExperimentLoader.Expand(experimentFile);
        var run = GridPoints.Select(experimentFile, runs, index);
        var folder = GridPoints.FolderOf(options.ResultsRoot, definition.Name, run);
        options.Log.WriteLine($"Experiment '{definition.Name}', grid point {index} of {runs.Count}: {run.Id} → {folder}");
        var runner = new ExperimentRunner(options);
        var figures = new FigureFiles(options.ImageExporter, options.ResultsRoot); // the pages load the results root's one plotly.js, as a sequential run's do
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            var summary = runner.RunOne(definition.Name, run, figures, cancellation);
            foreach (var note in figures.Notes) options.Log.WriteLine($"note: {note}");
            if (summary is not null || cancellation.IsCancellationRequested || File.Exists(Path.Combine(folder, RunFolder.SummaryFile))
                || DateTime.UtcNow >= deadline)
                return summary;
            Thread.Sleep(1000);
        }
    }
}
