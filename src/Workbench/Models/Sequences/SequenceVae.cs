using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Sequences;

/// <summary>
/// The sentence VAE of Bowman et al. (2016, "Generating sentences from a continuous space"): a GRU reads the sentence,
/// its final state gives q(z|x) = N(μ, diag σ²); z sets the initial state of a GRU decoder that predicts the sentence word
/// by word (teacher forcing, with word dropout in training mode) through a softmax over the vocabulary.
/// </summary>
/// <remarks>
/// Modules and state-dict names mirror the PyTorch model of <c>tests/reference/pytorch_sequence_vae.py</c>:
/// <c>embedding</c> (V, E) shared by both GRUs, <c>encoder</c> GRU(E, H), <c>to_posterior</c> Linear(H, 2L) → (μ, log σ²),
/// <c>to_hidden</c> Linear(L, H) → h₀, <c>decoder</c> GRU(E, H), <c>output</c> Linear(H, V).
/// Loss per sentence: −log p(x|z) + β_t·KL(q(z|x) ‖ N(0, I)), averaged over the batch; β_t from the KL annealing schedule.
/// </remarks>
public sealed class SequenceVae : Module<SequenceVaeBatch, SequenceVaeOutput>
{
    private readonly Embedding _embedding;
    private readonly GRU _encoder;
    private readonly Linear _toPosterior;
    private readonly Linear _toHidden;
    private readonly GRU _decoder;
    private readonly Linear _output;

    /// <summary>Builds the model, drawing its initial parameters from <paramref name="rng"/> (PyTorch's initialisations).</summary>
    public SequenceVae(SequenceVaeConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        _embedding = RegisterModule("embedding", new Embedding(config.VocabularySize, config.EmbeddingSize, rng));
        _encoder = RegisterModule("encoder", new GRU(config.EmbeddingSize, config.HiddenSize, rng));
        _toPosterior = RegisterModule("to_posterior", new Linear(config.HiddenSize, 2 * config.LatentSize, rng));
        _toHidden = RegisterModule("to_hidden", new Linear(config.LatentSize, config.HiddenSize, rng));
        _decoder = RegisterModule("decoder", new GRU(config.EmbeddingSize, config.HiddenSize, rng));
        _output = RegisterModule("output", new Linear(config.HiddenSize, config.VocabularySize, rng));
    }

    public SequenceVaeConfig Config { get; }

    /// <summary>L, the dimensions of z.</summary>
    public int LatentSize => Config.LatentSize;

    /// <summary>q(z|x) of each sentence: the encoder GRU's state after each sentence's last word → (μ, log σ²), each (B, L).</summary>
    public DiagonalGaussian Encode(TokenBatch batch)
    {
        batch.Validate(Config.VocabularySize);
        var embedded = _embedding.Forward(new TokenIds(batch.Tokens, batch.Size, batch.Steps));        // (B, T, E)
        var final = _encoder.Forward(embedded, null, batch.Lengths).HiddenState.Reshape(batch.Size, Config.HiddenSize); // (B, H)
        var parameters = _toPosterior.Forward(final);                                                  // (B, 2L)
        return new DiagonalGaussian(parameters.Narrow(1, 0, LatentSize), parameters.Narrow(1, LatentSize, LatentSize));
    }

    /// <summary>
    /// −log p(x|z) of each sentence given its code z (B, L), nats per sentence: the decoder from h₀ = to_hidden(z), with word
    /// dropout drawn from <see cref="ForwardRandom.Current"/> in training mode (none in evaluation mode). (B)
    /// </summary>
    public Tensor ReconstructionNll(TokenBatch batch, Tensor z)
    {
        if (z.Rank != 2 || z.Dim(0) != batch.Size || z.Dim(1) != LatentSize)
            throw new ArgumentException($"z must have shape ({batch.Size}, {LatentSize}) (B, latent); got {Tensor.ShapeText(z.Dims)}.");
        double p = Training ? Config.WordDropout : 0;
        var random = p > 0 ? ForwardRandom.Require($"Word dropout (p={p})") : null;
        return TeacherForcing.NegativeLogLikelihood(_embedding, _decoder, _output, batch, InitialState(z), p, random);
    }

