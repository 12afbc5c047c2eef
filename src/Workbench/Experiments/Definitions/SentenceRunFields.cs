using Workbench.Models;

namespace Workbench.Experiments.Definitions;

/// <summary>
/// The settings a run on sentences does not read: its trainer (Adam, a constant learning rate, no validation split,
/// no early stopping) and its evaluation (bounds, perplexity, active units, mutual information, texts) have no use for
/// them, so an experiment file that sets one is refused rather than silently ignored.
/// </summary>
internal static class SentenceRunFields
{
    /// <summary>The first field <paramref name="d"/> sets that a run on sentences does not read, with why; null when none.</summary>
    public static (string Field, string Problem)? Problem(ExperimentDefinition d)
    {
        if (d.Model.Input != ModelInput.Sentences) return null;
        const string Trainer = "is not read by runs on sentences (Adam at a constant learning rate, every epoch on the whole training split); remove it";
        var t = d.Training;
        if (t.Optimizer is not null) return ("training.optimizer", Trainer);
        if (t.LearningRateSchedule is not null) return ("training.learningRateSchedule", Trainer);
        if (t.ValidationFraction is not null) return ("training.validationFraction", Trainer + " (the corpus has its own validation split)");
        if (t.EarlyStopping is not null) return ("training.earlyStopping", Trainer);
        if (t.DynamicBinarization) return ("training.dynamicBinarization", "binarises images; runs on sentences have none; remove it");
        const string Images = "measures images; runs on sentences have none; remove it";
        if (d.Evaluation.Denoising) return ("evaluation.denoising", Images);
        if (d.Evaluation.SampleQuality is not null) return ("evaluation.sampleQuality", Images);
        return null;
    }
}
