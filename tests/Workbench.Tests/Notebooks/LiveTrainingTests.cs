using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Display;
using Workbench.Notebooks;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Notebooks;

/// <summary>
/// The live training view without a kernel: its throttle, its HTML at each stage (bar numbers, labels,
/// one chart point per finished epoch) and Lab.Train driving one display through a recording callback.
/// </summary>
[Collection(nameof(LabRunLoggingTests))] // Lab's results root and live display are process-wide
public sealed partial class LiveTrainingTests
{
    [Fact]
    public void Throttle_RoutineUpdates_AtMostOncePerInterval()
    {
        var throttle = new UpdateThrottle(TimeSpan.FromSeconds(0.5));
        // 1000 steps over 10 s, one every 10 ms: the first step and then one per half second.
        int taken = Enumerable.Range(0, 1000).Count(i => throttle.TryTake(TimeSpan.FromMilliseconds(10 * i)));
        Assert.Equal(20, taken);
    }

    [Fact]
    public void Throttle_ForcedUpdate_RestartsTheInterval()
    {
        var throttle = new UpdateThrottle(TimeSpan.FromSeconds(1));
        Assert.True(throttle.TryTake(TimeSpan.FromSeconds(0)));
        throttle.Forced(TimeSpan.FromSeconds(0.9));
        Assert.False(throttle.TryTake(TimeSpan.FromSeconds(1.5)));
        Assert.True(throttle.TryTake(TimeSpan.FromSeconds(1.9)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UpdateThrottle(TimeSpan.Zero));
    }

    [Fact]
    public void View_StepsFasterThanTheInterval_RedrawsPerIntervalAndAtEveryEpochEnd()
    {
        var clock = new ManualClock();
        var shown = new List<string>();
        var view = new LiveTraining("β=4", epochs: 3, Recorder(shown), clock.Now, carriesPlotly: false);
        view.Show();
        // 3 epochs × 100 steps, 10 ms apart: 3 s of training.
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            for (int batch = 1; batch <= 100; batch++)
            {
                clock.Advance(0.01);
                view.OnStep(new BatchMetrics(epoch, batch, 100, (epoch - 1) * 100 + batch, 200, 180, 20, 1));
            }
            view.OnEpoch(Epoch(epoch, epoch * 100));
        }
        // The first display, at most one redraw per 0.5 s of steps (3 s → ≤ 6), one per epoch end.
        Assert.Equal(view.Redraws, shown.Count);
        Assert.InRange(shown.Count, 1 + 3 + 3, 1 + 6 + 3);
    }

    [Fact]
    public void ToHtml_WhileTraining_ShowsBarNumbersLabelledTimesAndOneChartPointPerEpoch()
    {
        var clock = new ManualClock();
        var shown = new List<string>();
        var view = new LiveTraining("β=4", epochs: 10, Recorder(shown), clock.Now, carriesPlotly: false);
        view.Show();
        Assert.Contains("β=4: training, epoch 1/10", shown[0]);
        Assert.DoesNotContain("Plotly.newPlot", shown[0]); // no epoch finished: no chart yet

        for (int step = 1; step <= 120; step++)
        {
            clock.Advance(0.1);
            view.OnStep(new BatchMetrics((step - 1) / 40 + 1, (step - 1) % 40 + 1, 40, step, 210.5, 190.25, 20.25, 1));
            if (step % 40 == 0) view.OnEpoch(Epoch(step / 40, step));
        }
        var html = view.ToHtml();

        Assert.Equal((120, 400), Bar(html));
        Assert.Contains("step 120/400  30%", html);
        // 12 s for 120 steps: 280 steps left take 28 s.
        Assert.Contains("elapsed 0:12  remaining 0:28", html);
        Assert.Contains("β=4: training, epoch 3/10", html);
        Assert.Contains("epoch 3, batch 40/40: loss 210.50 (rec 190.25, KL 20.25", html);
        var figure = Assert.Single(Figures(html));
        Assert.Equal(6, figure.Count); // reconstruction, KL and −ELBO; train and test
        Assert.All(figure, trace => Assert.Equal([1.0, 2.0, 3.0], trace!["x"]!.AsArray().Select(x => x!.GetValue<double>())));
    }

