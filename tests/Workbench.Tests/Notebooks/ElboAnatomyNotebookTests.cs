using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbench.Tests.Notebooks;

public sealed class ElboAnatomyAtDefaults : NotebookAtDefaults
{
    protected override string Name => "05-elbo-anatomy";
}

/// <summary>notebooks/05-elbo-anatomy.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public partial class ElboAnatomyNotebookTests(ElboAnatomyAtDefaults notebook) : IClassFixture<ElboAnatomyAtDefaults>
{
    private static readonly string[] Schedules = ["constant", "linear warm-up", "cyclical", "capacity"];

    [Fact]
    public void Notebook_RunsCleanly_WithItsFigures() => notebook.AssertRanCleanly(minFigures: 4, minPictures: 0);

    [Fact]
    public void ImportanceWeightedBound_TightensWithKAndFlattens()
    {
        var printed = notebook.Executed.Stdout("Lab.IwaeVersusK(");
        var elbo = double.Parse(ElboLine().Match(printed).Groups[1].Value, CultureInfo.InvariantCulture);
        var bounds = BoundLine().Matches(printed)
            .Select(m => (K: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Bound: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
        Assert.True(bounds.Count >= 4, printed);

        // "−L_1 is the ELBO in expectation … they differ by sampling noise … the −ELBO falls within" ±2 standard errors of −L_1.
        var standardError = double.Parse(NoiseLine().Match(printed).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(1, bounds[0].K);
        Assert.InRange(standardError, 0.001, 1.0);
        Assert.True(Math.Abs(bounds[0].Bound - elbo) <= 2 * standardError, $"−L_1 {bounds[0].Bound} vs −ELBO {elbo}, standard error {standardError}");
        var figure = Assert.Single(notebook.Executed.Figures("Lab.IwaeVersusK("));
        var bar = ExecutedNotebook.Values(NotebookAtDefaults.Trace(figure, "−L_1 ± 2 standard errors (sampling noise)"), "y");
        Assert.InRange(bar[1] - bar[0], 4 * standardError - 0.005, 4 * standardError + 0.005); // the printed error is rounded to 0.001
        // "never decreases with k" (−L_k never increases) and "every −L_k with k > 1 lies below the −ELBO".
        for (int i = 1; i < bounds.Count; i++)
        {
            Assert.True(bounds[i].Bound <= bounds[i - 1].Bound + 0.05, $"−L_k: {string.Join(", ", bounds)}");
            Assert.True(bounds[i].Bound < elbo, $"k = {bounds[i].K}: −L_k {bounds[i].Bound} vs −ELBO {elbo}");
        }
        // "falls steeply at first and flattens": the first step gains more than the last.
        var first = bounds[0].Bound - bounds[1].Bound;
        var last = bounds[^2].Bound - bounds[^1].Bound;
        Assert.True(first > 2 * last, $"first step {first} nats, last step {last} nats");
    }

    [Fact]
    public void ActiveUnits_FewerThanTheLatentDimensions()
    {
        var caption = Assert.Single(notebook.Executed.Tables("Lab.ActiveUnits(")).Caption;
        var match = ActiveCaption().Match(caption);

        Assert.True(match.Success, caption);
        Assert.True(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) < int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), caption);
        Assert.Contains("(threshold 0.01)", caption);
    }

    [Fact]
    public void ActiveUnits_TenLargestKlDimensionsHoldOverNinetyPercent_AndOtherActiveOnesExist()
    {
        // "the ten with the largest KL hold over 90 % of the model's KL; the other active dimensions pass the threshold but carry little"
        var activity = Assert.Single(notebook.Executed.Tables("Lab.ActiveUnits("));
        var figure = Assert.Single(notebook.Executed.Figures("Lab.PerDimensionKl("));
        var kl = ExecutedNotebook.Values(NotebookAtDefaults.Trace(figure, "constant"), "y");
        var largest = Enumerable.Range(0, kl.Length).OrderByDescending(d => kl[d]).Take(10).ToList();

        Assert.Equal(activity.Rows.Count, kl.Length);
        Assert.True(largest.Sum(d => kl[d]) > 0.9 * kl.Sum(), $"the ten largest hold {largest.Sum(d => kl[d]) / kl.Sum():P1}");
        Assert.All(largest, d => Assert.Equal("yes", activity.Row($"z{d}")[^1]));
        Assert.True(activity.Rows.Count(r => r[^1] == "yes") > 10, "active dimensions beyond the ten");
    }

    [Fact]
    public void ConstantSchedule_IsTheFirstModelReused_FourRunsInAll()
    {
        // "'constant' is the model trained above, reused"
        var folders = Directory.GetDirectories(Path.Combine(Support.NotebookResults.Root, "05-elbo-anatomy")).Select(Path.GetFileName).Order();
        Assert.Equal(["capacity", "constant", "cyclical", "linear-warm-up"], folders);
        var comparison = Assert.Single(notebook.Executed.Tables("Lab.Compare(scheduleRuns, test)"));
        Assert.Equal(Schedules, comparison.Rows.Select(r => r[0]));
    }

    [Fact]
    public void KlSchedules_WarmUpAndCyclicalLetTheKlGrowFirst_CapacityFollowsItsTarget()
    {
        var figure = Assert.Single(notebook.Executed.Figures("Lab.KlSchedules("));
        double[] Kl(string name) => ExecutedNotebook.Values(figure.Where(t => t!["name"]!.GetValue<string>() == name).Last()!, "y");

        var constant = Kl("constant");
        Assert.True(Kl("linear warm-up")[0] > constant[0], "warm-up lets the KL grow above the constant weight's in the first epoch");
        Assert.True(Kl("cyclical")[0] > constant[0], "cyclical annealing lets the KL grow above the constant weight's in the first epoch");

        var capacity = Kl("capacity");
        var targetTrace = NotebookAtDefaults.Trace(figure, "capacity target C");
        var target = ExecutedNotebook.Values(targetTrace, "y");
        // "its rising target C (black, dashed)", in the legend, not in the colour of the KL it overlaps.
        Assert.Equal("black", targetTrace["line"]!["color"]!.GetValue<string>());
        Assert.Equal("dash", targetTrace["line"]!["dash"]!.GetValue<string>());
        Assert.NotEqual(false, targetTrace["showlegend"]?.GetValue<bool>());
        Assert.True(target[^1] > target[0], "the target C rises");
        for (int e = 0; e < capacity.Length; e++)
            Assert.True(Math.Abs(capacity[e] - target[e]) < 2.5, $"epoch {e + 1}: KL {capacity[e]} vs target C {target[e]}");
        // The weight panel draws no β for capacity annealing (it has none), so it cannot squash the others.
        var weights = figure.Where(t => t!["yaxis"]?.GetValue<string>() is null or "y").SelectMany(t => ExecutedNotebook.Values(t!, "y")).Where(double.IsFinite);
        Assert.True(weights.Max() <= 1.0 + 1e-9, "KL weights stay within [0, 1]");
    }

    [Fact]
    public void KlSchedules_DelayingThePenaltyKeepsAtLeastAsManyDimensionsInUse()
    {
        var comparison = Assert.Single(notebook.Executed.Tables("Lab.Compare(scheduleRuns, test)"));
        var constant = comparison.Number("constant", "active units");

        Assert.True(comparison.Number("linear warm-up", "active units") >= constant);
        Assert.True(comparison.Number("cyclical", "active units") >= constant);
    }

    [GeneratedRegex(@"−ELBO \(one sample\): ([0-9.]+) nats")]
    private static partial Regex ElboLine();

    [GeneratedRegex(@"standard error of −L_1 = ([0-9.]+) nats")]
    private static partial Regex NoiseLine();

    [GeneratedRegex(@"k = +(\d+): −L_k = ([0-9.]+) nats")]
    private static partial Regex BoundLine();

    [GeneratedRegex(@"^(\d+) of (\d+) latent dimensions active")]
    private static partial Regex ActiveCaption();
}
