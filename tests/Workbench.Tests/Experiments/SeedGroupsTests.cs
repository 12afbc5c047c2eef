using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Training;

namespace Workbench.Tests.Experiments;

/// <summary>
/// Seeds as an axis on synthetic summaries: two β values × seeds 1–3 (β=4 seed 2 not finished), against mean and sample sd
/// computed here by hand; the report's runs table, the comparison figures' error bars and the run table read the same groups.
/// </summary>
public class SeedGroupsTests
{
    /// <summary>(β, seed) → (test reconstruction, test KL, KL of z0, z1).</summary>
    private static readonly (double Beta, ulong Seed, double Reconstruction, double Kl, float[] KlPerDimension)[] Values =
    [
        (1, 1, 24.40, 13.04, [2.0f, 1.5f]), (1, 2, 23.90, 13.71, [1.8f, 1.1f]), (1, 3, 24.62, 12.95, [2.3f, 0.9f]),
        (4, 1, 36.10, 6.60, [1.2f, 0.1f]), (4, 3, 37.35, 6.71, [0.8f, 0.3f]),
    ];

    /// <summary>A committed run's summary and configuration with the grid values and measures under test.</summary>
    private static ReportRun Run(double beta, ulong seed, double reconstruction, double kl, float[] klPerDimension, int epochs = 0)
    {
        var folder = Path.Combine(Support.Repository.Root(), "results", "iwae", "model=vae");
        var summary = RunFiles.ReadSummary(Path.Combine(folder, RunFolder.SummaryFile)) with
        {
            Experiment = "seeds",
            Run = string.Create(CultureInfo.InvariantCulture, $"beta={beta}_seed={seed}"),
            Overrides = new Dictionary<string, JsonNode?> { ["model.beta"] = beta, ["training.seed"] = seed },
            Beta = beta,
            Seed = seed,
            TestReconstruction = reconstruction,
            TestKl = kl,
            TestNegativeElbo = reconstruction + kl,
            KlPerDimension = klPerDimension,
            ImportanceWeightedBound = null,
            ImportanceWeightedBoundBitsPerDimension = null,
        };
        var definition = RunConfiguration.Read(Path.Combine(folder, TrainedRun.ConfigFile)).Definition;
        // Epoch e's test terms: the run's final terms plus 10/e, so each epoch's mean and sd are known by hand.
        var history = Enumerable.Range(1, epochs).Select(e => new EpochMetrics
        {
            Epoch = e, Step = 10 * e, Seconds = 1, KlPerDimension = klPerDimension, TrainLoss = 0, TrainReconstruction = 0, TrainKl = 0, KlWeight = beta,
            TestReconstruction = reconstruction + 10.0 / e, TestKl = kl + 1.0 / e,
        }).ToArray();
        return new ReportRun(folder, summary, history, definition, null);
    }

    private static ReportRun[] Runs(int epochs = 0) => Values.Select(v => Run(v.Beta, v.Seed, v.Reconstruction, v.Kl, v.KlPerDimension, epochs)).ToArray();

