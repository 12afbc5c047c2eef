using Workbench.Training;

namespace Workbench.Notebooks;

// Live training progress: the library stays free of the notebook kernel; the notebook hands it the
// kernel's display function once.
public static partial class Lab
{
    private static Func<object, Action<object>>? _liveDisplay;

    /// <summary>
    /// Shows every later <see cref="Train(Models.VaeConfig, TrainingOptions, Data.ImageDataset, Data.ImageDataset?, string?, bool)"/>
    /// as one display that is redrawn in place (a <see cref="LiveTraining"/>: progress bar, latest loss terms,
    /// ELBO chart) and ends as the run's summary, instead of printing a line per epoch. In a .NET Interactive
    /// notebook: <c>Lab.ShowLiveProgress(view =&gt; display(view).Update);</c>
    /// </summary>
    /// <param name="display">Shows a value and returns the function that replaces what it showed.</param>
    public static void ShowLiveProgress(Func<object, Action<object>> display)
    {
        ArgumentNullException.ThrowIfNull(display);
        _liveDisplay = display;
    }

    /// <summary>Back to one printed line per epoch.</summary>
    public static void HideLiveProgress() => _liveDisplay = null;

    /// <summary>A live view of a run about to train, already shown; null when live progress is off.</summary>
    private static LiveTraining? StartLiveView(string name, TrainingOptions options)
    {
        if (_liveDisplay is not { } display) return null;
        var view = new LiveTraining(name, options.Epochs, display);
        view.Show();
        return view;
    }

    /// <summary>Follows <paramref name="trainer"/> in <paramref name="view"/>, or prints one line per epoch without one.</summary>
    private static void Follow(Trainer trainer, LiveTraining? view, string name, int epochs)
    {
        if (view is not null) view.Watch(trainer);
        else trainer.EpochCompleted += m => Console.WriteLine(EpochLine(name, m, epochs));
    }

    /// <summary>A run that did not train here (reused) is shown as its summary when live progress is on, as a trained one ends.</summary>
    private static void ShowSummary(LabRun run)
    {
        if (_liveDisplay is not { } display) return;
        var view = new LiveTraining(run.Name, run.Options.Epochs, display);
        foreach (var epoch in run.History) view.OnEpoch(epoch);
        view.Finish(run);
        view.Show();
    }
}
