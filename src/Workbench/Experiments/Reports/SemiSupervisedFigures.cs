using System.Globalization;
using Workbench.Display;
using Workbench.Experiments.RunFolders;
using Workbench.Plotting;
using Workbench.Plotting.Charts;

namespace Workbench.Experiments.Reports;

/// <summary>
/// The report's semi-supervised comparison (M2, Kingma et al. 2014, and its baseline): the test error of the
/// classifier q(y|x) against the number of labelled images, per model, as the mean ± sample standard deviation
/// over the label draws (runs that differ only in their label seed), as a figure and a table. A run counts when
/// its summary has both a number of labels and a test classification error; the model is the run's objective
/// as its summary describes it, so M2 with another α is a model of its own.
/// </summary>
public static class SemiSupervisedFigures
{
    /// <summary>One model at one number of labels: the test error of each label draw, in percent, ordered by label seed.</summary>
    public sealed record LabelCountErrors(string Model, int Labels, ulong[] LabelSeeds, double[] ErrorPercent)
    {
        /// <summary>Mean test error over the draws, percent.</summary>
        public double Mean => SeedStatistic.Of(ErrorPercent).Mean;

        /// <summary>Sample standard deviation over the draws (n − 1), percent; null for a single draw.</summary>
        public double? Sd => SeedStatistic.Of(ErrorPercent).Sd;

        /// <summary>The test error of the draw with <paramref name="labelSeed"/>, or null when that draw has no finished run.</summary>
        public double? Draw(ulong labelSeed) => Array.IndexOf(LabelSeeds, labelSeed) is var i and >= 0 ? ErrorPercent[i] : null;
    }

    /// <summary>
    /// The runs with labels and a test classification error, grouped by model (in order of first appearance) and
    /// number of labels (ascending); runs of other models are left out.
    /// </summary>
    public static IReadOnlyList<LabelCountErrors> Results(IReadOnlyList<ReportRun> runs)
    {
        var measured = runs.Where(r => r.Summary.Labels is not null && r.Summary.TestClassificationError is not null).ToArray();
        var models = measured.Select(r => r.Summary.Objective).Distinct().ToList();
        // A model is its objective as the summary describes it, which the grid values need not name: grouped by it, not by SeedGroups.
        return measured
            .GroupBy(r => (Model: r.Summary.Objective, Labels: r.Summary.Labels!.Value))
            .OrderBy(g => models.IndexOf(g.Key.Model)).ThenBy(g => g.Key.Labels)
            .Select(g =>
            {
                var draws = g.OrderBy(r => r.Summary.LabelSeed ?? 0).ToArray();
                return new LabelCountErrors(g.Key.Model, g.Key.Labels, draws.Select(r => r.Summary.LabelSeed ?? 0).ToArray(),
                    draws.Select(r => 100 * r.Summary.TestClassificationError!.Value).ToArray());
            })
            .ToArray();
    }

