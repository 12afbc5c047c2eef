using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.Models;
using Workbench.Models.Kl;
using Workbench.Plotting;
using Workbench.Plotting.Charts;
using Workbench.Training;

namespace Workbench.Experiments.Reports;

/// <summary>
/// The figures that compare the runs of one experiment: ELBO terms per epoch, rate–distortion and
/// KL per dimension across β, KL schedules, and latent spaces side by side. Each takes the runs'
/// records (or arrays computed from them) and returns a <see cref="Figure"/>.
/// </summary>
public static class ComparisonFigures
{
    /// <summary>
    /// Test reconstruction, KL and −ELBO per epoch (training values for runs without test
    /// evaluation), three panels, one colour and one legend entry per run. Runs that differ only in their
    /// seed (<see cref="SeedGroups"/>) are one line: the mean over the seeds per epoch, with ± one sample sd
    /// as error bars, over the epochs every seed has.
    /// </summary>
    public static Figure ElboComponentsPerRun(IReadOnlyList<ReportRun> runs, string? title = "ELBO terms per epoch, every run")
    {
        var grid = Subplots.Grid(1, 3, ["Reconstruction −E[log p(x|z)]", "KL(q(z|x) ‖ p(z))", "−ELBO"], horizontalSpacing: 0.07, sharedX: true);
        var groups = SeedGroups.Of(runs.Where(r => r.History.Count > 0).ToArray(), r => r.Summary);
        for (int i = 0; i < groups.Count; i++)
        {
            var members = groups[i].Runs;
            bool test = members.All(r => r.History.All(m => m.TestReconstruction is not null && m.TestKl is not null));
            int epochs = members.Min(r => r.History.Count);
            // Per run and epoch, (B, 3): reconstruction, KL and their sum.
            double[][] Series(ReportRun run) => run.History.Take(epochs).Select(m =>
            {
                double reconstruction = test ? m.TestReconstruction!.Value : m.TrainReconstruction, kl = test ? m.TestKl!.Value : m.TrainKl;
                return new[] { reconstruction, kl, reconstruction + kl };
            }).ToArray();
            var perRun = members.Select(Series).ToArray();
            var epochNumbers = members[0].History.Take(epochs).Select(m => m.Epoch).ToArray();
            var color = VaeCharts.ColorAt(i);
            string name = groups[i].Runs.Count > 1 || groups[i].ExpectedSeeds.Count > 0 ? RunLabels.ForGroup(groups[i]) : RunLabels.For(members[0]);
            for (int panel = 0; panel < 3; panel++)
            {
                var statistics = Enumerable.Range(0, epochs).Select(e => SeedStatistic.Of(perRun.Select(run => run[e][panel]))).ToArray();
                grid.Add(new Scatter
                {
                    Name = test ? name : name + " (train)",
                    LegendGroup = groups[i].Key,
                    ShowLegend = panel == 0,
                    Mode = ScatterMode.LinesAndMarkers,
                    X = epochNumbers,
                    Y = statistics.Select(st => st.Mean).ToArray(),
                    ErrorY = members.Count > 1 ? VaeCharts.Bars(statistics.Select(st => st.Sd), color) : null,
                    Line = new Line { Color = color, Width = 2 },
                    Marker = new Marker { Color = color, Size = 5 },
                }, 1, panel + 1);
            }
        }
        double lastEpoch = runs.Count == 0 ? 1 : runs.Max(r => r.History.Count == 0 ? 1 : r.History[^1].Epoch);
        for (int column = 1; column <= 3; column++) VaeCharts.EpochAxis(grid.XAxis(1, column), lastEpoch);
        grid.YAxis(1, 1).Title = "nats per image";
        grid.YAxis(1, 2).RangeMode = "tozero";
        if (title is not null && groups.Any(g => g.Runs.Count > 1)) title = title.Replace(", every run", "") + ": mean ± sd over seeds";
        return Finish(grid.Figure, title, 1050, 430);
    }

    /// <summary>
    /// Test KL (rate) against test reconstruction (distortion), one point per run labelled with its β; runs that differ only
    /// in their seed are one point, their means, with ± one sample sd along both axes.
    /// </summary>
    /// <remarks>When the runs differ in their objective, points are labelled by objective rather than β.</remarks>
    public static Figure RateDistortion(IReadOnlyList<ReportRun> runs)
    {
        bool objectives = runs.Select(r => r.Objective).Distinct().Skip(1).Any();
        var groups = SeedGroups.Of(runs, r => r.Summary);
        bool seeds = groups.Any(g => g.Runs.Count > 1);
        var points = groups.Select(g =>
        {
            var run = g.Runs[0];
            var rate = g.Statistic(r => r.Summary.TestKl);
            var distortion = g.Statistic(r => r.Summary.TestReconstruction);
            return new RateDistortionPoint(run.Summary.Beta, rate.Mean, distortion.Mean,
                objectives ? null : SeriesOtherThanBeta(run, groups.Count), objectives ? RunLabels.WithoutSeed(run) : null, rate.Sd, distortion.Sd);
        }).ToArray();
        return VaeCharts.RateDistortion(points,
            (objectives ? "Rate–distortion per objective (test set)" : "Rate–distortion across β (test set)") + (seeds ? ": mean ± sd over seeds" : ""));
    }

