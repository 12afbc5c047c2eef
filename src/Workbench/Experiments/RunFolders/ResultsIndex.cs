using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.IO;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// <c>results/index.json</c>: every finished run's summary in one JSON array (load it with
/// <c>pandas.read_json</c> or from a notebook). Rebuilt from the summaries on disk, under a lock,
/// so concurrent experiments each leave a complete index.
/// </summary>
public static class ResultsIndex
{
    public const string FileName = "index.json";

    /// <summary>
    /// Rewrites the index from every readable <c>*/*/summary.json</c> under <paramref name="resultsRoot"/>;
    /// an unreadable one is left out and reported to <paramref name="warn"/> (one broken run elsewhere
    /// must not stop every experiment sharing the folder from being indexed).
    /// </summary>
    /// <param name="experiment">Index only this experiment's runs (null: every experiment).</param>
    /// <param name="indexFolder">Where index.json goes (null: the results root), e.g. the experiment folder itself.</param>
    public static IReadOnlyList<RunSummary> Rebuild(string resultsRoot, Action<string>? warn = null, string? experiment = null, string? indexFolder = null)
    {
        indexFolder ??= resultsRoot;
        Directory.CreateDirectory(indexFolder);
        using var _ = FileLock.Wait(Path.Combine(indexFolder, ".index.lock"));
        StaleTempFiles.RemoveOf(indexFolder, FileName); // a killed rebuild's half-written index
        var summaries = Read(resultsRoot, experiment, warn ?? (_ => { }));
        AtomicFile.WriteAllText(Path.Combine(indexFolder, FileName), JsonSerializer.Serialize(summaries, ExperimentJson.Options) + "\n");
        return summaries;
    }

    /// <summary>
    /// Every finished run's summary, ordered by experiment and run. An unreadable summary throws, or
    /// when <paramref name="warn"/> is given, is skipped and reported to it.
    /// </summary>
    public static List<RunSummary> Read(string resultsRoot, string? experiment = null, Action<string>? warn = null)
    {
        var list = new List<RunSummary>();
        if (!Directory.Exists(resultsRoot)) return list;
        foreach (var experimentDirectory in Directory.EnumerateDirectories(resultsRoot).Order(StringComparer.Ordinal))
        {
            if (experiment is not null && Path.GetFileName(experimentDirectory) != experiment) continue;
            foreach (var runDirectory in Directory.EnumerateDirectories(experimentDirectory).Order(StringComparer.Ordinal))
            {
                var file = Path.Combine(runDirectory, RunFolder.SummaryFile);
                if (!File.Exists(file)) continue;
                try
                {
                    list.Add(RunFiles.ReadSummary(file));
                }
                catch (InvalidDataException e) when (warn is not null)
                {
                    warn(e.Message + "; left out of the index");
                }
            }
        }
        return list;
    }
}