    /// <summary>Mean and sample standard deviation (n − 1) written out.</summary>
    private static (double Mean, double Sd) ByHand(params double[] values)
    {
        double sum = 0;
        foreach (var v in values) sum += v;
        double mean = sum / values.Length, squares = 0;
        foreach (var v in values) squares += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(squares / (values.Length - 1)));
    }

    private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    [Fact]
    public void Of_RunsDifferingOnlyInSeed_OneGroupEachWithMeanAndSampleSdByHand()
    {
        var groups = SeedGroups.Of(Runs(), r => r.Summary);

        Assert.Equal(["beta=1", "beta=4"], groups.Select(g => g.Key));
        Assert.Equal([1UL, 2UL, 3UL], groups[0].ExpectedSeeds);
        var betaOne = groups[0].Statistic(r => r.Summary.TestNegativeElbo);
        var expected = ByHand(24.40 + 13.04, 23.90 + 13.71, 24.62 + 12.95);
        Assert.Equal(expected.Mean, betaOne.Mean, 10);
        Assert.Equal(expected.Sd, betaOne.Sd!.Value, 10);
        Assert.True(groups[0].IsComplete);
    }

    [Fact]
    public void Of_SeedNotFinished_StatisticOverTheFinishedSeedsAndAGapInItsPlace()
    {
        var betaFour = SeedGroups.Of(Runs(), r => r.Summary)[1];

        Assert.False(betaFour.IsComplete);
        Assert.Equal([2UL], betaFour.MissingSeeds);
        Assert.Equal("seeds 1, 3 of 1, 2, 3", betaFour.SeedText());
        Assert.Equal([36.10, null, 37.35], betaFour.PerSeed(r => r.Summary.TestReconstruction));
        var expected = ByHand(36.10, 37.35);
        Assert.Equal(expected.Mean, betaFour.Statistic(r => r.Summary.TestReconstruction).Mean, 10);
        Assert.Equal(expected.Sd, betaFour.Statistic(r => r.Summary.TestReconstruction).Sd!.Value, 10);
    }

    [Fact]
    public void Statistic_OneValue_HasNoStandardDeviation()
    {
        var single = SeedStatistic.Of([37.5]);
        Assert.Equal(37.5, single.Mean);
        Assert.Null(single.Sd);
        Assert.Equal("37.50", single.ToString());
        Assert.Equal("37.50 ± 0.71", SeedStatistic.Of([37, 38]).ToString()); // sd of two values a apart: a / √2
    }

    [Fact]
    public void Of_RunsWithoutSeedAxis_EachRunIsAGroupOfOne()
    {
        var runs = Runs().Select(r => r with { Summary = r.Summary with { Overrides = SeedGroups.Without(r.Summary.Overrides), Run = r.Id + "x" } }).ToArray();
        var groups = SeedGroups.Of(runs, r => r.Summary);
        Assert.Equal(runs.Length, groups.Count);
        Assert.All(groups, g => Assert.Empty(g.ExpectedSeeds));
        Assert.All(groups, g => Assert.Null(g.Statistic(r => r.Summary.TestKl).Sd));
    }

    [Fact]
    public void SeedOf_SeedBuiltInCodeAsInt_ReadAsTheSeed()
    {
        var summary = Runs()[0].Summary;
        Assert.Equal(2UL, SeedGroups.SeedOf(summary with { Overrides = new Dictionary<string, JsonNode?> { ["training.seed"] = 2 } }));
        Assert.Equal(3UL, SeedGroups.SeedOf(summary with { Overrides = new Dictionary<string, JsonNode?> { ["training.seed"] = JsonNode.Parse("3") } }));
        Assert.Null(SeedGroups.SeedOf(summary with { Overrides = new Dictionary<string, JsonNode?> { ["training.seed"] = -1 } }));
    }

    [Theory]
    [InlineData("model=beta-vae-4_seed=2", "model=beta-vae-4", 2UL)]
    [InlineData("seed=3_beta=1", "beta=1", 3UL)]
    [InlineData("seed=7", "default", 7UL)]
    [InlineData("labels=100_labelSeed=2", "labels=100_labelSeed=2", null)]
    public void KeyOfRunId_SeedPart_RemovedAndReturned(string id, string key, ulong? seed) =>
        Assert.Equal((key, seed), SeedGroups.KeyOfRunId(id));

    [Fact]
    public void RunsTable_SeedGrid_CellsReadMeanSdAndEachSeedBeneath()
    {
        var html = new StringBuilder();
        ReportRunsTable.Append(html, Runs());
        var text = System.Net.WebUtility.HtmlDecode(html.ToString()); // ± and · are written as character references

        Assert.Equal(3, text.Split("<tr>").Length - 1); // header and two groups
        var elbo = ByHand(24.40 + 13.04, 23.90 + 13.71, 24.62 + 12.95);
        Assert.Contains($"<td>{F2(elbo.Mean)} ± {F2(elbo.Sd)}<br><span class=\"seeds\">{F2(37.44)} · {F2(37.61)} · {F2(37.57)}</span></td>", text);
        // β=4 lacks seed 2: its mean ± sd over seeds 1 and 3, and a gap.
        var reconstruction = ByHand(36.10, 37.35);
        Assert.Contains($"<td>{F2(reconstruction.Mean)} ± {F2(reconstruction.Sd)}<br><span class=\"seeds\">36.10 · – · 37.35</span></td>", text);
        Assert.Contains("<td class=\"text\">beta=4<br><span class=\"seeds\">seeds 1, 3 of 1, 2, 3</span></td>", text);
        Assert.Contains("mean ± sample standard deviation (n − 1)", text);
    }

    [Fact]
    public void RunsTable_GroupOfOneFinishedSeed_ShowsItsValueWithoutPlusMinus()
    {
        var runs = Runs().Where(r => r.Summary.Beta == 1 || r.Summary.Seed == 3).ToArray();
        var html = new StringBuilder();
        ReportRunsTable.Append(html, runs);
        Assert.Contains("<td>37.35<br><span class=\"seeds\">– · – · 37.35</span></td>", System.Net.WebUtility.HtmlDecode(html.ToString()));
    }

    [Fact]
    public void RunsTable_NoSeedAxis_OneRowPerRunAsBefore()
    {
        var runs = Runs().Select(r => r with { Summary = r.Summary with { Overrides = SeedGroups.Without(r.Summary.Overrides), Run = r.Id.Replace("_seed=", "_s") } }).ToArray();
        var html = new StringBuilder();
        ReportRunsTable.Append(html, runs);
        var text = System.Net.WebUtility.HtmlDecode(html.ToString());
        Assert.Equal(runs.Length + 1, text.Split("<tr>").Length - 1);
        Assert.DoesNotContain("±", text);
        Assert.DoesNotContain("class=\"seeds\"", text);
    }

    [Fact]
    public void RateDistortion_SeedGrid_OnePointPerGroupWithSampleSdErrorBars()
    {
        var trace = JsonNode.Parse(ComparisonFigures.RateDistortion(Runs()).DataJson())!.AsArray()[0]!;

        // One series (β only differs), points in order of rate: β=4 then β=1.
        var klOne = ByHand(13.04, 13.71, 12.95);
        var klFour = ByHand(6.60, 6.71);
        var recOne = ByHand(24.40, 23.90, 24.62);
        var recFour = ByHand(36.10, 37.35);
        Assert.Equal([klFour.Mean, klOne.Mean], Numbers(trace["x"]!), Tolerance);
        Assert.Equal([recFour.Mean, recOne.Mean], Numbers(trace["y"]!), Tolerance);
        Assert.Equal([klFour.Sd, klOne.Sd], Numbers(trace["error_x"]!["array"]!), Tolerance);
        Assert.Equal([recFour.Sd, recOne.Sd], Numbers(trace["error_y"]!["array"]!), Tolerance);
        Assert.Equal("data", (string?)trace["error_y"]!["type"]);
    }

    [Fact]
    public void PerDimensionKl_SeedGrid_MeanBarsWithSampleSdErrorBars()
    {
        var traces = JsonNode.Parse(ComparisonFigures.PerDimensionKl(Runs()).DataJson())!.AsArray();

        Assert.Equal(2, traces.Count);
        Assert.Equal("β=1 (3 seeds)", (string?)traces[0]!["name"]);
        var z0 = ByHand(2.0f, 1.8f, 2.3f);
        var z1 = ByHand(1.5f, 1.1f, 0.9f);
        Assert.Equal([z0.Mean, z1.Mean], Numbers(traces[0]!["y"]!), Tolerance);
        Assert.Equal([z0.Sd, z1.Sd], Numbers(traces[0]!["error_y"]!["array"]!), Tolerance);
        Assert.Equal([z0.Sd, z1.Sd], Numbers(traces[0]!["error_y"]!["arrayminus"]!), Tolerance); // above 0 everywhere: symmetric
    }

    [Fact]
    public void PerDimensionKlChart_SdAboveTheMean_LowerArmStopsAtZero()
    {
        var figure = Workbench.Plotting.Charts.VaeCharts.PerDimensionKl([new("three seeds", new[] { 0.1, 2.0 }, new[] { 0.5, 0.5 })]);
        var errors = JsonNode.Parse(figure.DataJson())!.AsArray()[0]!["error_y"]!;
        Assert.Equal([0.5, 0.5], Numbers(errors["array"]!));
        Assert.Equal([0.1, 0.5], Numbers(errors["arrayminus"]!));
    }

    [Fact]
    public void ElboComponents_SeedGrid_MeanCurvePerGroupWithErrorBarsPerEpoch()
    {
        var traces = JsonNode.Parse(ComparisonFigures.ElboComponentsPerRun(Runs(epochs: 3)).DataJson())!.AsArray();

        Assert.Equal(6, traces.Count); // two groups × three panels
        var reconstruction = traces[0]!;
        Assert.Equal("β=1 (3 seeds)", (string?)reconstruction["name"]);
        Assert.Null(traces[0]!["error_x"]);
        var byHand = ByHand(24.40, 23.90, 24.62);
        // Every seed's epoch e is its final value + 10/e: the mean moves by 10/e, the sd stays.
        Assert.Equal([byHand.Mean + 10, byHand.Mean + 5, byHand.Mean + 10.0 / 3], Numbers(reconstruction["y"]!), Tolerance);
        Assert.Equal([byHand.Sd, byHand.Sd, byHand.Sd], Numbers(reconstruction["error_y"]!["array"]!), Tolerance);
        var kl = ByHand(6.60, 6.71);
        Assert.Equal([kl.Sd, kl.Sd, kl.Sd], Numbers(traces[4]!["error_y"]!["array"]!), Tolerance);
    }

    [Fact]
    public void RunSummaryTable_SeedGrid_SecondTableWithMeanSdAndEachSeedsElbo()
    {
        var table = new RunSummaryTable(Runs().Select(r => r.Summary).ToArray());
        var seeds = table.SeedTable()!;

        Assert.Equal(2, seeds.Rows.Count);
        var row = seeds.Rows[1];
        var elbo = ByHand(36.10 + 6.60, 37.35 + 6.71);
        Assert.Equal("seeds/beta=4", row[0]);
        Assert.Equal("seeds 1, 3 of 1, 2, 3", row[1]);
        Assert.Equal($"{HtmlTableCell(elbo.Mean)} ± {HtmlTableCell(elbo.Sd)}", row[seeds.Columns.ToList().IndexOf("−ELBO")]);
        Assert.Equal($"{HtmlTableCell(42.70)} · – · {HtmlTableCell(44.06)}", row[^1]);
        Assert.Contains("n − 1", table.ToString());
        Assert.Null(new RunSummaryTable([Runs()[0].Summary with { Overrides = [] }]).SeedTable());
    }

    [Fact]
    public void SentenceRunsTable_SeedGrid_LanguageModelNllAsMeanSdOverSeeds()
    {
        var folder = Path.Combine(Support.Repository.Root(), "results", "sequence-vae", "model=language-model");
        var committed = RunFiles.ReadSummary(Path.Combine(folder, RunFolder.SummaryFile));
        var definition = RunConfiguration.Read(Path.Combine(folder, TrainedRun.ConfigFile)).Definition;
        var nll = new[] { 37.5, 38.25 };
        var runs = nll.Select((value, i) => new ReportRun(folder, committed with
        {
            Run = $"seed={i + 1}",
            Overrides = new Dictionary<string, JsonNode?> { ["training.seed"] = i + 1 },
            Sentences = committed.Sentences! with { LanguageModelNll = value },
        }, [], definition, null)).ToArray();

        var html = new StringBuilder();
        SentenceReport.AppendTable(html, runs);
        var text = System.Net.WebUtility.HtmlDecode(html.ToString());

        var byHand = ByHand(nll);
        Assert.Contains($"<td>{F2(byHand.Mean)} ± {F2(byHand.Sd)} (NLL)<br><span class=\"seeds\">37.50 · 38.25</span></td>", text);
        Assert.Contains("<td class=\"text\">default<br><span class=\"seeds\">seeds 1, 2</span></td>", text);
    }

    [Fact]
    public void SeedGroupStatus_MixedStates_FinishedFirstThenTheOthersThenNotStarted()
    {
        var status = new Workbench.Experiments.Sweeps.SeedGroupStatus("beta=4",
            [(1, Workbench.Experiments.Sweeps.RunState.Finished), (2, Workbench.Experiments.Sweeps.RunState.Running),
             (3, Workbench.Experiments.Sweeps.RunState.Finished), (4, null), (5, Workbench.Experiments.Sweeps.RunState.Failed)],
            SeedStatistic.Of([40, 41]));
        Assert.Equal("1, 3 finished; 2 running; 5 failed; 4 not started", status.Describe());
    }

    private static string HtmlTableCell(double value) => Workbench.Display.HtmlTable.Cell(value);

    private static IEqualityComparer<double> Tolerance { get; } = new Near(1e-9);

    private sealed class Near(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(a));
        public int GetHashCode(double value) => 0;
    }

    private static double[] Numbers(JsonNode node) => node.AsArray().Select(v => (double)v!).ToArray();
}
