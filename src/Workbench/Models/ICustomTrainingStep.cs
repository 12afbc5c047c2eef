using Workbench.Optim;

namespace Workbench.Models;

/// <summary>
/// A model that runs its own training step with its own optimizers (e.g. <see cref="Adversarial.VaeGan"/>: three losses on
/// three parameter groups). The trainer then builds the optimizer with <see cref="CreateOptimizer"/> instead of one
/// optimizer over all parameters, saves its state in checkpoints and restores it on resume, and calls
/// <see cref="TrainingStep"/> instead of forward–backward–step; everything else (seeding, progress, metrics,
/// evaluation, checkpoints) is the trainer's as for any model.
/// </summary>
public interface ICustomTrainingStep
{
    /// <summary>
    /// The optimizer(s) <see cref="TrainingStep"/> updates; several are held by one <see cref="OptimizerSet"/>, whose
    /// state tensors carry each member's under the member's name.
    /// </summary>
    Optimizer CreateOptimizer();

    /// <summary>
    /// One training step on <paramref name="batch"/>: computes the losses, their gradients and the updates it decides to make
    /// with <paramref name="optimizer"/> (the one <see cref="CreateOptimizer"/> made). Random numbers beyond
    /// <see cref="VaeBatch.Noise"/> come from <see cref="Tensors.ForwardRandom.Current"/> (the step's noise stream, checkpointed).
    /// Returns the pass's output; its <see cref="VaeOutput.Loss"/> is what the trainer reports as the training loss and
    /// checks for divergence, and its <see cref="VaeOutput.Terms"/> become per-epoch metrics columns.
    /// </summary>
    VaeOutput TrainingStep(VaeBatch batch, Optimizer optimizer);
}
