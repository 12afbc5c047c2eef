using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.Training;

namespace Workbench.Experiments.Reports;

/// <summary>
/// What the experiment report knows about one finished run: its summary, its per-epoch metrics,
/// its resolved configuration and, when <c>workbench eval</c> was run on it, its <c>eval.json</c>.
/// </summary>
public sealed record ReportRun(string Folder, RunSummary Summary, IReadOnlyList<EpochMetrics> History, ExperimentDefinition Definition, RunEvaluation? Evaluation)
{
    public string Id => Summary.Run;

    /// <summary>
    /// True for a run of a model composed in code: it has no model configuration (<see cref="ExperimentDefinition.Model"/>
    /// holds the defaults), so the comparisons that read one leave it out; its summary, metrics and pictures are read as any run's.
    /// </summary>
    public bool IsComposed { get; init; }

    /// <summary>The training objective as experiment files spell it (elbo, kl-only, …).</summary>
    public string Objective => JsonNamingPolicy.KebabCaseLower.ConvertName(Summary.Objective);

    /// <summary>The importance-weighted bound from the run's summary, else from its eval.json.</summary>
    public double? ImportanceWeightedBound => Summary.ImportanceWeightedBound ?? Evaluation?.ImportanceWeightedBound;

    /// <summary>k of <see cref="ImportanceWeightedBound"/>: from the summary when it holds the bound, else from eval.json.</summary>
    public int? ImportanceSamples => Summary.ImportanceWeightedBound is not null ? Summary.ImportanceSamples : Evaluation?.ImportanceSamples;

    /// <summary>
    /// How many test images <see cref="ImportanceWeightedBound"/> averages over; null where it is unknown (no bound, or
    /// a summary written before the count was recorded).
    /// </summary>
    public int? ImportanceImages => Summary.ImportanceWeightedBound is not null ? Summary.ImportanceImages : Evaluation?.ImportanceImages;

    /// <summary>The run's per-step training log (steps.jsonl); empty for runs logged per epoch only.</summary>
    public IReadOnlyList<StepMetrics> Steps => _steps ??= StepLog.Read(Folder);
    private IReadOnlyList<StepMetrics>? _steps;

    /// <summary>Path of a picture the run wrote into images/, or null when it did not write it.</summary>
    public string? Image(string name)
    {
        var path = Path.Combine(Folder, "images", name + ".png");
        return File.Exists(path) ? path : null;
    }

    /// <summary>Every finished run (a sub-folder with summary.json) of <paramref name="experimentFolder"/>, in the order they finished.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A summary, metrics file or configuration is corrupt.</exception>
    public static IReadOnlyList<ReportRun> ReadAll(string experimentFolder)
    {
        if (!Directory.Exists(experimentFolder)) throw new DirectoryNotFoundException($"Experiment folder '{experimentFolder}' does not exist.");
        var runs = new List<ReportRun>();
        foreach (var folder in Directory.EnumerateDirectories(experimentFolder).Order(StringComparer.Ordinal))
        {
            var summaryPath = Path.Combine(folder, RunFolder.SummaryFile);
            if (!File.Exists(summaryPath)) continue;
            var summary = RunFiles.ReadSummary(summaryPath);
            var configuration = RunConfiguration.Read(Path.Combine(folder, TrainedRun.ConfigFile));
            var evalPath = Path.Combine(folder, RunEvaluation.FileName);
            var evaluation = File.Exists(evalPath) ? RunFiles.ReadJson<RunEvaluation>(evalPath, "evaluation") : null;
            runs.Add(new ReportRun(folder, summary, ReadMetrics(Path.Combine(folder, "metrics.jsonl")), configuration.Definition, evaluation)
            {
                IsComposed = configuration.IsComposed,
            });
        }
        // Experiment order: the runner trains a grid's runs in the order the experiment lists them.
        return runs.OrderBy(r => r.Summary.Finished).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The epochs of a run's metrics.jsonl, one JSON object a line (<see cref="RunFolder.ReadMetrics"/>).</summary>
    public static IReadOnlyList<EpochMetrics> ReadMetrics(string path) => RunFolder.ReadMetrics(path);
}
