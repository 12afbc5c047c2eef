using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Priors;

/// <summary>
/// The prior p(z) over the latent space. A module, so a prior may learn parameters (a mixture's
/// means, the VampPrior's pseudo-inputs); they are trained with the model and saved under "prior.".
/// </summary>
public abstract class Prior : Module
{
    /// <summary>log p(z) of each row. (N, latent) → (N), nats.</summary>
    public abstract Tensor LogDensity(Tensor z);

    /// <summary><paramref name="count"/> draws z ~ p(z). (count, latent)</summary>
    public abstract Tensor Sample(int count, Rng rng);

    /// <summary>
    /// KL(q(z|x) ‖ p(z)) in closed form, per image and dimension (B, latent), when this prior and the
    /// family of <paramref name="posterior"/> have one; null otherwise, and the model then estimates the
    /// KL by Monte Carlo as log q(z|x) − log p(z) at its sample of z.
    /// </summary>
    public virtual Tensor? AnalyticKl(Posterior posterior) => null;

    /// <summary>
    /// Called once by the model that owns this prior, before any other call: priors defined through
    /// the model's own parts (the VampPrior uses its encoder) take them from here.
    /// </summary>
    protected internal virtual void Attach(VariationalAutoencoder model) { }
}
