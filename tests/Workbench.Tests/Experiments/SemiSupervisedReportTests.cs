using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The report's semi-supervised figure and table on a small synthetic set of summaries: M2 and the baseline at two
/// label counts, one draw of the baseline missing, and a run without labels that the comparison leaves out.
/// </summary>
public class SemiSupervisedReportTests
{
    private const string M2 = "M2 (enumerated labels, α=30)";
    private const string Baseline = "classifier only (cross-entropy on the labelled images)";

    /// <summary>A committed run's summary and configuration with the semi-supervised fields under test.</summary>
    private static ReportRun Run(string objective, int? labels, ulong? labelSeed, double? error)
    {
        var folder = Path.Combine(Support.Repository.Root(), "results", "iwae", "model=vae");
        var summary = RunFiles.ReadSummary(Path.Combine(folder, RunFolder.SummaryFile)) with
        {
            Run = $"labels={labels}_labelSeed={labelSeed}_{objective[..2]}",
            Objective = objective,
            Labels = labels,
            LabelSeed = labelSeed,
            TestClassificationError = error,
            Overrides = new Dictionary<string, JsonNode?> { ["model.labels"] = labels, ["model.labelSeed"] = labelSeed },
        };
        var definition = RunConfiguration.Read(Path.Combine(folder, TrainedRun.ConfigFile)).Definition;
        return new ReportRun(folder, summary, [], definition, null);
    }

    /// <summary>M2: 100 labels (seeds 1–3), 600 labels (seeds 1–3); the baseline: 100 labels (seeds 1–3), 600 labels (seeds 1 and 3); one unlabelled VAE run.</summary>
    private static ReportRun[] Runs() =>
    [
        Run(M2, 100, 1, 0.30), Run(Baseline, 100, 1, 0.28),
        Run(M2, 100, 2, 0.26), Run(Baseline, 100, 2, 0.32),
        Run(M2, 100, 3, 0.31), Run(Baseline, 100, 3, 0.30),
        Run(M2, 600, 2, 0.20), Run(Baseline, 600, 1, 0.22),
        Run(M2, 600, 1, 0.19), Run(Baseline, 600, 3, 0.25),
        Run(M2, 600, 3, 0.21),
        Run("elbo", null, null, null),
    ];

