using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.IO;
using Workbench.Models.Kl;
using Workbench.Plotting;
using Workbench.Plotting.Rendering;

namespace Workbench.Experiments.Reports;

/// <summary>
/// The report of an experiment: comparison figures in <c>&lt;experiment&gt;/figures/</c> (HTML, and
/// PNG through the exporter) and one page, <c>&lt;experiment&gt;/report.html</c>, with the description,
/// a table of the runs' summaries, every figure and every run's pictures. The page loads the results
/// folder's one copy of plotly.js and the runs' PNGs by relative path (offline, and small); a
/// self-contained page inlines both.
/// Which comparisons appear depends on what differs between the runs: β, objective, KL penalty,
/// and whether a run is a conditional VAE.
/// </summary>
public static class ExperimentReport
{
    public const string FileName = "report.html";

    /// <summary>Writes the figures and <c>report.html</c>; returns the report's path and notes (e.g. PNGs skipped).</summary>
    /// <exception cref="DirectoryNotFoundException">The experiment folder does not exist.</exception>
    /// <exception cref="InvalidDataException">It holds no finished run, or a run's files are corrupt.</exception>
    /// <param name="selfContained">Inline plotly.js and the pictures into report.html, so the one file can be sent on its own;
    /// otherwise the pages load the results folder's shared plotly.js and the run folders' PNGs by relative path.</param>
    /// <param name="plotlyFolder">The folder whose shared plotly.js the pages load (written there when missing). Null: the
    /// experiment folder's own copy, else the results folder's when it has one, else a copy written into the experiment
    /// folder: a report written on its own writes nothing outside the folder it was given.</param>
    public static (string Path, IReadOnlyList<string> Notes) Write(string experimentFolder, IFigureImageExporter? exporter = null, bool selfContained = false,
        string? plotlyFolder = null)
    {
        var runs = ReportRun.ReadAll(experimentFolder);
        if (runs.Count == 0)
            throw new InvalidDataException($"'{experimentFolder}' holds no finished run (no */{RunFolder.SummaryFile}); run the experiment first.");
        var definition = runs[0].Definition;
        var experimentPath = Path.GetFullPath(experimentFolder);
        // One writer of the report at a time; it alone may remove what a killed writer left half-written.
        using var _ = FileLock.Wait(Path.Combine(experimentPath, ".report.lock"));
        StaleTempFiles.RemoveOf(experimentPath, FileName);
        StaleTempFiles.Remove(Path.Combine(experimentPath, "figures"), within: experimentPath);
        string? sharedRoot = selfContained || !PlotlyBundle.IsAvailable ? null : plotlyFolder ?? PlotlyFolder(experimentPath);
        var files = new FigureFiles(exporter, sharedRoot);
        var notes = new List<string>();
        var sections = Sections(runs, notes);
        var figuresDirectory = Path.Combine(experimentFolder, "figures");
        foreach (var section in sections)
            foreach (var chart in section.Charts)
                files.Save(chart.Figure, figuresDirectory, chart.FileName, chart.Figure.Layout.Width ?? 900, chart.Figure.Layout.Height ?? 500);

        var title = $"Experiment {definition.Name}";
        var plotlySource = sharedRoot is null ? null : SharedPlotly.RelativeUrl(experimentPath, sharedRoot);
        var html = ReportHtml.Render(title, definition.Description, runs, sections, plotlySource, imagesRelativeTo: sharedRoot is null ? null : experimentPath);
        var path = Path.Combine(experimentPath, FileName);
        AtomicFile.WriteAllText(path, html);
        notes.AddRange(files.Notes);
        return (path, notes);
    }

    /// <summary>Where a report written on its own finds plotly.js: see <see cref="Write"/>.</summary>
    private static string PlotlyFolder(string experimentPath)
    {
        if (File.Exists(Path.Combine(experimentPath, SharedPlotly.FileName))) return experimentPath;
        var resultsRoot = Path.GetDirectoryName(experimentPath);
        return resultsRoot is not null && File.Exists(Path.Combine(resultsRoot, SharedPlotly.FileName)) ? resultsRoot : experimentPath;
    }

