using Workbench.Models.Objectives;
using Workbench.Tensors;

namespace Workbench.Models.VectorQuantized;

/// <summary>
/// The VQ-VAE's loss (van den Oord et al. 2017, eq. 3), per image and averaged over the batch:
/// −log p(x | z_q) + ‖sg[z_e] − e‖² + β ‖z_e − sg[e]‖², the squared norms summed over the grid's positions and
/// code dimensions (so all three terms are per image, as the reconstruction's nats are). With the EMA codebook
/// the middle term is left out: the codes move by moving averages (<see cref="Codebook.UpdateEma"/>), applied in
/// each training-mode pass after the quantisation. The KL reported beside it, −log p(c) (the posterior is a point
/// mass on the codes), is not trained: it is h·w·log K under the uniform prior and the PixelCNN's code
/// log-likelihood once that is fitted.
/// </summary>
public sealed class VqVaeObjective(float commitment) : TrainingObjective
{
    /// <summary>β, the commitment cost (0.25 in the paper).</summary>
    public float Commitment { get; } = commitment;

    /// <summary>Null: the KL is not weighted into this loss.</summary>
    public override double? Beta => null;

    public override string? NotTrained => "KL not optimised (prior fitted after training)";

    public override string Describe() => $"VQ-VAE, β={Commitment.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)} commitment";

    public override VaeOutput Forward(VariationalAutoencoder model, VaeBatch batch)
    {
        var vq = model as VqVae ?? throw new ArgumentException($"The VQ-VAE objective trains a {nameof(VqVae)}; got a {model.GetType().Name}.");
        var posterior = (QuantizedPosterior)vq.Encode(batch.Images, batch.Condition);           // z_e, z_q, codes
        var decoded = vq.Decode(posterior.Quantized);                                            // (B, D)
        var reconstructionPerImage = vq.Likelihood.NegativeLogLikelihood(decoded, batch.Images); // (B)
        var loss = vq.ObjectiveTerms(posterior, Commitment, reconstructionPerImage.Mean());
        Tensor klPerImage;                                                                       // (B), −log p(c)
        using (GradMode.NoGrad()) klPerImage = vq.CodePrior.LogProbability(posterior.Codes) * -1f;
        if (vq.Training) vq.AfterTrainingPass(posterior);
        return new VaeOutput(loss, reconstructionPerImage.Mean(), klPerImage.Mean(), null, KlIsAnalytic: true, KlWeight: 0f, KlTarget: null,
            posterior, posterior.Quantized, decoded, reconstructionPerImage, klPerImage);
    }
}
