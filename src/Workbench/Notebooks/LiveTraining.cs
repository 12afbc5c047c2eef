using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Workbench.Display;
using Workbench.Experiments.Figures;
using Workbench.Plotting.Rendering;
using Workbench.Training;

namespace Workbench.Notebooks;

/// <summary>
/// A training run as one notebook display redrawn in place: the progress bar (epoch, optimizer steps
/// and their percentage, elapsed and remaining time), the latest batch's loss terms, and the
/// ELBO-components chart of the epochs finished so far; when training ends it becomes the run's
/// summary (its final test ELBO, chart and, folded, the table of epochs). Knows nothing of the notebook kernel: it
/// is shown once through the function <see cref="Lab.ShowLiveProgress"/> was given, which hands back
/// the function that replaces what is shown; step updates are throttled to one per
/// <see cref="UpdateInterval"/>, epoch ends and the end of the run always redraw. No state carries plotly.js: when the
/// view is the session's first chart, the library is shown once before it as a display of its own
/// (<see cref="ChartLibraryDisplay"/>), so a client that saves every state as an output saves it once, as one that saves
/// only the last state does.
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<LiveTraining>), PreferredMimeTypes = ["text/html"])]
public sealed class LiveTraining : IHtmlDisplayable
{
    /// <summary>Shortest time between two redraws for step progress.</summary>
    public static readonly TimeSpan UpdateInterval = TimeSpan.FromSeconds(0.5);

    private readonly Func<object, Action<object>> _display;
    private readonly Func<TimeSpan> _clock;
    private readonly UpdateThrottle _throttle;
    private readonly List<EpochMetrics> _history = [];
    private readonly bool _carriesPlotly;
    private Action<object>? _update;
    private long? _firstStep;
    private TimeSpan? _finishedAt;

    /// <param name="display">Shows a value and returns the function that replaces it (in .NET Interactive: <c>v => display(v).Update</c>).</param>
    /// <param name="clock">Time since an arbitrary origin; a stopwatch started here by default.</param>
    /// <param name="carriesPlotly">Whether this view shows plotly.js before its first state; by default it does when it is the
    /// session's first chart (<see cref="NotebookHtml.ClaimInlineBundle"/>).</param>
    internal LiveTraining(string name, int epochs, Func<object, Action<object>> display, Func<TimeSpan>? clock = null, TimeSpan? updateInterval = null,
        bool? carriesPlotly = null)
    {
        _carriesPlotly = carriesPlotly ?? NotebookHtml.ClaimInlineBundle();
        Name = name;
        Epochs = epochs;
        _display = display;
        if (clock is null)
        {
            var stopwatch = Stopwatch.StartNew();
            clock = () => stopwatch.Elapsed;
        }
        _clock = clock;
        _throttle = new UpdateThrottle(updateInterval ?? UpdateInterval);
        StartedAt = _clock();
    }

    public string Name { get; }

    public int Epochs { get; }

    /// <summary>Optimizer steps of the whole run; 0 until the first step reports how many batches an epoch has.</summary>
    public long TotalSteps { get; private set; }

    /// <summary>Steps done, those before a resume included.</summary>
    public long Step { get; private set; }

    /// <summary>The latest step's metrics; null before the first.</summary>
    public BatchMetrics? Latest { get; private set; }

    /// <summary>Finished epochs, those before a resume included.</summary>
    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>The finished run; null while training.</summary>
    public LabRun? Run { get; private set; }

    /// <summary>Why training stopped early; null unless it did.</summary>
    public string? Failure { get; private set; }

    /// <summary>How many times the display was drawn: the first display plus every update.</summary>
    public int Redraws { get; private set; }

    private TimeSpan StartedAt { get; }

    /// <summary>Time since the view was created (the end of training once finished).</summary>
    public TimeSpan Elapsed => (_finishedAt ?? _clock()) - StartedAt;

    /// <summary>Time left at the pace of the steps run so far in this session; null before there is a pace.</summary>
    public TimeSpan? Remaining
    {
        get
        {
            if (Run is not null) return TimeSpan.Zero;
            if (Failure is not null) return null;
            if (_firstStep is not { } first || Step <= first || TotalSteps == 0) return null;
            return Elapsed * ((double)(TotalSteps - Step) / (Step - first));
        }
    }

    /// <summary>Draws the view for the first time, after plotly.js (once, never redrawn) when the view claimed it.</summary>
    internal void Show()
    {
        if (_carriesPlotly) _display(new ChartLibraryDisplay());
        _throttle.Forced(_clock());
        Redraws++;
        _update = _display(this);
    }

    /// <summary>Redraws on every step, epoch and resume of <paramref name="trainer"/>.</summary>
    internal void Watch(Trainer trainer)
    {
        trainer.Resumed += history =>
        {
            _history.Clear();
            _history.AddRange(history);
            Redraw(force: true);
        };
        trainer.BatchCompleted += OnStep;
        trainer.EpochCompleted += OnEpoch;
    }

