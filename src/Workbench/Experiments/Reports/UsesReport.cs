using System.Globalization;
using System.Text.Json;
using Workbench.Display;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.Plotting.Charts;

namespace Workbench.Experiments.Reports;

/// <summary>
/// The report sections on what a trained VAE is used for: anomaly detection (runs with <c>anomaly.json</c>)
/// and denoising (runs with <c>denoising.json</c>).
/// </summary>
internal static class UsesReport
{
    public static IEnumerable<ReportSection> Sections(IReadOnlyList<ReportRun> runs, List<string> notes)
    {
        var anomaly = runs.Select(r => Read<AnomalyDetection>(r, AnomalyDetection.FileName)).OfType<AnomalyDetection>().OrderBy(a => a.HeldOutClass).ToList();
        if (anomaly.Count > 0) yield return AnomalySection(anomaly);
        var denoising = runs.Select(r => (Run: r, Results: Read<DenoisingResult[]>(r, DenoisingArtifacts.FileName))).Where(x => x.Results is not null).ToList();
        if (denoising.Count > 0) yield return DenoisingSection(denoising!, notes);
    }

    /// <summary>The table, the AUROC bars and the histograms of the best- and worst-detected class.</summary>
    public static ReportSection AnomalySection(IReadOnlyList<AnomalyDetection> results)
    {
        int k = results.Max(r => r.ImportanceSamples);
        return new ReportSection("Anomaly detection",
            "Each run trains without one class and scores every test image of all ten classes; a higher score should mean an anomaly. " +
            $"Scores: −ELBO (one z), the importance-weighted bound −L_k{(k > 0 ? $" (k = {k})" : "")}, and the squared reconstruction error of E[x | z = μ(x)].",
            [new("anomaly-auroc", AurocFigure(results)), new("anomaly-histograms", HistogramFigure(results))], [], AurocTable(results).ToHtml());
    }

    /// <summary>One row per held-out class, one AUROC column per score.</summary>
    public static HtmlTable AurocTable(IReadOnlyList<AnomalyDetection> results)
    {
        var scoreNames = results.SelectMany(r => r.Scores.Select(s => s.Score)).Distinct().ToArray();
        int k = results.Max(r => r.ImportanceSamples);
        var table = new HtmlTable(["held-out class", .. scoreNames.Select(s => $"AUROC {s}"), "held-out / all test images"],
            "AUROC of telling the held-out class from the classes seen in training, per score (1 = perfect, 0.5 = chance, below 0.5 = the held-out class scores as more typical than the training classes)" +
            (k > 0 ? $"; the importance-weighted score is −L_k with k = {k} samples per image" : ""));
        foreach (var r in results.OrderBy(r => r.HeldOutClass))
            table.AddRow([r.ClassName, .. scoreNames.Select(s => r.AurocOf(s) is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "–"), $"{r.HeldOutImages} / {r.Images}"]);
        return table;
    }

    /// <summary>AUROC bars per held-out class, grouped by score.</summary>
    public static Plotting.Figure AurocFigure(IReadOnlyList<AnomalyDetection> results) =>
        VaeCharts.AurocPerClass(results.OrderBy(r => r.HeldOutClass).SelectMany(r => r.Scores.Select(s => new AurocBar(r.ClassName, r.Symbol(s.Score), s.Auroc))).ToArray());

    /// <summary>The score histograms of the best-detected held-out class (mean AUROC over the scores) and of the worst, one row each.</summary>
    public static Plotting.Figure HistogramFigure(IReadOnlyList<AnomalyDetection> results)
    {
        var best = results.MaxBy(MeanAuroc)!;
        var worst = results.MinBy(MeanAuroc)!;
        var shown = best == worst ? [best] : new[] { best, worst };
        return VaeCharts.ScoreHistograms(shown.SelectMany(r => r.Histograms()).ToArray(), columns: best.Scores.Length,
            title: shown.Length == 1 ? $"Anomaly scores of held-out {best.ClassName} against the other classes"
                : $"Anomaly scores: the best-detected held-out class ({best.ClassName}, top) and the worst ({worst.ClassName}, bottom)");
    }

    private static double MeanAuroc(AnomalyDetection r) => r.Scores.Average(s => s.Auroc);

    private static ReportSection DenoisingSection(IReadOnlyList<(ReportRun Run, DenoisingResult[] Results)> runs, List<string> notes)
    {
        var labels = runs.Select(x => RunLabels.For(x.Run)).ToArray();
        var results = runs.Select((x, i) => (labels[i], (IReadOnlyList<DenoisingResult>)x.Results)).ToArray();
        var charts = new List<ReportChart> { new("denoising-psnr", PsnrFigure(results)) };
        try
        {
            var models = runs.Select((x, i) => (labels[i], TrainedRun.Load(x.Run.Folder).Model)).ToArray();
            var test = ExperimentData.Load(runs[0].Run.Definition.Data).Test;
            charts.Add(new ReportChart("denoising-pictures", DenoisingArtifacts.Figure(models, test, runs[0].Run.Summary.Seed)));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            notes.Add($"denoising pictures skipped: {e.Message}");
        }
        return new ReportSection("Denoising",
            "Test images corrupted three ways and passed through each model, E[x | z = μ(x̃)]; PSNR of the corrupted input and of each output against the clean image.",
            charts, [], PsnrTable(results).ToHtml());
    }

    /// <summary>One row per corruption: the corrupted input's PSNR, then each model's output's.</summary>
    public static HtmlTable PsnrTable(IReadOnlyList<(string Label, IReadOnlyList<DenoisingResult> Results)> models)
    {
        var corruptions = models[0].Results;
        var table = new HtmlTable(["corruption", "corrupted input", .. models.Select(m => $"{m.Label} output")],
            $"Mean PSNR against the clean image, dB, over the first {corruptions[0].Images} test images (higher is closer)");
        foreach (var c in corruptions)
            table.AddRow([c.Description, Db(c.InputPsnr), .. models.Select(m => m.Results.FirstOrDefault(r => r.Corruption == c.Corruption) is { } r ? Db(r.OutputPsnr) : "–")]);
        return table;
    }

    /// <summary>PSNR bars per corruption: the corrupted input and each model's output.</summary>
    public static Plotting.Figure PsnrFigure(IReadOnlyList<(string Label, IReadOnlyList<DenoisingResult> Results)> models)
    {
        var bars = new List<PsnrBar>();
        foreach (var c in models[0].Results)
        {
            bars.Add(new PsnrBar(c.Description, "corrupted input", c.InputPsnr));
            foreach (var (label, results) in models)
                if (results.FirstOrDefault(r => r.Corruption == c.Corruption) is { } r) bars.Add(new PsnrBar(c.Description, $"{label} output", r.OutputPsnr));
        }
        return VaeCharts.PsnrPerCorruption(bars);
    }

    private static string Db(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static T? Read<T>(ReportRun run, string file) where T : class
    {
        var path = Path.Combine(run.Folder, file);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), ExperimentJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid {file} ({e.Message})", e);
        }
    }
}