    /// <summary>The report's sections for these runs, in reading order.</summary>
    internal static List<ReportSection> Sections(IReadOnlyList<ReportRun> runs, List<string> notes)
    {
        if (SentenceReport.Applies(runs)) return SentenceReport.Sections(runs);
        // One run: its own curves, training per step beside the epoch means and the test set; several: test curves side by side.
        var sections = new List<ReportSection>
        {
            runs.Count == 1
                ? new("Training curves", "Reconstruction term, KL term and −ELBO, nats per image: training every few steps and per epoch, the test set after every epoch.",
                    [new ReportChart("elbo-components", RunArtifacts.ElboFigure(runs[0].History, "ELBO terms during training", runs[0].Steps))], [])
                : new("Training curves", "Test-set reconstruction term, KL term and −ELBO after every epoch, nats per image.",
                    [new ReportChart("elbo-components", ComparisonFigures.ElboComponentsPerRun(runs))], []),
        };
        // β is the final KL weight; capacity annealing has none (NaN) and takes no part in the comparison.
        if (Differ(runs.Where(r => !double.IsNaN(r.Summary.Beta)).ToArray(), r => r.Summary.Beta))
            sections.Add(new ReportSection(Differ(runs, r => r.Summary.Objective) ? "Rate and distortion" : "β comparison",
                "Higher β buys a lower rate (KL) at the price of distortion (reconstruction), Alemi et al. (2018); the bars show how the KL spreads over latent dimensions.",
                [new ReportChart("rate-distortion", ComparisonFigures.RateDistortion(runs)), new ReportChart("kl-per-dimension", ComparisonFigures.PerDimensionKl(runs))], []));
        // Semi-supervised runs differ in objective (M2 and its classifier-only baseline) but are compared by their test error below.
        var unlabelled = runs.Where(r => r.Summary.Labels is null).ToArray();
        if (Differ(unlabelled, r => r.Summary.Objective))
        {
            var charts = new List<ReportChart>();
            if (LatentPanels(unlabelled, notes) is { Panels.Count: > 0 } latent)
                charts.Add(new ReportChart("latent-per-objective", ComparisonFigures.LatentScatterPerRun(latent.Panels, latent.ClassNames, "Latent space per objective: μ(x) of test images")));
            sections.Add(new ReportSection("Objective ablation",
                "Each run optimises a different objective; the pictures below show what each one learned.", charts, []));
        }
        // A model composed in code has no KL penalty configuration to draw its schedule from.
        var configured = runs.Where(r => !r.IsComposed).ToArray();
        if (Differ(configured, r => PenaltyKind(r.Definition.Model.ResolveKlPenalty())))
            sections.Add(new ReportSection("KL schedules", "The KL weight each run trained with, and the KL it reached.",
                [new ReportChart("kl-schedules", ComparisonFigures.KlSchedules(configured))], []));
        // Models that report further training terms (a VAE–GAN's three losses): one figure per such run.
        var withTerms = runs.Where(r => r.History.Any(m => m.Terms is not null)).ToArray();
        if (withTerms.Length > 0)
            sections.Add(new ReportSection("Further training terms",
                "Per-epoch means of the terms a model reports besides the ELBO: for the VAE–GAN its encoder, decoder and discriminator losses, " +
                "the feature-wise reconstruction L_llike, L_GAN, the discriminator's cross-entropies on real images and prior samples (nats), " +
                "and the share of steps the equilibrium rule let the decoder and the discriminator update.",
                withTerms.Select((r, i) => new ReportChart(Running.ExperimentRunner.TrainingTermsFile + (withTerms.Length > 1 ? "-" + (i + 1) : ""),
                    RunArtifacts.TrainingTermsFigure(r.History, $"{r.Id}: training terms per epoch")!)).ToList(), []));
        if (runs.Any(r => r.Summary.Mig is not null)) sections.Add(DisentanglementSection(runs));
        if (runs.Any(r => r.Summary.SampleQuality is not null))
            sections.Add(new ReportSection("Sample quality",
                "Fréchet distance between Gaussian fits of classifier features of generated and real test images (lower is better); precision: the share of samples inside the real images' k-NN manifold, recall: the share of real images inside the samples' (Kynkäänniemi et al. 2019).",
                [new ReportChart("sample-quality", SampleQualityFigures.Compare(runs))], []));
        if (SemiSupervisedFigures.Results(runs) is { Count: > 0 })
            sections.Add(new ReportSection("Semi-supervised classification",
                "Test error of the classifier q(y|x) on the test images against the number of labelled training images, per model: the mean over the label draws " +
                "(the labelled images drawn per class with each label seed) with ± one sample standard deviation, and each draw a faint point.",
                [new ReportChart("error-vs-labels", SemiSupervisedFigures.ErrorAgainstLabels(runs))], [], SemiSupervisedFigures.Table(runs).ToHtml()));
        sections.AddRange(UsesReport.Sections(runs, notes));
        sections.AddRange(ReportPictures.Sections(runs, notes));
        return sections;
    }