    internal void OnStep(BatchMetrics step)
    {
        _firstStep ??= step.Step - 1;
        TotalSteps = (long)step.BatchesPerEpoch * Epochs;
        Step = step.Step;
        Latest = step;
        Redraw(force: false);
    }

    internal void OnEpoch(EpochMetrics epoch)
    {
        _history.Add(epoch);
        Step = epoch.Step;
        Redraw(force: true);
    }

    /// <summary>Turns the view into the run's summary.</summary>
    internal void Finish(LabRun run)
    {
        Run = run;
        _finishedAt = _clock();
        if (TotalSteps == 0) TotalSteps = Step;
        Redraw(force: true);
    }

    /// <summary>Shows that training stopped with <paramref name="reason"/>; the chart keeps the epochs that finished.</summary>
    internal void Fail(string reason)
    {
        Failure = reason;
        _finishedAt = _clock();
        Redraw(force: true);
    }

    private void Redraw(bool force)
    {
        if (_update is null) return;
        var now = _clock();
        if (force) _throttle.Forced(now);
        else if (!_throttle.TryTake(now)) return;
        Redraws++;
        _update(this);
    }

    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append("<div class=\"workbench-live-training\" style=\"font-family: sans-serif; font-size: 13px; margin-bottom: 16px;\">");
        html.Append("<div style=\"font-weight: bold; margin-bottom: 4px;\">").Append(Encode(Heading())).Append("</div>");
        AppendBar(html);
        if (Run is { } run)
        {
            // What the run displays as (chart, table of epochs), with the table folded: a cell training five runs stays readable.
            html.Append(NotebookHtml.Render(run.ElboFigure()));
            html.Append("<details><summary style=\"cursor: pointer;\">").Append(Encode($"table of the {run.History.Count} epochs")).Append("</summary>");
            html.Append(run.Metrics().ToHtml()).Append("</details>");
            return html.Append("</div>").ToString();
        }
        if (Latest is { } latest)
            html.Append(Line("latest step", string.Create(CultureInfo.InvariantCulture,
                $"epoch {latest.Epoch}, batch {latest.Batch}/{latest.BatchesPerEpoch}: loss {latest.Loss:F2} (rec {latest.Reconstruction:F2}, KL {latest.Kl:F2}, weight {latest.KlWeight:G3})")));
        if (_history.Count > 0)
        {
            html.Append(Line("last epoch", Lab.EpochLine(Name, _history[^1], Epochs)));
            html.Append(NotebookHtml.Render(RunArtifacts.ElboFigure(_history, $"{Name}: negative ELBO and its terms")));
        }
        return html.Append("</div>").ToString();
    }

    private string Heading()
    {
        if (Run is { } run)
            return run.Test is { } t
                ? string.Create(CultureInfo.InvariantCulture, $"{Name}: trained {_history.Count} epochs; test −ELBO {t.NegativeElbo:F2} (rec {t.Reconstruction:F2}, KL {t.Kl:F2}) nats per image")
                : $"{Name}: trained {_history.Count} epochs";
        if (Failure is { } failure) return $"{Name}: stopped after {_history.Count} of {Epochs} epochs: {failure}";
        int epoch = Latest?.Epoch ?? _history.Count + 1;
        return $"{Name}: training, epoch {Math.Min(epoch, Epochs)}/{Epochs}";
    }

    /// <summary>The bar (data-step and data-total-steps carry its numbers), its step counter and its times.</summary>
    private void AppendBar(StringBuilder html)
    {
        long total = TotalSteps;
        int percent = total == 0 ? 0 : ProgressText.Percent(Step, total);
        string colour = Failure is not null ? "#d62728" : Run is not null ? "#2ca02c" : "#1f77b4";
        html.Append("<div style=\"display: flex; align-items: center; gap: 12px; margin: 4px 0;\">");
        html.Append(string.Create(CultureInfo.InvariantCulture,
            $"<div class=\"workbench-progress\" data-step=\"{Step}\" data-total-steps=\"{total}\" style=\"width: 360px; height: 12px; background: #e5e5e5; border-radius: 3px; overflow: hidden;\">"));
        html.Append(string.Create(CultureInfo.InvariantCulture, $"<div style=\"width: {percent}%; height: 100%; background: {colour};\"></div></div>"));
        html.Append("<span style=\"white-space: pre; font-variant-numeric: tabular-nums;\">")
            .Append(Encode(total == 0 ? "starting" : ProgressText.Steps(Step, total))).Append("</span>");
        html.Append("<span style=\"white-space: pre; font-variant-numeric: tabular-nums; color: #555;\">")
            .Append(Encode(ProgressText.Times(Elapsed, Remaining))).Append("</span>");
        html.Append("</div>");
    }

    private static string Line(string label, string text) =>
        $"<div style=\"margin: 2px 0;\"><span style=\"color: #555;\">{Encode(label)}:</span> <span style=\"white-space: pre;\">{Encode(text)}</span></div>";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    public override string ToString() =>
        Run is not null ? Heading() : $"{Heading()}  {(TotalSteps == 0 ? "" : ProgressText.Steps(Step, TotalSteps) + "  ")}{ProgressText.Times(Elapsed, Remaining)}";
}
