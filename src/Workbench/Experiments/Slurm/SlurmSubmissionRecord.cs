using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.IO;

namespace Workbench.Experiments.Slurm;

/// <summary>
/// <c>&lt;experiment folder&gt;/slurm/submission.json</c>: what the last <c>workbench run --slurm</c> submitted (job
/// ids, the grid points of the array, every run id by point index), so <c>workbench status</c> can list points
/// that have not started yet and name the jobs to watch.
/// </summary>
public sealed record SlurmSubmissionRecord
{
    public const string Folder = "slurm", FileName = "submission.json";

    public required string Experiment { get; init; }
    /// <summary>The experiment file as given.</summary>
    public required string ExperimentFile { get; init; }

    /// <summary>The copy of <see cref="ExperimentFile"/> taken at submission, which the tasks run.</summary>
    public string? Snapshot { get; init; }
    public required string ArrayJobId { get; init; }
    public required string ReportJobId { get; init; }

    /// <summary>The grid points of the array job (its task ids).</summary>
    public required IReadOnlyList<int> Points { get; init; }

    /// <summary>Run id of every grid point, by index.</summary>
    public required IReadOnlyList<string> Runs { get; init; }
    public required DateTimeOffset Submitted { get; init; }

    public void Write(string experimentFolder) =>
        AtomicFile.WriteAllText(Path.Combine(experimentFolder, Folder, FileName), JsonSerializer.Serialize(this, ExperimentJson.Options) + "\n");

    public static SlurmSubmissionRecord? TryRead(string experimentFolder)
    {
        var path = Path.Combine(experimentFolder, Folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<SlurmSubmissionRecord>(File.ReadAllText(path), ExperimentJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid Slurm submission record ({e.Message})", e);
        }
    }
}
