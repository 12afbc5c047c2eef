using Workbench.Tensors;

namespace Workbench.Models.Objectives;

/// <summary>
/// The importance-weighted objective of Burda et al. (2016): with k samples z_i ~ q(z|x) per image,
/// L_k = log (1/k) Σ_i p(x|z_i) p(z_i) / q(z_i|x), and the loss is −L_k averaged over the batch.
/// k = 1 is the ELBO (with a Monte-Carlo KL); larger k gives a tighter bound on log p(x) and keeps
/// more latent dimensions active. The weights come from <see cref="VariationalAutoencoder.ImportanceSample(Posteriors.Posterior, Tensor, Tensor?, Tensor, int[])"/>,
/// the same code the importance-weighted bound evaluates, so they stay right for any prior.
/// </summary>
public sealed class ImportanceWeightedObjective : TrainingObjective
{
    /// <param name="samples">k ≥ 1.</param>
    public ImportanceWeightedObjective(int samples)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "The importance-weighted objective needs k ≥ 1 samples.");
        Samples = samples;
    }

    /// <summary>k.</summary>
    public int Samples { get; }

    public override int SamplesPerImage => Samples;

    public override double? Beta => 1;

    public override string Describe() => $"importance-weighted, k={Samples}";

    /// <remarks>
    /// The reported reconstruction term is the mean of −log p(x|z_i) over all k·B samples, the KL term
    /// the closed-form KL when there is one, else the mean of log q(z_i|x) − log p(z_i): the ELBO's terms
    /// on the same samples, for comparison with ELBO-trained models.
    /// </remarks>
    public override VaeOutput Forward(VariationalAutoencoder model, VaeBatch batch)
    {
        int images = batch.Images.Dim(0);
        var posterior = model.Encode(batch.Images, batch.Condition);                  // q(z|x), B rows
        var samples = model.ImportanceSample(posterior, batch.Images, batch.Condition, batch.Noise, Samples); // B·k rows
        var bound = samples.LogWeights.Reshape(images, Samples).LogSumExp(1) - MathF.Log(Samples); // L_k per image, (B)
        var loss = -bound.Mean();

        var reconstructionPerSample = -samples.LogLikelihood;                          // (B·k)
        var analytic = model.Prior.AnalyticKl(posterior);                              // (B, latent) or null
        var klPerImage = analytic?.Sum(1) ?? (samples.LogPosterior - samples.LogPrior).Reshape(images, Samples).Mean(1); // (B)
        return new VaeOutput(loss, reconstructionPerSample.Mean(), klPerImage.Mean(), analytic?.Mean(0), analytic is not null,
            KlWeight: 1f, KlTarget: null, posterior, samples.Z, samples.Decoded, reconstructionPerSample, klPerImage);
    }
}
