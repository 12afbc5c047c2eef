using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Workbench.Display;
using Workbench.Training;
using Workbench.Training.Sequences;

namespace Workbench.Notebooks;

/// <summary>
/// A sentence model's training as one notebook display redrawn in place (after <see cref="Lab.ShowLiveProgress"/>): the progress
/// bar (steps, elapsed and remaining time), the latest step's loss terms and KL weight, the last epoch; it ends as one line saying
/// what was trained. Step redraws are throttled as <see cref="LiveTraining"/>'s are.
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<SequenceLiveTraining>), PreferredMimeTypes = ["text/html"])]
public sealed class SequenceLiveTraining : IHtmlDisplayable
{
    private readonly Func<object, Action<object>> _display;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly UpdateThrottle _throttle = new(LiveTraining.UpdateInterval);
    private Action<object>? _update;

    internal SequenceLiveTraining(string name, int epochs, Func<object, Action<object>> display)
    {
        Name = name;
        Epochs = epochs;
        _display = display;
    }

    public string Name { get; }

    public int Epochs { get; }

    /// <summary>Steps done.</summary>
    public long Step { get; private set; }

    /// <summary>Steps of the whole run; 0 before the first step.</summary>
    public long TotalSteps { get; private set; }

    /// <summary>The latest step; null before the first.</summary>
    public SequenceStepMetrics? Latest { get; private set; }

    /// <summary>The latest finished epoch; null before the first.</summary>
    public SequenceEpochMetrics? LastEpoch { get; private set; }

    /// <summary>Whether training ended.</summary>
    public bool Finished { get; private set; }

    /// <summary>Why training stopped early; null unless it did.</summary>
    public string? Failure { get; private set; }

    internal void Show()
    {
        _throttle.Forced(_clock.Elapsed);
        _update = _display(this);
    }

    internal void Watch(SequenceTrainer trainer)
    {
        trainer.StepCompleted += step =>
        {
            Latest = step;
            Step = step.Step;
            TotalSteps = (long)step.BatchesPerEpoch * Epochs;
            Redraw(force: false);
        };
        trainer.EpochCompleted += epoch =>
        {
            LastEpoch = epoch;
            Redraw(force: true);
        };
    }

    internal void Finish()
    {
        Finished = true;
        _clock.Stop();
        Redraw(force: true);
    }

    internal void Fail(string reason)
    {
        Failure = reason;
        _clock.Stop();
        Redraw(force: true);
    }

    private void Redraw(bool force)
    {
        if (_update is null) return;
        if (force) _throttle.Forced(_clock.Elapsed);
        else if (!_throttle.TryTake(_clock.Elapsed)) return;
        _update(this);
    }

    private TimeSpan? Remaining =>
        Finished ? TimeSpan.Zero : Step == 0 || TotalSteps == 0 ? null : _clock.Elapsed * ((double)(TotalSteps - Step) / Step);

    private string Heading() =>
        Finished ? $"{Name}: trained {LastEpoch?.Epoch ?? 0} epochs ({Step} steps)"
        : Failure is { } failure ? $"{Name}: stopped: {failure}"
        : $"{Name}: training, epoch {Math.Min(Latest?.Epoch ?? 1, Epochs)}/{Epochs}";

    /// <summary>The latest step's numbers, nats per sentence.</summary>
    private string? StepLine() => Latest is not { } s ? null : s.KlWeight > 0 || s.Kl > 0
        ? string.Create(CultureInfo.InvariantCulture, $"latest step: loss {s.Loss:F2} (reconstruction {s.Reconstruction:F2}, KL {s.Kl:F2}, KL weight {s.KlWeight:G3}) nats per sentence")
        : string.Create(CultureInfo.InvariantCulture, $"latest step: NLL {s.Loss:F2} nats per sentence");

    public string ToHtml()
    {
        var html = new StringBuilder("<div class=\"workbench-live-training\" style=\"font-family: sans-serif; font-size: 13px; margin-bottom: 12px;\">");
        html.Append("<div style=\"font-weight: bold; margin-bottom: 4px;\">").Append(WebUtility.HtmlEncode(Heading())).Append("</div>");
        long total = TotalSteps == 0 ? Step : TotalSteps;
        int percent = total == 0 ? 0 : ProgressText.Percent(Step, total);
        string colour = Failure is not null ? "#d62728" : Finished ? "#2ca02c" : "#1f77b4";
        html.Append("<div style=\"display: flex; align-items: center; gap: 12px; margin: 4px 0;\">");
        html.Append(string.Create(CultureInfo.InvariantCulture,
            $"<div class=\"workbench-progress\" data-step=\"{Step}\" data-total-steps=\"{total}\" style=\"width: 360px; height: 12px; background: #e5e5e5; border-radius: 3px; overflow: hidden;\">"));
        html.Append(string.Create(CultureInfo.InvariantCulture, $"<div style=\"width: {percent}%; height: 100%; background: {colour};\"></div></div>"));
        html.Append("<span style=\"white-space: pre; font-variant-numeric: tabular-nums;\">")
            .Append(WebUtility.HtmlEncode(total == 0 ? "starting" : ProgressText.Steps(Step, total))).Append("</span>");
        html.Append("<span style=\"white-space: pre; color: #555;\">").Append(WebUtility.HtmlEncode(ProgressText.Times(_clock.Elapsed, Remaining))).Append("</span></div>");
        if (StepLine() is { } line) html.Append("<div style=\"white-space: pre;\">").Append(WebUtility.HtmlEncode(line)).Append("</div>");
        return html.Append("</div>").ToString();
    }

    public override string ToString() => Heading() + (StepLine() is { } line ? "; " + line : "");
}