    [Fact]
    public void Train_WithLiveProgress_ShowsOneDisplayUpdatedInPlaceThatEndsAsTheRunSummary()
    {
        using var dir = new TempDirectory();
        Lab.LogRunsTo("live-progress", dir.Path);
        var train = TestData.Synthetic(1, 200, 2, 3);
        var test = TestData.Synthetic(2, 50, 2, 3);
        var displays = new List<List<string>>();
        Lab.ShowLiveProgress(value =>
        {
            if (value is ChartLibraryDisplay) return _ => throw new InvalidOperationException("plotly.js is shown once, never redrawn");
            var states = new List<string> { ((LiveTraining)value).ToHtml() };
            displays.Add(states);
            return updated => states.Add(((LiveTraining)updated).ToHtml());
        });
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        LabRun run, reused;
        try
        {
            run = Lab.Train(TestData.Tiny(), new TrainingOptions { Epochs = 4, BatchSize = 50, Seed = 3 }, train, test, name: "tiny");
            reused = Lab.Train(TestData.Tiny(), new TrainingOptions { Epochs = 4, BatchSize = 50, Seed = 3 }, train, test, name: "tiny");
        }
        finally
        {
            Console.SetOut(previous);
            Lab.HideLiveProgress();
        }

        // Trained: one display, redrawn at least at every epoch end and at the end; no printed epoch lines.
        var states = displays[0];
        Assert.True(states.Count >= 1 + 4 + 1, $"{states.Count} states");
        Assert.DoesNotContain("epoch 1/4", output.ToString());
        Assert.Contains("tiny: training, epoch 1/4", states[0]);
        var final = states[^1];
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"tiny: trained 4 epochs; test −ELBO {run.Test!.NegativeElbo:F2}"), final);
        Assert.Equal((16, 16), Bar(final));
        Assert.Contains("step 16/16  100%", final);
        Assert.Contains("remaining 0:00", final);
        Assert.Contains("<table class=\"workbench-table\"", final); // the table of epochs, as the run displays itself
        Assert.All(Assert.Single(Figures(final)), trace => Assert.Equal(4, trace!["x"]!.AsArray().Count));
        // The states in between follow the epochs: the number of chart points never decreases.
        var points = states.Select(s => Figures(s).SingleOrDefault()?[0]!["x"]!.AsArray().Count ?? 0).ToList();
        Assert.Equal(points.Order(), points);
        Assert.Equal(4, points[^1]);

        // Reused: shown once, directly as its summary.
        Assert.Equal(2, displays.Count);
        Assert.Contains("reusing the run finished earlier", output.ToString());
        Assert.Contains("tiny: trained 4 epochs", Assert.Single(displays[1]));
        Assert.Equal(run.Test.NegativeElbo, reused.Test!.NegativeElbo);
    }

    [Fact]
    public void Show_FirstChartOfTheSession_ShowsPlotlyOnceBeforeTheViewAndNoStateCarriesIt()
    {
        var clock = new ManualClock();
        var displays = new List<List<string>>();
        var view = new LiveTraining("β=4", epochs: 3, value =>
        {
            var states = new List<string> { ((IHtmlDisplayable)value).ToHtml() };
            displays.Add(states);
            return updated => states.Add(((IHtmlDisplayable)updated).ToHtml());
        }, clock.Now, carriesPlotly: true);
        view.Show();
        for (int step = 1; step <= 30; step++)
        {
            clock.Advance(0.6);
            view.OnStep(new BatchMetrics((step - 1) / 10 + 1, (step - 1) % 10 + 1, 10, step, 210.5, 190.25, 20.25, 1));
            if (step % 10 == 0) view.OnEpoch(Epoch(step / 10, step));
        }
        view.Fail("stopped by the test");

        // Two displays: plotly.js, never redrawn, then the view in every state it went through (step updates, epoch ends, the end).
        Assert.Equal(2, displays.Count);
        var library = Assert.Single(displays[0]);
        Assert.Single(BundlePattern().Matches(library));
        Assert.DoesNotContain("<div", library); // nothing visible
        var states = displays[1];
        Assert.Equal(view.Redraws, states.Count);
        Assert.True(states.Count >= 30, $"{states.Count} states");
        // No state carries the library: a client that keeps every state as an output saves plotly.js once, with the first display.
        Assert.All(states, state => Assert.Empty(BundlePattern().Matches(state)));
        Assert.All(states, state => Assert.True(state.Length < 20_000, $"a state of {state.Length} characters"));
        Assert.Contains("Plotly.newPlot", states[^1]);
    }

    [Fact]
    public void Show_AfterAnotherChartCarriedPlotly_ShowsOnlyTheView()
    {
        var shown = new List<string>();
        var view = new LiveTraining("β=4", epochs: 3, Recorder(shown), new ManualClock().Now, carriesPlotly: false);
        view.Show();
        view.OnEpoch(Epoch(1, 10));
        Assert.Equal(2, shown.Count);
        Assert.All(shown, state => Assert.Empty(BundlePattern().Matches(state)));
    }

    private static Func<object, Action<object>> Recorder(List<string> shown) => value =>
    {
        shown.Add(((LiveTraining)value).ToHtml());
        return updated => shown.Add(((LiveTraining)updated).ToHtml());
    };

    private static EpochMetrics Epoch(int epoch, long step) => new()
    {
        Epoch = epoch, Step = step, TrainLoss = 200 - epoch, TrainReconstruction = 180 - epoch, TrainKl = 20, KlWeight = 1,
        TestLoss = 199 - epoch, TestReconstruction = 179 - epoch, TestKl = 20, KlPerDimension = [1f, 2f], Seconds = 1,
    };

    /// <summary>The bar's step and total steps (its data attributes).</summary>
    private static (long Step, long Total) Bar(string html)
    {
        var match = BarPattern().Match(html);
        Assert.True(match.Success, "no progress bar");
        return (long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static List<JsonArray> Figures(string html) =>
        FigurePattern().Matches(html).Select(m => JsonNode.Parse(m.Groups[1].Value)!.AsArray()).ToList();

    [GeneratedRegex("data-workbench-plotly=")]
    private static partial Regex BundlePattern();

    [GeneratedRegex("class=\"workbench-progress\" data-step=\"(\\d+)\" data-total-steps=\"(\\d+)\"")]
    private static partial Regex BarPattern();

    [GeneratedRegex(@"var data = (\[.*?\]);\n")]
    private static partial Regex FigurePattern();

    private sealed class ManualClock
    {
        private TimeSpan _now;
        public TimeSpan Now() => _now;
        public void Advance(double seconds) => _now += TimeSpan.FromSeconds(seconds);
    }
}
