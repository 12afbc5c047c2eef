using Workbench.Display;
using System.Text;
using Workbench.Evaluation;
using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.Models;
using Workbench.Plotting;
using Workbench.Training;

namespace Workbench.Notebooks;

/// <summary>
/// A model trained in a notebook by <c>Lab.Train</c>: the model, how it was trained, its
/// per-epoch history and its final test-set ELBO. Displays as the ELBO-component figure followed by
/// the table of epochs. Converts implicitly to its model, so <c>Lab.Samples(run)</c> works.
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<LabRun>), PreferredMimeTypes = ["text/html"])]
public sealed class LabRun : IHtmlDisplayable
{
    internal LabRun(string name, VariationalAutoencoder model, TrainingOptions options, IReadOnlyList<EpochMetrics> history,
        ElboEvaluation? test, double? meanPosteriorSigma, string? folder)
    {
        Folder = folder;
        Name = name;
        Model = model;
        Options = options;
        History = history;
        Test = test;
        MeanPosteriorSigma = meanPosteriorSigma;
    }

    /// <summary>The run folder under results/ holding its config, metrics, model, pictures and summary; null for a model trained without a test set.</summary>
    public string? Folder { get; }

    /// <summary>A short label used in legends and tables (e.g. "β=4").</summary>
    public string Name { get; }

    public VariationalAutoencoder Model { get; }

    /// <summary>The configuration the model was built from; null for a model composed by hand.</summary>
    public VaeConfig? Config => Model.Config;

    public TrainingOptions Options { get; }

    /// <summary>One entry per epoch.</summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>
    /// The training log every few optimizer steps (the run folder's steps.jsonl: step, epoch, loss, reconstruction, KL and
    /// KL weight of the batch, nats per image); empty for a run without a folder or one logged per epoch only. Read once.
    /// </summary>
    public IReadOnlyList<StepMetrics> Steps => _steps ??= Folder is null ? [] : StepLog.Read(Folder);
    private IReadOnlyList<StepMetrics>? _steps;

    /// <summary>ELBO components on the test set after training; null when no test set was given.</summary>
    public ElboEvaluation? Test { get; }

    /// <summary>Mean σ of q(z|x) on the test set (<see cref="Evaluator.MeanPosteriorSigma"/>); null without a test set.</summary>
    public double? MeanPosteriorSigma { get; }

    /// <summary>The final KL weight β (<see cref="Models.Objectives.TrainingObjective.Beta"/>); NaN where there is none (capacity annealing).</summary>
    public double Beta => Model.Objective.Beta ?? double.NaN;

    /// <summary>What the model was trained to minimise, e.g. "ELBO, linear warm-up to β=1 over 30 %".</summary>
    public string Objective => Model.Objective.Describe();

    public static implicit operator VariationalAutoencoder(LabRun run) => run.Model;

    /// <summary>The per-epoch reconstruction, KL and −ELBO, train and test.</summary>
    public Figure ElboFigure() => RunArtifacts.ElboFigure(History, $"{Name}: negative ELBO and its terms");

    /// <summary>The history as a table.</summary>
    public MetricsTable Metrics() => new(History, $"{Name}: training history (nats per image)");

    public string ToHtml()
    {
        var html = new StringBuilder(ElboFigure().ToHtml());
        html.Append(Metrics().ToHtml());
        return html.ToString();
    }

    public override string ToString() =>
        Test is { } t
            ? $"{Name}: {Objective}, latent {Model.LatentSize}, {History.Count} epochs; test −ELBO {t.NegativeElbo:F2} (rec {t.Reconstruction:F2}, KL {t.Kl:F2})"
            : $"{Name}: {Objective}, latent {Model.LatentSize}, {History.Count} epochs";
}