    /// <summary>
    /// Test error (%) against the number of labels on a log axis, one colour per model: the mean over the label
    /// draws with ± one sample standard deviation as error bars, and each draw a faint point. Models are nudged
    /// apart along x by a few percent so their bars do not hide each other.
    /// </summary>
    /// <exception cref="ArgumentException">No run has labels and a test classification error.</exception>
    public static Figure ErrorAgainstLabels(IReadOnlyList<ReportRun> runs, string? title = null)
    {
        var results = Results(runs);
        if (results.Count == 0) throw new ArgumentException("No run has labels and a test classification error (only semi-supervised runs do).", nameof(runs));
        var models = results.Select(r => r.Model).Distinct().ToArray();
        int maxDraws = results.Max(r => r.ErrorPercent.Length);
        var figure = new Figure();
        for (int m = 0; m < models.Length; m++)
        {
            var rows = results.Where(r => r.Model == models[m]).ToArray();
            var color = VaeCharts.ColorAt(m);
            double nudge = 1 + 0.04 * (m - (models.Length - 1) / 2.0);
            var draws = rows.SelectMany(r => r.ErrorPercent.Select((e, i) => (X: r.Labels * nudge, Y: e, Labels: r.Labels, Seed: r.LabelSeeds[i]))).ToArray();
            figure.Add(new Scatter
            {
                Name = models[m] + ", each draw",
                LegendGroup = models[m],
                ShowLegend = false,
                Mode = ScatterMode.Markers,
                X = draws.Select(d => d.X).ToArray(),
                Y = draws.Select(d => d.Y).ToArray(),
                Text = draws.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Labels} labels, label seed {d.Seed}")).ToArray(),
                HoverTemplate = "%{text}<br>test error %{y:.2f} %<extra></extra>",
                Marker = new Marker { Color = color, Size = 6, Opacity = 0.35 },
            });
            figure.Add(new Scatter
            {
                Name = models[m],
                LegendGroup = models[m],
                Mode = ScatterMode.LinesAndMarkers,
                X = rows.Select(r => r.Labels * nudge).ToArray(),
                Y = rows.Select(r => r.Mean).ToArray(),
                Text = rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Labels} labels, {r.ErrorPercent.Length} draw(s)")).ToArray(),
                HoverTemplate = "%{text}<br>mean test error %{y:.2f} %<extra>" + models[m] + "</extra>",
                ErrorY = new ErrorBars { Array = rows.Select(r => r.Sd ?? double.NaN).ToArray(), Color = color, Thickness = 1.5, Width = 6 },
                Line = new Line { Color = color, Width = 2 },
                Marker = new Marker { Color = color, Size = 8 },
            });
        }
        figure.Layout.Title = title ?? (maxDraws > 1
            ? $"Test error of q(y|x) against the number of labels: mean ± sd over {maxDraws} label draws (faint points: each draw)"
            : "Test error of q(y|x) against the number of labels");
        figure.Layout.XAxis(1).Type = "log";
        figure.Layout.XAxis(1).TickVals = results.Select(r => (double)r.Labels).Distinct().Order().ToArray();
        figure.Layout.XAxis(1).Title = "labelled training images (log scale)";
        figure.Layout.YAxis(1).Title = "test error (%)";
        figure.Layout.YAxis(1).RangeMode = "tozero";
        figure.Layout.Width = 900;
        figure.Layout.Height = 520;
        figure.Layout.Legend = new Legend { Orientation = "h", X = 0, Y = -0.2, YAnchor = "top" };
        return figure;
    }

    /// <summary>
    /// One row per (number of labels, model): the mean ± sd of the test error over the label draws and each draw's
    /// error (by label seed; "–" for a draw without a finished run), in percent with two decimals.
    /// </summary>
    public static HtmlTable Table(IReadOnlyList<ReportRun> runs)
    {
        var results = Results(runs);
        var seeds = results.SelectMany(r => r.LabelSeeds).Distinct().Order().ToArray();
        var table = new HtmlTable(["labels", "model", "test error (%), mean ± sd", .. seeds.Select(s => $"label seed {s}"), "draws"],
            "Test error of q(y|x) on the test images, percent: mean ± sample standard deviation over the label draws, and each draw");
        foreach (var row in results.OrderBy(r => r.Labels))
            table.AddRow([row.Labels.ToString("N0", CultureInfo.InvariantCulture), row.Model, MeanSd(row),
                .. seeds.Select(s => row.Draw(s) is { } e ? Percent(e) : "–"), row.ErrorPercent.Length]);
        return table;
    }

    /// <summary>"27.12 ± 1.05", or "27.12 (one draw)" when there is no spread to state.</summary>
    public static string MeanSd(LabelCountErrors row) =>
        row.Sd is { } sd ? $"{Percent(row.Mean)} ± {Percent(sd)}" : $"{Percent(row.Mean)} (one draw)";

    private static string Percent(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}
