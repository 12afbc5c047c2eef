using Workbench.Experiments.RunFolders;
using Workbench.Plotting;
using Workbench.Training;

namespace Workbench.Experiments.Figures;

/// <summary>The figures of a run on sentences: the ELBO components per epoch, in nats per sentence.</summary>
public static class SentenceFigures
{
    /// <summary>The figure file's name in the run's figures/ folder.</summary>
    public const string ElboFile = "elbo-components";

    /// <summary>
    /// The image runs' ELBO-components figure (<see cref="RunArtifacts.ElboFigure"/>) of a run on sentences, its axis in
    /// nats per sentence. A language model's reconstruction curve is its NLL and its KL is 0.
    /// </summary>
    public static Figure ElboFigure(IReadOnlyList<EpochMetrics> history, string title)
    {
        var figure = RunArtifacts.ElboFigure(history, title);
        figure.Layout.YAxis().Title = "nats per sentence";
        return figure;
    }

    /// <summary>Draws a finished run's ELBO figure again from its metrics.jsonl; returns what was done.</summary>
    public static IReadOnlyList<string> Redraw(string runFolder, FigureFiles figures)
    {
        var history = RunFolder.ReadMetrics(Path.Combine(runFolder, "metrics.jsonl"));
        var summary = RunFiles.ReadSummary(Path.Combine(runFolder, RunFolder.SummaryFile));
        figures.Save(ElboFigure(history, $"{summary.Experiment} / {summary.Run}: ELBO components, nats per sentence"), Path.Combine(runFolder, "figures"), ElboFile);
        return [$"{runFolder}: the ELBO figure drawn again from metrics.jsonl (a run on sentences has no pictures)"];
    }
}
