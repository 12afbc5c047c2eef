using Workbench.Experiments.Definitions;
using Workbench.IO;

namespace Workbench.Experiments.Sweeps;

/// <summary>
/// An experiment file as a sweep read it, once: its text and the runs it expands to. The sweep writes that text as
/// a snapshot into the experiment's results folder and its processes (the children of <c>--parallel</c>, the Slurm
/// array tasks, which may start hours later) run the snapshot, so every point trains the configuration submitted,
/// whatever the file says by then.
/// </summary>
/// <param name="Source">The experiment file as given (named in messages).</param>
/// <param name="Text">Its contents when read.</param>
public sealed record SubmittedExperiment(string Source, string Text, ExperimentDefinition Definition, IReadOnlyList<RunSpec> Runs)
{
    /// <summary>Reads and expands <paramref name="experimentFile"/>; problems are <see cref="ExperimentFileException"/>s naming it.</summary>
    public static SubmittedExperiment Read(string experimentFile)
    {
        if (!File.Exists(experimentFile)) throw new ExperimentFileException(experimentFile, null, "file not found");
        string text = File.ReadAllText(experimentFile);
        var (definition, runs) = ExperimentLoader.Parse(experimentFile, text);
        return new SubmittedExperiment(experimentFile, text, definition, runs);
    }

    /// <summary>
    /// Writes the text, unchanged, to <c>&lt;folder&gt;/experiment-&lt;UTC time&gt;-&lt;process id&gt;.json</c> (atomically; a
    /// name of its own, so two sweeps of one experiment never overwrite each other's) and returns its full path.
    /// </summary>
    public string WriteSnapshot(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.GetFullPath(Path.Combine(folder, $"experiment-{DateTime.UtcNow:yyyyMMdd'T'HHmmss.fff'Z'}-{Environment.ProcessId}.json"));
        AtomicFile.WriteAllText(path, Text);
        return path;
    }
}
