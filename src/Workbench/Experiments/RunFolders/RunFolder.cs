using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;
using Workbench.IO;
using Workbench.Training;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// One run's folder, <c>results/&lt;experiment&gt;/&lt;run-id&gt;/</c>: config.json, environment.json,
/// metrics.jsonl and metrics.csv, checkpoints/, images/, figures/ and, once finished, summary.json.
/// Every file is written atomically. A run folder is locked while a process trains in it, so two
/// experiments running at once never write the same run.
/// </summary>
public sealed class RunFolder : IDisposable
{
    public const string SummaryFile = "summary.json";
    internal const string LockFile = ".lock";
    private FileStream? _lock;

    public RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }
    public string CheckpointDirectory => System.IO.Path.Combine(Path, "checkpoints");
    public string ImagesDirectory => System.IO.Path.Combine(Path, "images");
    public string FiguresDirectory => System.IO.Path.Combine(Path, "figures");
    public string SummaryPath => System.IO.Path.Combine(Path, SummaryFile);

    /// <summary>True once summary.json exists: the run finished and re-running the experiment skips it.</summary>
    public bool IsFinished => File.Exists(SummaryPath);

    /// <summary>
    /// Takes the run's lock (an exclusive lock file, released on dispose or when the process dies) and, given
    /// <paramref name="training"/>, records this process as its holder (<see cref="RunHolder"/>).
    /// Returns false when another process holds it.
    /// </summary>
    public bool TryLock(RunIdentity? training = null)
    {
        Directory.CreateDirectory(Path);
        try
        {
            _lock = new FileStream(System.IO.Path.Combine(Path, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            if (training is not null) RunHolder.Write(Path, training);
            return true;
        }
        catch (IOException e) when (FolderLock.IsHeldByAnother(e))
        {
            return false;
        }
    }

    /// <summary>
    /// Moves everything in the folder but its lock to <c>&lt;experiment&gt;/.stale/&lt;run-id&gt;.&lt;UTC time&gt;/</c>
    /// (out of sight of reports and the index) and returns that folder; the run folder stays, locked and empty.
    /// </summary>
    public string MoveAside()
    {
        string experimentFolder = System.IO.Path.GetDirectoryName(Path)!;
        string target = System.IO.Path.Combine(experimentFolder, ".stale",
            $"{System.IO.Path.GetFileName(Path)}.{DateTime.UtcNow:yyyyMMdd'T'HHmmss.fff'Z'}");
        Directory.CreateDirectory(target);
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path).ToList())
        {
            string name = System.IO.Path.GetFileName(entry);
            if (name is LockFile or RunHolder.FileName) continue;
            string destination = System.IO.Path.Combine(target, name);
            if (Directory.Exists(entry)) Directory.Move(entry, destination);
            else File.Move(entry, destination);
        }
        return target;
    }

    public void WriteJson<T>(string fileName, T value) =>
        AtomicFile.WriteAllText(System.IO.Path.Combine(Path, fileName), JsonSerializer.Serialize(value, ExperimentJson.Options) + "\n");

    public void WriteConfig(JsonObject resolved) =>
        AtomicFile.WriteAllText(System.IO.Path.Combine(Path, "config.json"), resolved.ToJsonString(ExperimentJson.Options) + "\n");

    /// <summary>Rewrites metrics.jsonl and metrics.csv with every epoch so far (atomically: a reader sees all or the previous version).</summary>
    public void WriteMetrics(IReadOnlyList<EpochMetrics> history)
    {
        var jsonl = new StringBuilder();
        foreach (var epoch in history) jsonl.AppendLine(JsonSerializer.Serialize(epoch, MetricsLine));
        AtomicFile.WriteAllText(System.IO.Path.Combine(Path, "metrics.jsonl"), jsonl.ToString());
        AtomicFile.WriteAllText(System.IO.Path.Combine(Path, "metrics.csv"), MetricsCsv(history));
    }

    private static readonly JsonSerializerOptions MetricsLine = new(ExperimentJson.Options) { WriteIndented = false };

    /// <summary>The epochs of a run's metrics.jsonl, one JSON object a line.</summary>
    public static IReadOnlyList<EpochMetrics> ReadMetrics(string path)
    {
        if (!File.Exists(path)) return [];
        var history = new List<EpochMetrics>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                history.Add(JsonSerializer.Deserialize<EpochMetrics>(line, MetricsOptions)
                    ?? throw new InvalidDataException($"{path}:{lineNumber}: empty metrics line."));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a metrics line ({e.Message})", e);
            }
        }
        return history;
    }

    // Metrics lines also hold computed values (testNegativeElbo) that are not read back.
    private static readonly JsonSerializerOptions MetricsOptions = new(ExperimentJson.Options)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
    };

    internal static string MetricsCsv(IReadOnlyList<EpochMetrics> history)
    {
        static string F(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";
        int latent = history.Count == 0 ? 0 : history[0].KlPerDimension.Length;
        var csv = new StringBuilder("epoch,step,train_loss,train_reconstruction,train_kl,kl_weight,kl_target,test_loss,test_reconstruction,test_kl,seconds");
        for (int d = 0; d < latent; d++) csv.Append(",kl_dim_").Append(d);
        bool classifies = history.Any(m => m.TestClassificationError is not null); // a classifying model's column comes last
        if (classifies) csv.Append(",test_classification_error");
        var terms = history.SelectMany(m => m.Terms?.Keys ?? Enumerable.Empty<string>()).Distinct().ToList(); // a model's further terms, last
        foreach (var name in terms) csv.Append(",train_").Append(name);
        csv.AppendLine();
        foreach (var m in history)
        {
            csv.Append(m.Epoch).Append(',').Append(m.Step).Append(',')
               .AppendJoin(',', F(m.TrainLoss), F(m.TrainReconstruction), F(m.TrainKl), F(m.KlWeight), F(m.KlTarget),
                   F(m.TestLoss), F(m.TestReconstruction), F(m.TestKl), F(m.Seconds));
            foreach (var kl in m.KlPerDimension) csv.Append(',').Append(F(kl));
            if (classifies) csv.Append(',').Append(F(m.TestClassificationError));
            foreach (var name in terms) csv.Append(',').Append(F(m.Terms?.GetValueOrDefault(name)));
            csv.AppendLine();
        }
        return csv.ToString();
    }

    public void Dispose()
    {
        if (_lock is null) return;
        RunHolder.Remove(Path);
        _lock.Dispose();
        _lock = null;
        // A run that stopped before writing anything leaves no empty folder behind.
        // Nor an empty experiment folder (a run that never started was its only content).
        try
        {
            if (Directory.Exists(Path) && !Directory.EnumerateFileSystemEntries(Path).Any())
            {
                Directory.Delete(Path);
                string parent = System.IO.Path.GetDirectoryName(Path)!;
                if (!Directory.EnumerateFileSystemEntries(parent).Any()) Directory.Delete(parent);
            }
        }
        catch (IOException) { /* another process wrote into it meanwhile: it is not ours to remove */ }
        catch (UnauthorizedAccessException) { }
    }
}