    /// <summary>Test KL per latent dimension, bars grouped by run; runs that differ only in their seed are one bar per dimension, their mean, with ± one sample sd.</summary>
    public static Figure PerDimensionKl(IReadOnlyList<ReportRun> runs)
    {
        var groups = SeedGroups.Of(runs, r => r.Summary);
        bool seeds = groups.Any(g => g.Runs.Count > 1);
        var bars = groups.Select(g =>
        {
            if (g.Runs.Count == 1) return new KlPerDimension(seeds ? RunLabels.ForGroup(g) : RunLabels.For(g.Runs[0]), g.Runs[0].Summary.KlPerDimension);
            int dimensions = g.Runs.Min(r => r.Summary.KlPerDimension.Length);
            var statistics = Enumerable.Range(0, dimensions).Select(d => g.Statistic(r => r.Summary.KlPerDimension[d])).ToArray();
            return new KlPerDimension(RunLabels.ForGroup(g), statistics.Select(st => st.Mean).ToArray(), statistics.Select(st => st.Sd ?? double.NaN).ToArray());
        }).ToArray();
        return VaeCharts.PerDimensionKl(bars, "KL per latent dimension (test set)" + (seeds ? ": mean ± sd over seeds" : ""));
    }

    /// <summary>
    /// KL weight and training KL per epoch, one series per run (over the epochs all runs have). The
    /// weight is drawn from each run's schedule at 50 points an epoch, so cyclical and warm-up shapes
    /// show; capacity annealing has no β: its panel line is the target C, drawn black and dashed over its KL.
    /// </summary>
    public static Figure KlSchedules(IReadOnlyList<ReportRun> runs)
    {
        var withHistory = runs.Where(r => r.History.Count > 0).ToArray();
        int epochs = withHistory.Length == 0 ? 0 : withHistory.Min(r => r.History.Count);
        var series = withHistory.Select(r =>
        {
            var penalty = r.Definition.Model.ResolveKlPenalty();
            var history = r.History.Take(epochs).ToArray();
            var drawn = KlScheduleSeriesOf(r.Summary.KlPenalty, penalty, history, r.Definition.Training.Epochs, m => m.TrainKl);
            // Logged steps give the weight, KL and target as trained; without them the weight stays redrawn from the schedule.
            double stepsPerEpoch = history[0].Step;
            var steps = r.Steps.Where(p => p.Step <= history[^1].Step).ToArray();
            if (steps.Length == 0 || stepsPerEpoch <= 0) return drawn;
            var x = DataArray.Of(steps.Select(p => p.Step / stepsPerEpoch));
            return drawn with
            {
                KlAt = (x, steps.Select(p => p.Kl).ToArray()),
                WeightAt = drawn.WeightAt is null ? null : (x, steps.Select(p => p.KlWeight).ToArray()),
                KlTargetAt = penalty is CapacityAnnealing ? (x, steps.Select(p => p.KlTarget ?? double.NaN).ToArray()) : null,
            };
        }).ToArray();
        return VaeCharts.KlScheduleComparison(Enumerable.Range(1, epochs).ToArray(), series,
            withHistory.Any(r => r.Steps.Count > 0)
                ? "KL schedules: weight and KL per step, KL per epoch as dots (capacity annealing: target C dashed)"
                : "KL schedules: weight per step and KL per epoch (capacity annealing: target C dashed)");
    }

    /// <summary>
    /// One run's series for <see cref="VaeCharts.KlScheduleComparison"/>: the weight drawn from the
    /// run's schedule at 50 points an epoch (so cyclical and warm-up shapes show), the KL per epoch
    /// (<paramref name="kl"/> picks train or test), and for capacity annealing, which has no β, no
    /// weight line but its target C, drawn black and dashed over its KL.
    /// </summary>
    /// <param name="trainingEpochs">The epochs the run was configured for (the schedule's length).</param>
    public static KlScheduleSeries KlScheduleSeriesOf(string name, KlPenalty penalty, IReadOnlyList<EpochMetrics> history, int trainingEpochs,
        Func<EpochMetrics, double> kl)
    {
        double stepsPerEpoch = history.Count == 0 ? 0 : history[0].Step;
        int epochs = history.Count;
        var schedule = penalty switch
        {
            WeightedKl w => w.Schedule,
            FreeBits f => f.Schedule,
            _ => null,
        };
        (DataArray, DataArray)? weightAt = null;
        if (schedule is not null && stepsPerEpoch > 0)
        {
            long total = (long)(stepsPerEpoch * trainingEpochs);
            int points = 50 * epochs;
            var x = new double[points + 1];
            var y = new double[points + 1];
            for (int i = 0; i <= points; i++)
            {
                long step = (long)Math.Min(total - 1, Math.Round(i * stepsPerEpoch * epochs / points));
                x[i] = step / stepsPerEpoch;
                y[i] = schedule.Weight(new TrainingProgress(step, total));
            }
            weightAt = (x, y);
        }
        DataArray? target = penalty is CapacityAnnealing ? DataArray.Of(history.Select(m => m.KlTarget ?? double.NaN)) : null;
        return new KlScheduleSeries(name,
            history.Select(m => penalty is CapacityAnnealing ? double.NaN : m.KlWeight).ToArray(),
            history.Select(kl).ToArray(), weightAt, target);
    }

