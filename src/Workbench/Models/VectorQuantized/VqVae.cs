using Workbench.Models.Likelihoods;
using Workbench.Tensors;

namespace Workbench.Models.VectorQuantized;

/// <summary>
/// The VQ-VAE (van den Oord et al. 2017, "Neural Discrete Representation Learning"): a convolutional encoder's
/// grid of vectors z_e (h×w×D) snapped to the nearest of K codes, decoded from the codes' vectors z_q, trained
/// with <see cref="VqVaeObjective"/> (reconstruction + codebook + commitment, the gradient copied straight
/// through the quantisation), and sampled from a <see cref="CodeGridPrior"/>: a PixelCNN over the code grid,
/// fitted after training to the training set's codes. It is a <see cref="VariationalAutoencoder"/> whose
/// posterior is a point mass on the codes (<see cref="QuantizedPosterior"/>) and whose latents are the codes'
/// vectors laid out position-major (h·w·D), so the trainer, checkpoints, evaluators and pictures take it as it is.
/// </summary>
/// <remarks>
/// Training-mode passes move the EMA codebook and count code usage (<see cref="IEpochMeasures"/>: "codes_used",
/// "perplexity" and the mean "commitment" term of the epoch's steps). State-dict names: "encoder.body.…",
/// "encoder.codebook.…", "decoder.body.…", "prior.pixelcnn.…", "prior.fitted".
/// </remarks>
public sealed class VqVae : VariationalAutoencoder, IEpochMeasures
{
    private readonly CodeUsage _usage;
    private double _commitmentSum;
    private int _commitmentImages;

    public VqVae(VqEncoder encoder, CodeGridDecoder decoder, CodeGridPrior prior, Likelihood likelihood, float commitment,
        int imageHeight = 28, int imageWidth = 28, VaeConfig? config = null)
        : base(encoder, decoder, encoder.Positions * encoder.Codebook.CodeSize, imageHeight, imageWidth, prior, likelihood, new VqVaeObjective(commitment), null, config, config?.ImageChannels ?? 1)
    {
        if (prior.GridHeight != encoder.GridHeight || prior.GridWidth != encoder.GridWidth || prior.Codes != encoder.Codebook.Codes)
            throw new ArgumentException($"The prior's grid {prior.GridHeight}×{prior.GridWidth} of {prior.Codes} codes does not match the encoder's " +
                                        $"{encoder.GridHeight}×{encoder.GridWidth} of {encoder.Codebook.Codes}.");
        _usage = new CodeUsage(encoder.Codebook.Codes);
    }

    /// <summary>The K codes.</summary>
    public Codebook Codebook => ((VqEncoder)Encoder).Codebook;

    /// <summary>The prior over code grids.</summary>
    public CodeGridPrior CodePrior => (CodeGridPrior)Prior;

    public int GridHeight => ((VqEncoder)Encoder).GridHeight;
    public int GridWidth => ((VqEncoder)Encoder).GridWidth;

    /// <summary>P = h·w code positions per image.</summary>
    public int Positions => GridHeight * GridWidth;

    /// <summary>β, the commitment cost.</summary>
    public float Commitment => ((VqVaeObjective)Objective).Commitment;

    /// <summary>The codes of images (B, H·W) → (B·P), image-major, without gradient.</summary>
    public int[] CodesOf(Tensor images)
    {
        using var _ = GradMode.NoGrad();
        return ((QuantizedPosterior)Encode(images)).Codes;
    }

    /// <summary>Images E[x | z_q] decoded from code grids (count·P) → (count, H·W).</summary>
    public Tensor DecodeCodes(int[] codes)
    {
        using var _ = GradMode.NoGrad();
        return DecodeMean(CodePrior.Latents(codes));
    }

    /// <summary>
    /// The loss of one pass: <paramref name="reconstruction"/> + mean_b ‖sg[z_e] − e‖² (gradient codebook only) +
    /// β mean_b ‖z_e − sg[e]‖², norms summed over positions and dimensions. Records the commitment term for the epoch's measures.
    /// </summary>
    internal Tensor ObjectiveTerms(QuantizedPosterior posterior, float commitment, Tensor reconstruction)
    {
        int batch = posterior.Count;
        var codes = Codebook.Lookup(posterior.Codes).Reshape(batch, LatentSize);                          // e_c, (B, P·D); a parameter without EMA
        var commitmentPerImage = (posterior.EncoderOutput - codes.Detach()).Square().Sum(1);              // (B)
        var loss = reconstruction + commitmentPerImage.Mean() * commitment;
        if (!Codebook.Ema) loss += (posterior.EncoderOutput.Detach() - codes).Square().Sum(1).Mean();   // codebook loss
        if (Training)
        {
            _commitmentSum += commitmentPerImage.Sum().Item();
            _commitmentImages += batch;
        }
        return loss;
    }

    /// <summary>After a training-mode pass: the EMA codebook step (dead-code restarts draw from <see cref="ForwardRandom"/>) and the usage count.</summary>
    internal void AfterTrainingPass(QuantizedPosterior posterior)
    {
        if (Codebook.Ema)
        {
            var vectors = posterior.EncoderOutput.Reshape(posterior.Count * Positions, Codebook.CodeSize);
            Codebook.UpdateEma(vectors, posterior.Codes, Codebook.RestartDeadCodes ? ForwardRandom.Require("dead-code restarts") : null);
        }
        _usage.Add(posterior.Codes);
    }

    /// <summary>"codes_used" and "perplexity" of the codes chosen in training passes since the last call, and their mean "commitment" ‖z_e − sg[e]‖² per image.</summary>
    public IReadOnlyDictionary<string, double> TakeEpochMeasures()
    {
        var measures = new Dictionary<string, double>
        {
            ["codes_used"] = _usage.CodesUsed,
            ["perplexity"] = _usage.Perplexity,
            ["commitment"] = _commitmentImages == 0 ? 0 : _commitmentSum / _commitmentImages,
        };
        _usage.Clear();
        _commitmentSum = 0;
        _commitmentImages = 0;
        return measures;
    }

    /// <summary>Usage and perplexity of the codes of <paramref name="images"/> (B, H·W), e.g. the test set's.</summary>
    public (int CodesUsed, double Perplexity) UsageOf(IEnumerable<Tensor> images)
    {
        var usage = new CodeUsage(Codebook.Codes);
        foreach (var batch in images) usage.Add(CodesOf(batch));
        return (usage.CodesUsed, usage.Perplexity);
    }
}
