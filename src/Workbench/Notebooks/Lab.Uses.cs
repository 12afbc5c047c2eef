using Workbench.Data;
using Workbench.Display;
using Workbench.Evaluation;
using Workbench.Experiments.Reports;
using Workbench.Experiments.Running;
using Workbench.Models;
using Workbench.Plotting;

namespace Workbench.Notebooks;

// What a trained VAE is used for: anomaly detection and denoising.
public static partial class Lab
{
    /// <summary>
    /// Scores every image of <paramref name="test"/> with a model trained without <paramref name="heldOutClass"/>
    /// by −ELBO, the importance-weighted bound (k = <paramref name="importanceSamples"/>) and the reconstruction
    /// error, and the AUROC of each for telling that class from the rest.
    /// </summary>
    public static AnomalyDetection DetectAnomalies(VariationalAutoencoder model, ImageDataset test, int heldOutClass, int importanceSamples = 50, ulong seed = 0) =>
        Experiments.Running.AnomalyDetection.Evaluate(model, test, heldOutClass, importanceSamples, seed);

    /// <summary>AUROC per held-out class (rows) and score (columns).</summary>
    public static HtmlTable AurocTable(IEnumerable<AnomalyDetection> results) => UsesReport.AurocTable(results.ToList());

    /// <summary>AUROC bars per held-out class, grouped by score.</summary>
    public static Figure AurocFigure(IEnumerable<AnomalyDetection> results) => UsesReport.AurocFigure(results.ToList());

    /// <summary>The score histograms of the best- and worst-detected held-out class.</summary>
    public static Figure ScoreHistograms(IEnumerable<AnomalyDetection> results) => UsesReport.HistogramFigure(results.ToList());

    /// <summary>Mean PSNR of corrupted test images and of each run's reconstructions of them, per standard corruption.</summary>
    public static HtmlTable DenoisingTable(IEnumerable<LabRun> runs, ImageDataset test, int images = 1000, ulong seed = 0) =>
        UsesReport.PsnrTable(runs.Select(r => (r.Name, Denoising.Evaluate(r.Model, test, Corruption.Standard, images, seed))).ToList());

    /// <summary>Clean test images, corrupted, and each run's reconstruction, one labelled row each.</summary>
    public static Figure DenoisingPictures(IEnumerable<LabRun> runs, ImageDataset test, ulong seed = 0) =>
        DenoisingArtifacts.Figure(runs.Select(r => (r.Name, r.Model)).ToList(), test, seed);
}
