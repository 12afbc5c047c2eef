using Spectre.Console;
using Spectre.Console.Rendering;

namespace Workbench.Training;

/// <summary>
/// Shows training progress: on an interactive terminal a live Spectre.Console bar (the latest batch's
/// loss, reconstruction and KL; steps done; elapsed and remaining time) with each finished epoch's line
/// printed above it as the epoch ends; one line per epoch otherwise (logs, CI, notebooks).
/// </summary>
internal abstract class TrainingProgressBar : IDisposable
{
    public static TrainingProgressBar Create(bool show, long totalSteps, long startStep, int epochs) =>
        !show ? new Silent()
        : AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected ? new Live(AnsiConsole.Console, totalSteps, startStep, epochs)
        : new Lines();

    public abstract void Report(BatchMetrics metrics);

    public abstract void EpochDone(EpochMetrics metrics);

    public virtual void Dispose() { }

    internal static string Describe(EpochMetrics m) =>
        $"epoch {m.Epoch}: train loss {m.TrainLoss:F2} (rec {m.TrainReconstruction:F2}, KL {m.TrainKl:F2}, weight {m.KlWeight:G3})" +
        (m.TestLoss is { } t ? $"  test loss {t:F2} (rec {m.TestReconstruction:F2}, KL {m.TestKl:F2})" : "") +
        $"  {m.Seconds:F1}s";

    private sealed class Silent : TrainingProgressBar
    {
        public override void Report(BatchMetrics metrics) { }
        public override void EpochDone(EpochMetrics metrics) { }
    }

    private sealed class Lines : TrainingProgressBar
    {
        public override void Report(BatchMetrics metrics) { }
        public override void EpochDone(EpochMetrics metrics) => Console.WriteLine(Describe(metrics));
    }

    /// <summary>
    /// The bar renders on Spectre's own thread; training updates its task from this one. Lines written
    /// to the same console while the bar shows go above it (Spectre's progress display is a render hook).
    /// </summary>
    internal sealed class Live : TrainingProgressBar
    {
        private readonly IAnsiConsole _console;
        private readonly int _epochs;
        private readonly bool _wide;
        private readonly TaskCompletionSource _finished = new();
        private readonly Task _display;
        private readonly ProgressTask _task;

        public Live(IAnsiConsole console, long totalSteps, long startStep, int epochs)
        {
            _console = console;
            _epochs = epochs;
            // Everything on one line: on a narrow terminal (80 columns) the latest loss alone, with a shorter bar.
            int width = console.Profile.Width;
            _wide = width >= WideColumns;
            var ready = new TaskCompletionSource<ProgressTask>();
            _display = console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = _wide ? 40 : Math.Clamp(width - 76, 5, 40) }, new StepsColumn(), new TimesColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask($"epoch {Math.Min(epochs, startStep * epochs / Math.Max(1, totalSteps) + 1)}/{epochs}", maxValue: Math.Max(1, totalSteps));
                    task.Value = startStep;
                    ready.SetResult(task);
                    await _finished.Task;
                    task.StopTask();
                });
            _task = ready.Task.GetAwaiter().GetResult();
        }

        public override void Report(BatchMetrics m)
        {
            _task.Value = m.Step;
            _task.Description = Markup.Escape(_wide
                ? $"epoch {m.Epoch}/{_epochs}  loss {m.Loss:F2}  rec {m.Reconstruction:F2}  KL {m.Kl:F2}"
                : $"epoch {m.Epoch}/{_epochs}  loss {m.Loss:F2}");
        }

        /// <summary>Terminal width from which the bar also shows the latest reconstruction and KL.</summary>
        private const int WideColumns = 140;

        public override void EpochDone(EpochMetrics metrics) => _console.WriteLine(Describe(metrics));

        public override void Dispose()
        {
            _finished.TrySetResult();
            _display.GetAwaiter().GetResult();
        }
    }

    /// <summary>"step 1200/4690  26%": counter and percentage in the same unit.</summary>
    private sealed class StepsColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(ProgressText.Steps((long)task.Value, (long)task.MaxValue));
    }

    /// <summary>"elapsed 0:12  remaining 0:40".</summary>
    private sealed class TimesColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(ProgressText.Times(task.ElapsedTime ?? TimeSpan.Zero, task.IsFinished ? TimeSpan.Zero : task.RemainingTime), new Style(Color.Blue));
    }
}
