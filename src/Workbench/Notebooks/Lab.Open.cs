using System.Text.Json;
using Workbench.Evaluation;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.IO;
using Workbench.Models;

namespace Workbench.Notebooks;

// Opening finished runs, from the CLI or from notebooks.
public static partial class Lab
{
    /// <summary>
    /// A finished run (from <c>workbench run</c>, <c>workbench train</c> or a notebook) with its model,
    /// history and test numbers, ready for the same pictures and comparisons as a run trained here.
    /// A configured run rebuilds its model from <c>config.json</c>; a run of a model composed in code needs
    /// that model, freshly built, in <paramref name="model"/> (its weights are loaded from the run).
    /// </summary>
    public static LabRun OpenRun(string folder, VariationalAutoencoder? model = null, string? name = null)
    {
        var path = Path.GetFullPath(folder);
        var summaryPath = Path.Combine(path, RunFolder.SummaryFile);
        if (!File.Exists(summaryPath)) throw new FileNotFoundException($"{summaryPath} is missing: '{folder}' is not a finished run.", summaryPath);
        var summary = RunFiles.ReadSummary(summaryPath);
        Training.TrainingOptions options;
        if (model is null)
        {
            if (summary.Variant == "composed")
                throw new ArgumentException($"{folder} holds a model composed in code; build the same model and pass it: Lab.OpenRun(folder, model).", nameof(model));
            var trained = TrainedRun.Load(path);
            model = trained.Model;
            options = trained.Definition.Training;
        }
        else
        {
            model.LoadParameters(Path.Combine(path, TrainedRun.ModelFile));
            model.Eval();
            options = RunConfiguration.ReadTraining(Path.Combine(path, TrainedRun.ConfigFile));
        }
        var history = ReportRun.ReadMetrics(Path.Combine(path, "metrics.jsonl"));
        var test = new ElboEvaluation(summary.TestLoss, summary.TestReconstruction, summary.TestKl, summary.KlPerDimension, summary.TestImages);
        return new LabRun(name ?? summary.Run, model, options, history, test, summary.MeanPosteriorSigma, path);
    }

    /// <summary>Every finished run of an experiment folder (e.g. <c>results/beta-sweep</c>), in run-id order, for side-by-side comparisons.</summary>
    public static IReadOnlyList<LabRun> OpenRuns(string experimentFolder)
    {
        var path = Path.GetFullPath(experimentFolder);
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"Experiment folder '{experimentFolder}' does not exist.");
        var runs = Directory.EnumerateDirectories(path)
            .Where(d => File.Exists(Path.Combine(d, RunFolder.SummaryFile)))
            .Order(StringComparer.Ordinal)
            .Select(d => OpenRun(d))
            .ToList();
        if (runs.Count == 0) throw new ArgumentException($"'{experimentFolder}' holds no finished runs.", nameof(experimentFolder));
        return runs;
    }
}
