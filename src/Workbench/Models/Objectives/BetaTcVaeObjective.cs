using Workbench.Models.Posteriors;
using Workbench.Tensors;

namespace Workbench.Models.Objectives;

/// <summary>
/// β-TCVAE (Chen, Li, Grosse &amp; Duvenaud 2018): the ELBO's KL term, averaged over the data, splits into
/// index-code mutual information I_q(z; n), total correlation KL(q(z) ‖ ∏_d q(z_d)) and dimension-wise KL
/// Σ_d KL(q(z_d) ‖ p(z_d)), and the loss weighs them α, β, γ:
/// loss = E_q[−log p(x|z)] + α·MI + β·TC + γ·DWKL. Penalising the total correlation alone pushes the
/// aggregate posterior toward independent dimensions without squeezing the information z keeps about x.
/// </summary>
/// <remarks>
/// The aggregate posterior q(z) = (1/N) Σ_n q(z|n) is estimated from the minibatch by minibatch-weighted
/// sampling (the paper's eq. S5, as in its reference code): with one sample z_i ~ q(z|x_i) per image of a
/// batch of M drawn from N images,
/// log q(z_i) ≈ logsumexp_j log q(z_i|x_j) − log(N·M), and likewise each log q(z_i,d) from the marginals.
/// Per image the three terms are then
/// MI_i = log q(z_i|x_i) − log q̂(z_i), TC_i = log q̂(z_i) − Σ_d log q̂(z_i,d), DWKL_i = Σ_d log q̂(z_i,d) − log p(z_i),
/// which telescope: MI_i + TC_i + DWKL_i = log q(z_i|x_i) − log p(z_i), exactly the one-sample Monte-Carlo KL
/// on the same z, whatever N. N only shifts the reported terms by constants (and so never changes a gradient);
/// the batch's <see cref="VaeBatch.DatasetSize"/> gives it, and without one the batch is taken to be the whole
/// dataset (N = M). With α = β = γ = 1 the loss is the ELBO with a Monte-Carlo KL.
/// Costs (M, M) log-densities per dimension: fine for batches of a few hundred.
/// </remarks>
public sealed class BetaTcVaeObjective : TrainingObjective
{
    /// <param name="alpha">α, the weight of the index-code mutual information.</param>
    /// <param name="beta">β, the weight of the total correlation.</param>
    /// <param name="gamma">γ, the weight of the dimension-wise KL.</param>
    public BetaTcVaeObjective(float alpha = 1f, float beta = 6f, float gamma = 1f)
    {
        foreach (var (name, value) in new[] { ("alpha", alpha), ("beta", beta), ("gamma", gamma) })
            if (!float.IsFinite(value) || value < 0) throw new ArgumentOutOfRangeException(name, value, "β-TCVAE weights must be finite and ≥ 0.");
        Alpha = alpha;
        TcWeight = beta;
        Gamma = gamma;
    }

    public float Alpha { get; }

    /// <summary>β, the weight on the total correlation.</summary>
    public float TcWeight { get; }

    public float Gamma { get; }

    /// <summary>The total-correlation weight β, the number this variant is known by.</summary>
    public override double? Beta => TcWeight;

    public override string Describe() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"β-TCVAE, α={Alpha:G3}, β={TcWeight:G3}, γ={Gamma:G3}");

    /// <remarks>
    /// The reported KL term is the closed-form KL when the prior has one (else the Monte-Carlo estimate),
    /// the same number the ELBO reports, so the runs compare with β-VAE's; the loss uses the decomposition.
    /// </remarks>
    public override VaeOutput Forward(VariationalAutoencoder model, VaeBatch batch)
    {
        var posterior = model.Encode(batch.Images, batch.Condition);                    // q(z|x), M rows
        var z = posterior.SampleWithLogDensity(batch.Noise).Z;                          // (M, latent)
        var decoded = model.Decode(z, batch.Condition);                                 // (M, D)
        var reconstructionPerImage = model.Likelihood.NegativeLogLikelihood(decoded, batch.Images); // (M)
        var terms = Decompose(model, posterior, z, batch.DatasetSize);
        var reconstructionTerm = reconstructionPerImage.Mean();
        var loss = reconstructionTerm + terms.MutualInformation * Alpha + terms.TotalCorrelation * TcWeight + terms.DimensionWiseKl * Gamma;

        var analytic = model.Prior.AnalyticKl(posterior);                               // (M, latent) or null
        var klPerImage = analytic?.Sum(1) ?? terms.MonteCarloKlPerImage;                 // (M)
        return new VaeOutput(loss, reconstructionTerm, klPerImage.Mean(), analytic?.Mean(0), analytic is not null,
            KlWeight: 1f, KlTarget: null, posterior, z, decoded, reconstructionPerImage, klPerImage);
    }

    /// <summary>
    /// The three terms of the KL at the samples <paramref name="z"/> (one row per posterior row), by
    /// minibatch-weighted sampling with a dataset of <paramref name="datasetSize"/> images (null: the batch is the dataset).
    /// </summary>
    public static KlDecomposition Decompose(VariationalAutoencoder model, Posterior posterior, Tensor z, int? datasetSize = null)
    {
        int batch = posterior.Count;
        int dataset = datasetSize ?? batch;
        if (dataset < batch) throw new ArgumentException($"The dataset size N = {dataset} must be at least the batch size M = {batch}.");
        if (z.Rank != 2 || z.Dim(0) != batch || z.Dim(1) != posterior.LatentSize)
            throw new ArgumentException($"z must have one row per posterior, ({batch}, {posterior.LatentSize}); got {Tensor.ShapeText(z.Dims)}.");
        float logNm = (float)Math.Log((double)dataset * batch);
        var table = posterior.PairwiseLogDensityPerDimension(z)                          // log q(z_i,d | x_j,d), (M, M, latent)
            ?? throw new NotSupportedException($"β-TCVAE needs the posterior's per-dimension densities q(z_i,d | x_j) at every pair of images; {posterior.GetType().Name} does not factorise over dimensions{(posterior.HasDensityEverywhere ? "" : " and has no density at an arbitrary z")}.");

        var logPosterior = posterior.LogDensity(z);                                    // log q(z_i|x_i), (M)
        var logAggregate = table.Sum(2).LogSumExp(1) - logNm;                           // log q̂(z_i), (M)
        var logProduct = (table.LogSumExp(1) - logNm).Sum(1);                           // Σ_d log q̂(z_i,d), (M)
        var logPrior = model.Prior.LogDensity(z);                                       // log p(z_i), (M)
        return new KlDecomposition(
            (logPosterior - logAggregate).Mean(),
            (logAggregate - logProduct).Mean(),
            (logProduct - logPrior).Mean(),
            logPosterior - logPrior);
    }
}

/// <summary>The KL term split as in β-TCVAE, batch means in nats per image.</summary>
/// <param name="MutualInformation">Index-code MI, mean of log q(z|x) − log q̂(z). Scalar.</param>
/// <param name="TotalCorrelation">Mean of log q̂(z) − Σ_d log q̂(z_d). Scalar.</param>
/// <param name="DimensionWiseKl">Mean of Σ_d log q̂(z_d) − log p(z). Scalar.</param>
/// <param name="MonteCarloKlPerImage">log q(z|x) − log p(z) per image at the same samples, (M): the three terms sum to its mean.</param>
public sealed record KlDecomposition(Tensor MutualInformation, Tensor TotalCorrelation, Tensor DimensionWiseKl, Tensor MonteCarloKlPerImage);
