using Workbench.Models.Kl;
using Workbench.Models.Posteriors;
using Workbench.Tensors;

namespace Workbench.Models.Objectives;

/// <summary>
/// The evidence lower bound of Kingma &amp; Welling (2014) with one sample of z per image:
/// loss = E_q[−log p(x|z)] + penalty(KL), where the <see cref="KlPenalty"/> weighs the KL (β, a
/// schedule, free bits or capacity annealing). The ablations are subclasses that override only the
/// step where their maths differs: which z is decoded, or the penalty.
/// </summary>
public class ElboObjective(KlPenalty penalty) : TrainingObjective
{
    /// <summary>The plain ELBO, KL weight 1.</summary>
    public ElboObjective() : this(new WeightedKl(new ConstantKlWeight(1f))) { }

    /// <summary>How the KL enters the loss.</summary>
    public KlPenalty Penalty { get; } = penalty ?? throw new ArgumentNullException(nameof(penalty));

    public override double? Beta => Penalty.FinalWeight;

    public override KlPenalty? KlPenalty => Penalty;

    /// <summary>
    /// "ELBO, constant β=1" when the loss is the ELBO itself (KL weight 1 throughout); otherwise the loss is a
    /// reweighted bound, named "β-ELBO" with its penalty (e.g. "β-ELBO, constant β=4").
    /// </summary>
    public override string Describe() =>
        (Penalty is WeightedKl { Schedule: ConstantKlWeight { Beta: 1f } } ? "ELBO, " : "β-ELBO, ") + Penalty.Describe();

    public override VaeOutput Forward(VariationalAutoencoder model, VaeBatch batch)
    {
        var posterior = model.Encode(batch.Images, batch.Condition);                   // q(z|x), B rows
        var sample = Latent(posterior, batch.Noise);                                    // z (B, latent), log q(z|x) (B)
        var z = sample.Z;
        var decoded = model.Decode(DecoderInput(z), batch.Condition);                   // (B, D)
        var reconstructionPerImage = model.Likelihood.NegativeLogLikelihood(decoded, batch.Images); // (B)
        var kl = model.Kl(posterior, sample);
        var reconstructionTerm = reconstructionPerImage.Mean();
        var klTerm = kl.PerImage.Mean();
        var (penalty, weight, target) = Penalty.Apply(kl.PerDimension, klTerm, batch.Progress);
        var loss = reconstructionTerm + penalty;
        return new VaeOutput(loss, reconstructionTerm, klTerm, kl.PerDimension, kl.IsAnalytic, weight, target,
            posterior, z, decoded, reconstructionPerImage, kl.PerImage);
    }

    /// <summary>The z that is decoded and its log-density: a reparameterized sample of q(z|x).</summary>
    protected virtual PosteriorSample Latent(Posterior posterior, Tensor noise) => posterior.SampleWithLogDensity(noise);

    /// <summary>What the decoder receives for <paramref name="z"/> (the KL-only ablation cuts it from the graph).</summary>
    protected virtual Tensor DecoderInput(Tensor z) => z;
}

/// <summary>Ablation: KL weight 0. The encoder still samples z ~ q(z|x); posterior σ shrinks toward 0 and the KL grows without bound.</summary>
public sealed class ReconstructionOnlyObjective() : ElboObjective(new WeightedKl(new ConstantKlWeight(0f)))
{
    public override string Describe() => "reconstruction only";

    public override string NotTrained => "KL not optimised (weight 0)";
}

/// <summary>
/// Ablation: the encoder is trained on the KL term alone: the reconstruction term does not reach it
/// (z is cut from the graph before the decoder), so q(z|x) collapses to the prior. The decoder still
/// fits the data given z; since z then carries no information about x, its best output, and so every
/// reconstruction, is the mean image.
/// </summary>
public sealed class KlOnlyObjective(KlPenalty penalty) : ElboObjective(penalty)
{
    public KlOnlyObjective() : this(new WeightedKl(new ConstantKlWeight(1f))) { }

    public override string Describe() => "KL only, " + Penalty.Describe();

    public override string NotTrained => "reconstruction does not reach the encoder";

    protected override Tensor DecoderInput(Tensor z) => z.Detach();
}

/// <summary>Ablation: a plain autoencoder, z = μ (no sampling) and no KL in the loss (the KL is still reported).</summary>
public sealed class AutoencoderObjective() : ElboObjective(new WeightedKl(new ConstantKlWeight(0f)))
{
    public override string Describe() => "deterministic autoencoder";

    public override string NotTrained => "σ not trained (z = μ); KL not optimised";

    protected override PosteriorSample Latent(Posterior posterior, Tensor noise) => new(posterior.Mean, posterior.LogDensity(posterior.Mean));
}