    private static (double Mean, double Sd) MeanSd(params double[] values)
    {
        double mean = values.Sum() / values.Length;
        return (mean, Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)));
    }

    [Fact]
    public void Results_GroupByModelAndLabels_MeanAndSampleSdOverTheDraws()
    {
        var results = SemiSupervisedFigures.Results(Runs());
        Assert.Equal([(M2, 100), (M2, 600), (Baseline, 100), (Baseline, 600)], results.Select(r => (r.Model, r.Labels)));
        var m2At600 = results[1];
        Assert.Equal([1UL, 2UL, 3UL], m2At600.LabelSeeds); // ordered by label seed, not by finishing order
        Assert.Equal([19.0, 20.0, 21.0], m2At600.ErrorPercent.Select(e => Math.Round(e, 10)));
        var expected = MeanSd(30, 26, 31);
        Assert.Equal(expected.Mean, results[0].Mean, 10);
        Assert.Equal(expected.Sd, results[0].Sd!.Value, 10);
        Assert.Equal(1.0, m2At600.Sd!.Value, 10);
    }

    [Fact]
    public void Results_MissingDraw_MeanOverTheDrawsPresent()
    {
        var baselineAt600 = SemiSupervisedFigures.Results(Runs()).Single(r => r.Model == Baseline && r.Labels == 600);
        Assert.Equal([1UL, 3UL], baselineAt600.LabelSeeds);
        Assert.Equal(23.5, baselineAt600.Mean, 10);
        Assert.Equal(MeanSd(22, 25).Sd, baselineAt600.Sd!.Value, 10);
        Assert.Null(baselineAt600.Draw(2));
        Assert.Equal(25, baselineAt600.Draw(3)!.Value, 10);
    }

    [Fact]
    public void Results_RunWithoutLabels_IsLeftOut()
    {
        var results = SemiSupervisedFigures.Results(Runs());
        Assert.DoesNotContain(results, r => r.Model == "elbo");
        Assert.Equal(11, results.Sum(r => r.ErrorPercent.Length));
        Assert.Empty(SemiSupervisedFigures.Results([Run("elbo", null, null, null)]));
        Assert.Throws<ArgumentException>(() => SemiSupervisedFigures.ErrorAgainstLabels([Run("elbo", null, null, null)]));
    }

    [Fact]
    public void MeanSd_OneDraw_SaysSoInsteadOfASpread()
    {
        var one = SemiSupervisedFigures.Results([Run(M2, 100, 2, 0.2712)]).Single();
        Assert.Null(one.Sd);
        Assert.Equal("27.12 (one draw)", SemiSupervisedFigures.MeanSd(one));
    }

    [Fact]
    public void Table_OneRowPerLabelsAndModel_MeanSdAndEachDrawWithADashForTheMissingOne()
    {
        var table = SemiSupervisedFigures.Table(Runs());
        Assert.Equal(["labels", "model", "test error (%), mean ± sd", "label seed 1", "label seed 2", "label seed 3", "draws"], table.Columns);
        var rows = table.Rows.Select(r => r.ToArray()).ToArray();
        Assert.Equal(4, rows.Length);
        var m2 = MeanSd(30, 26, 31);
        Assert.Equal(["100", M2, string.Create(CultureInfo.InvariantCulture, $"{m2.Mean:F2} ± {m2.Sd:F2}"), "30.00", "26.00", "31.00", "3"], rows[0]);
        Assert.Equal(["100", Baseline, "30.00 ± 2.00", "28.00", "32.00", "30.00", "3"], rows[1]);
        Assert.Equal(["600", M2, "20.00 ± 1.00", "19.00", "20.00", "21.00", "3"], rows[2]);
        Assert.Equal(["600", Baseline, string.Create(CultureInfo.InvariantCulture, $"23.50 ± {MeanSd(22, 25).Sd:F2}"), "22.00", "–", "25.00", "2"], rows[3]);
    }

    [Fact]
    public void ErrorAgainstLabels_MeansWithSdBarsOnALogAxis_AndEachDrawFaint()
    {
        var figure = SemiSupervisedFigures.ErrorAgainstLabels(Runs());
        var json = JsonNode.Parse(figure.DataJson())!.AsArray();
        Assert.Equal(4, json.Count); // per model: the draws, then the means
        var m2Means = json[1]!;
        Assert.Equal(M2, (string?)m2Means["name"]);
        Assert.Equal([29.0, 20.0], m2Means["y"]!.AsArray().Select(v => Math.Round((double)v!, 10)));
        Assert.Equal("data", (string?)m2Means["error_y"]!["type"]);
        Assert.Equal(MeanSd(30, 26, 31).Sd, (double)m2Means["error_y"]!["array"]![0]!, 10);
        Assert.Equal(1.0, (double)m2Means["error_y"]!["array"]![1]!, 10);
        var baselineDraws = json[2]!;
        Assert.Equal(5, baselineDraws["y"]!.AsArray().Count); // three draws at 100 labels, two at 600
        Assert.Equal(0.35, (double)baselineDraws["marker"]!["opacity"]!);
        Assert.False((bool)baselineDraws["showlegend"]!);
        // The two models are nudged apart around each label count, M2 to the left.
        Assert.True((double)json[1]!["x"]![0]! < 100 && (double)json[3]!["x"]![0]! > 100);
        Assert.Equal("log", figure.Layout.XAxis(1).Type);
        Assert.Equal([100.0, 600.0], figure.Layout.XAxis(1).TickVals!);
        Assert.Contains("mean ± sd over 3 label draws", figure.Layout.Title!.Text);
    }

    [Fact]
    public void ReportSections_SemiSupervisedRuns_ComparedByTestErrorNotAsAnObjectiveAblation()
    {
        var notes = new List<string>();
        var sections = ExperimentReport.Sections(Runs()[..^1], notes);
        var section = Assert.Single(sections, s => s.Heading == "Semi-supervised classification");
        Assert.Equal("error-vs-labels", Assert.Single(section.Charts).FileName);
        Assert.Contains(">" + System.Net.WebUtility.HtmlEncode("23.50 ± 2.12") + "</td>", section.TableHtml);
        Assert.DoesNotContain(sections, s => s.Heading == "Objective ablation");
    }
}