    /// <summary>Encodes, samples z = μ + σ·ε with the batch's ε, decodes, and weighs the closed-form KL by the annealed β.</summary>
    public override SequenceVaeOutput Forward(SequenceVaeBatch input)
    {
        var posterior = Encode(input.Tokens);
        var z = posterior.Sample(input.Noise);                                                   // (B, L)
        var reconstruction = ReconstructionNll(input.Tokens, z);                                  // (B)
        var kl = Kl(posterior);                                                                  // (B)
        float weight = input.Progress is { } progress ? Config.Schedule.Weight(progress) : Config.Schedule.FinalWeight;
        var loss = (reconstruction + kl * weight).Mean();
        return new SequenceVaeOutput(loss, reconstruction.Mean(), kl.Mean(), weight, posterior, z, reconstruction, kl);
    }

    /// <summary>KL(N(μ, σ²) ‖ N(0, I)) of each row, ½ Σ_d (μ² + σ² − 1 − log σ²), nats. (B)</summary>
    public static Tensor Kl(DiagonalGaussian posterior) =>
        (posterior.Mean.Square() + posterior.LogVariance.Exp() - posterior.LogVariance - 1f).Sum(1) * 0.5f;

    /// <summary>Sentences decoded greedily (the most probable word at each step) from codes (N, L), at most <paramref name="maxLength"/> words each.</summary>
    public int[][] Greedy(Tensor z, int maxLength = 20) =>
        TeacherForcing.Generate(_embedding, _decoder, _output, HiddenFromCode(z), maxLength, sampler: null);

    /// <summary>Sentences sampled word by word from the decoder's softmax given codes (N, L), drawing from <paramref name="rng"/>.</summary>
    public int[][] Sample(Tensor z, Rng rng, int maxLength = 20)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return TeacherForcing.Generate(_embedding, _decoder, _output, HiddenFromCode(z), maxLength, rng);
    }

    /// <summary>
    /// The homotopy of Bowman et al. (2016, §5.2): <paramref name="points"/> codes evenly spaced on the segment from
    /// <paramref name="from"/> to <paramref name="to"/> (each (L) or (1, L)), both ends included. (points, L)
    /// </summary>
    public Tensor Homotopy(Tensor from, Tensor to, int points)
    {
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), points, "A homotopy needs at least 2 points (its two ends).");
        if (from.Size != LatentSize || to.Size != LatentSize)
            throw new ArgumentException($"Both ends must hold {LatentSize} values (the latent size); got {from.Size} and {to.Size}.");
        var a = from.ToArray();
        var b = to.ToArray();
        var codes = new float[points * LatentSize];
        for (int i = 0; i < points; i++)
        {
            float t = (float)i / (points - 1);
            for (int d = 0; d < LatentSize; d++) codes[i * LatentSize + d] = (1 - t) * a[d] + t * b[d];
        }
        return Tensor.FromArray(codes, points, LatentSize);
    }

    /// <summary>The sentences decoded greedily along <see cref="Homotopy"/>: one per point.</summary>
    public int[][] HomotopyGreedy(Tensor from, Tensor to, int points, int maxLength = 20) => Greedy(Homotopy(from, to, points), maxLength);

    private Tensor InitialState(Tensor z) => _toHidden.Forward(z).Reshape(1, z.Dim(0), Config.HiddenSize); // (1, B, H)

    private Tensor HiddenFromCode(Tensor z)
    {
        if (z.Rank != 2 || z.Dim(1) != LatentSize) throw new ArgumentException($"Codes must have shape (N, {LatentSize}); got {Tensor.ShapeText(z.Dims)}.");
        using var _ = GradMode.NoGrad();
        return _toHidden.Forward(z); // (N, H)
    }
}
