namespace Workbench.Models.Objectives;

/// <summary>
/// What a VAE minimises, as a term that drives the forward pass: it draws the latent samples it needs
/// from the batch's noise, decodes them through the model and combines the model's log-densities into
/// a loss. The ELBO with its KL weightings, the ablations and the importance-weighted objective are
/// objectives; a new one is a new subclass, and every trainer and evaluator accepts it.
/// </summary>
public abstract class TrainingObjective
{
    /// <summary>k, the latent samples drawn per image: the batch's noise has B·k rows.</summary>
    public virtual int SamplesPerImage => 1;

    /// <summary>The KL weight β a run trained with this objective reports (the final weight); null when there is none (capacity annealing).</summary>
    public abstract double? Beta { get; }

    /// <summary>How the KL enters the loss, for objectives that weigh it (the ELBO family); null for the others.</summary>
    public virtual Kl.KlPenalty? KlPenalty => null;

    /// <summary>
    /// What this objective's loss leaves out of training although runs still report it, in a few words for tables
    /// (e.g. "KL not optimised"); null when the loss trains every term it reports.
    /// </summary>
    public virtual string? NotTrained => null;

    /// <summary>The objective in a few words, for tables and logs (e.g. "β-ELBO, constant β=4").</summary>
    public abstract string Describe();

    /// <summary>One forward pass of <paramref name="model"/> on <paramref name="batch"/> with this objective's loss.</summary>
    public abstract VaeOutput Forward(VariationalAutoencoder model, VaeBatch batch);

    public override string ToString() => Describe();
}
