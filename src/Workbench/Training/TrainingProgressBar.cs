using Spectre.Console;

namespace Workbench.Training;

/// <summary>
/// Shows training progress: a live Spectre.Console bar with loss, reconstruction and KL on an
/// interactive terminal; one line per epoch otherwise (logs, CI, notebooks).
/// </summary>
internal abstract class TrainingProgressBar : IDisposable
{
    public static TrainingProgressBar Create(bool show, long totalSteps, long startStep) =>
        !show ? new Silent()
        : AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected ? new Live(totalSteps, startStep)
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

    /// <summary>The bar renders on Spectre's own thread; training updates its task from this one.</summary>
    private sealed class Live : TrainingProgressBar
    {
        private readonly TaskCompletionSource _finished = new();
        private readonly Task _display;
        private readonly ProgressTask _task;
        private readonly List<string> _epochLines = [];

        public Live(long totalSteps, long startStep)
        {
            var ready = new TaskCompletionSource<ProgressTask>();
            _display = AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("training", maxValue: Math.Max(1, totalSteps));
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
            _task.Description = Markup.Escape($"epoch {m.Epoch} batch {m.Batch}/{m.BatchesPerEpoch}  loss {m.Loss:F2}  rec {m.Reconstruction:F2}  KL {m.Kl:F2}");
        }

        public override void EpochDone(EpochMetrics metrics) => _epochLines.Add(Describe(metrics));

        public override void Dispose()
        {
            _finished.TrySetResult();
            _display.GetAwaiter().GetResult();
            foreach (var line in _epochLines) Console.WriteLine(line);
        }
    }
}