    /// <summary>
    /// μ(x) of test images per run, one panel per run, coloured by class, on each run's two dimensions with
    /// the most KL (named on its axes); all panels share one scale, so a collapsed posterior shows as a dot.
    /// </summary>
    /// <param name="panels">Per run: its title, μ(x) rows (count, latent) flattened, latent size, and labels.</param>
    public static Figure LatentScatterPerRun(IReadOnlyList<LatentPanel> panels, IReadOnlyList<string>? classNames, string? title = "Latent space per run: μ(x) of test images")
    {
        if (panels.Count == 0) throw new ArgumentException("Latent scatter comparison needs at least one run.", nameof(panels));
        // At most three panels a row, so the figure fits a page.
        int columns = Math.Min(3, panels.Count), rows = (panels.Count + columns - 1) / columns;
        var grid = Subplots.Grid(rows, columns, panels.Select(p => p.Title).ToArray(), horizontalSpacing: 0.24 / columns, verticalSpacing: 0.3 / rows,
            sharedX: true, sharedY: true);
        var shown = new HashSet<int>();
        for (int index = 0; index < panels.Count; index++)
        {
            var panel = panels[index];
            int row = index / columns + 1, column = index % columns + 1;
            var dims = LatentDimensions.MostActive(panel.KlPerDimension ?? [], panel.LatentSize, 2);
            Array.Sort(dims);
            foreach (var label in panel.Labels.Distinct().Order())
            {
                var members = Enumerable.Range(0, panel.Labels.Length).Where(i => panel.Labels[i] == label).ToArray();
                grid.Add(new Scatter
                {
                    Name = classNames is not null && label < classNames.Count ? classNames[label] : $"class {label}",
                    LegendGroup = $"class-{label}",
                    ShowLegend = shown.Add(label),
                    Mode = ScatterMode.Markers,
                    X = members.Select(i => panel.Means[i * panel.LatentSize + dims[0]]).ToArray(),
                    Y = members.Select(i => panel.Means[i * panel.LatentSize + dims[1]]).ToArray(),
                    Marker = new Marker { Color = VaeCharts.ColorAt(label), Size = 4, Opacity = 0.7 },
                }, row, column);
            }
            grid.XAxis(row, column).Title = LatentDimensions.Name(dims[0]);
            grid.YAxis(row, column).Title = LatentDimensions.Name(dims[1]);
        }
        return Finish(grid.Figure, title, 360 * columns + 120, 380 * rows + 120);
    }

    /// <summary>For rate–distortion lines: what else distinguishes runs of the same β other than their seed, or null.</summary>
    private static string? SeriesOtherThanBeta(ReportRun run, int points)
    {
        // A whole-model grid value carries its own β: its series is its variant, so the β values of one variant form one curve.
        static string Value(System.Text.Json.Nodes.JsonNode? value) =>
            value is System.Text.Json.Nodes.JsonObject o && o["variant"] is { } variant ? variant.ToString() : value?.ToJsonString().Trim('"') ?? "null";
        var others = SeedGroups.Without(run.Summary.Overrides).Where(kv => !kv.Key.EndsWith(".beta", StringComparison.Ordinal))
            .Select(kv => $"{kv.Key[(kv.Key.LastIndexOf('.') + 1)..]}={Value(kv.Value)}").ToArray();
        return others.Length == 0 || points == 1 ? null : string.Join(", ", others);
    }

    private static Figure Finish(Figure figure, string? title, int width, int height)
    {
        if (title is not null) figure.Layout.Title = title;
        figure.Layout.Width = width;
        figure.Layout.Height = height;
        figure.Layout.HoverMode = "closest";
        figure.Layout.Legend ??= new Legend { Orientation = "h", X = 0, Y = -0.25, YAnchor = "top" };
        return figure;
    }
}

/// <summary>One run's latent means for <see cref="ComparisonFigures.LatentScatterPerRun"/>.</summary>
/// <param name="Means">μ(x) rows, (count, LatentSize) row-major; LatentSize ≥ 2.</param>
/// <param name="KlPerDimension">The run's KL per dimension, to pick the two to show; null shows z0 and z1.</param>
public sealed record LatentPanel(string Title, float[] Means, int LatentSize, int[] Labels, float[]? KlPerDimension = null);
