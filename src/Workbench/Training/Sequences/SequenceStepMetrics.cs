namespace Workbench.Training.Sequences;

/// <summary>One optimizer step of a <see cref="SequenceTrainer"/>: batch means in nats per sentence.</summary>
/// <param name="Step">Optimizer steps taken so far, this one included (1-based).</param>
/// <param name="Epoch">1-based.</param>
/// <param name="Batch">The batch's number in its epoch, 1-based.</param>
/// <param name="BatchesPerEpoch">Batches in an epoch.</param>
/// <param name="Loss">Reconstruction + β·KL (a language model: its NLL).</param>
/// <param name="Reconstruction">−log p(x|z) (a language model: −log p(x)).</param>
/// <param name="Kl">KL(q(z|x) ‖ N(0, I)); 0 for a language model.</param>
/// <param name="KlWeight">β of the step; 0 for a language model.</param>
public sealed record SequenceStepMetrics(long Step, int Epoch, int Batch, int BatchesPerEpoch, double Loss, double Reconstruction, double Kl, double KlWeight)
{
    /// <summary>Reconstruction + KL with weight 1: the step's −ELBO (a language model: its NLL).</summary>
    public double NegativeElbo => Reconstruction + Kl;
}