    /// <summary>MIG against reconstruction per method, and the labelled traversals of the run with the highest MIG.</summary>
    private static ReportSection DisentanglementSection(IReadOnlyList<ReportRun> runs)
    {
        var charts = new List<ReportChart> { new("mig-vs-reconstruction", DisentanglementFigures.MigVsReconstruction(runs)) };
        if (DisentanglementFigures.BestRun(runs) is { } best && DisentanglementFigures.LabelledTraversals(best) is { } traversals)
            charts.Add(new ReportChart("best-run-traversals", traversals));
        var perMethod = string.Join("; ", DisentanglementFigures.Methods(runs).Select(m => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{m.Method}: MIG {m.MeanMig:0.000} ± {m.SdMig:0.000}, reconstruction {m.MeanReconstruction:0.0} ± {m.SdReconstruction:0.0} nats ({m.Mig.Length} runs)")));
        return new ReportSection("Disentanglement",
            "The Mutual Information Gap (Chen et al. 2018) of the posterior means on the test sprites, against the test reconstruction term: " +
            "higher MIG means each factor (shape, scale, rotation, x, y) is captured by one latent dimension more than by any other. " +
            $"Mean ± sample standard deviation over seeds: {perMethod}.", charts, []);
    }

    /// <summary>The form of a KL penalty without its β: runs that differ only in β are compared as a β sweep instead.</summary>
    private static string PenaltyKind(KlPenalty penalty) => penalty switch
    {
        WeightedKl w => w.Schedule.GetType().Name,
        FreeBits f => $"{nameof(FreeBits)}({f.Lambda}, {f.Schedule.GetType().Name})",
        _ => penalty.ToString(),
    };

    private static bool Differ<T>(IReadOnlyList<ReportRun> runs, Func<ReportRun, T> key) => runs.Select(key).Distinct().Skip(1).Any();

    /// <summary>μ(x) of up to 1000 test images per run, recomputed from each run's model.</summary>
    private static (List<LatentPanel> Panels, IReadOnlyList<string>? ClassNames) LatentPanels(IReadOnlyList<ReportRun> runs, List<string> notes)
    {
        var panels = new List<LatentPanel>();
        IReadOnlyList<string>? classNames = null;
        var data = new Dictionary<string, ImageDataset>();
        foreach (var run in runs)
        {
            if (run.Summary.LatentSize < 2) continue;
            // A notebook's in-memory images are drawn from the copy the run folder keeps of them, when it keeps one.
            if (run.IsComposed || (run.Definition.Data.Fingerprint is not null && !KeptTestImages.Exist(run.Folder)))
            {
                notes.Add($"latent scatter of {run.Id} skipped: " + (run.IsComposed
                    ? "its model was composed in code, and the report does not rebuild it"
                    : "its images were handed over in memory by a notebook, and its folder does not keep them"));
                continue;
            }
            try
            {
                var trained = TrainedRun.Load(run.Folder);
                var spec = trained.Definition.Data;
                var key = $"{spec.Dataset}|{spec.Directory}|{spec.TrainLimit}|{spec.TestLimit}|{spec.Fingerprint}";
                if (!data.TryGetValue(key, out var test)) data[key] = test = trained.TestImages();
                var (means, labels) = Pictures.LatentMeans(trained.Model, test, count: 1000);
                panels.Add(new LatentPanel(RunLabels.For(run), means.ToArray(), run.Summary.LatentSize, labels, run.Summary.KlPerDimension));
                classNames ??= test.ClassNames;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                notes.Add($"latent scatter of {run.Id} skipped: {e.Message}");
            }
        }
        return (panels, classNames);
    }
}

/// <summary>A figure of the report and the file name (without extension) it is saved under in figures/.</summary>
internal sealed record ReportChart(string FileName, Figure Figure);

/// <summary>A PNG picture embedded in the report, with its caption.</summary>
internal sealed record ReportImage(string Caption, string Path);

/// <summary>A heading, a sentence on what to look for, and its charts and pictures; optionally a table (HTML) first.</summary>
internal sealed record ReportSection(string Heading, string Explanation, IReadOnlyList<ReportChart> Charts, IReadOnlyList<ReportImage> Images, string? TableHtml = null);
