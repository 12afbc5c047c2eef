using Workbench.Experiments.SampleQuality;
using Workbench.Plotting;
using Workbench.Plotting.Charts;

namespace Workbench.Experiments.Reports;

/// <summary>The report's sample-quality comparison: Fréchet distance, precision, recall and test NLL per run and sampler.</summary>
public static class SampleQualityFigures
{
    /// <summary>Four panels of bars, one group per run: prior samples, and samples of the ex-post mixture where measured; NLL once per run.</summary>
    /// <remarks>The NLL panel shows the Bernoulli models only: a Gaussian likelihood's nats are a density on continuous pixels, another scale.</remarks>
    public static Figure Compare(IReadOnlyList<ReportRun> runs, string? title = null)
    {
        var measured = runs.Where(r => r.Summary.SampleQuality is not null).ToArray();
        if (measured.Length == 0) throw new ArgumentException("No run measured its sample quality.", nameof(runs));
        var labels = measured.Select(RunLabels.For).ToArray();
        var sizes = measured.Select(r => (r.Summary.SampleQuality!.Samples, r.Summary.SampleQuality.RealImages)).Distinct().ToArray();
        title ??= sizes.Length == 1
            ? $"Sample quality per run ({sizes[0].Samples:N0} samples against {sizes[0].RealImages:N0} test images)"
            : "Sample quality per run";
        var bernoulli = measured.Where(r => r.Summary.ImportanceWeightedBound is not null && !r.IsComposed && r.Definition.Model.Likelihood == Models.LikelihoodKind.Bernoulli).ToArray();
        bool nll = bernoulli.Length > 0;
        string[] titles = nll
            ? ["Fréchet distance (lower is better)", "Precision", "Recall", "Test NLL bound, Bernoulli models [nats]"]
            : ["Fréchet distance (lower is better)", "Precision", "Recall"];
        var grid = Subplots.Grid(1, titles.Length, titles, horizontalSpacing: 0.06);
        var samplers = new (string Name, Func<SampleQualityResult, SampleQualityScores?> Scores)[]
        {
            ("prior p(z)", q => q.Prior),
            ("ex-post mixture", q => q.ExPostMixture),
        };
        for (int s = 0; s < samplers.Length; s++)
        {
            var scores = measured.Select(r => samplers[s].Scores(r.Summary.SampleQuality!)).ToArray();
            if (scores.All(x => x is null)) continue;
            Func<SampleQualityScores, double>[] values = [x => x.FrechetDistance, x => x.Precision, x => x.Recall];
            for (int panel = 0; panel < 3; panel++)
                grid.Add(new Bar
                {
                    Name = samplers[s].Name,
                    LegendGroup = samplers[s].Name,
                    ShowLegend = panel == 0,
                    X = labels,
                    Y = scores.Select(x => x is null ? double.NaN : values[panel](x)).ToArray(),
                    Marker = new Marker { Color = VaeCharts.ColorAt(s) },
                }, 1, panel + 1);
        }
        if (nll)
            grid.Add(new Scatter
            {
                Name = "test NLL bound",
                ShowLegend = false,
                Mode = ScatterMode.Markers,
                X = bernoulli.Select(RunLabels.For).ToArray(),
                Y = bernoulli.Select(r => r.Summary.ImportanceWeightedBound!.Value).ToArray(),
                Marker = new Marker { Color = VaeCharts.ColorAt(2), Size = 10 },
            }, 1, 4);
        grid.YAxis(1, 2).Range = [0, 1];
        grid.YAxis(1, 3).Range = [0, 1];
        var figure = grid.Figure;
        figure.Layout.BarMode = "group";
        figure.Layout.Title = title;
        figure.Layout.Width = 1200;
        figure.Layout.Height = 480;
        figure.Layout.Legend = new Legend { Orientation = "h", X = 0, Y = -0.35, YAnchor = "top" };
        return figure;
    }
}
