using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Sequences;

/// <summary>
/// The baseline of Bowman et al. (2016): the <see cref="SequenceVae"/>'s decoder alone as a language model — the same
/// embedding, GRU and output layer with initial state h₀ = 0 and no code z, so −log p(x) is exact rather than a bound.
/// State-dict names: <c>embedding</c>, <c>decoder</c>, <c>output</c> (as the VAE's).
/// </summary>
public sealed class RnnLanguageModel : Module<TokenBatch, LanguageModelOutput>
{
    private readonly Embedding _embedding;
    private readonly GRU _decoder;
    private readonly Linear _output;

    /// <summary>Builds the model with the sizes of <paramref name="config"/> (its latent size, word dropout and KL schedule unused).</summary>
    public RnnLanguageModel(SequenceVaeConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        _embedding = RegisterModule("embedding", new Embedding(config.VocabularySize, config.EmbeddingSize, rng));
        _decoder = RegisterModule("decoder", new GRU(config.EmbeddingSize, config.HiddenSize, rng));
        _output = RegisterModule("output", new Linear(config.HiddenSize, config.VocabularySize, rng));
    }

    public SequenceVaeConfig Config { get; }

    /// <summary>−log p(x) of each sentence (n + 1 predicted words) and their batch mean, nats per sentence.</summary>
    public override LanguageModelOutput Forward(TokenBatch input)
    {
        input.Validate(Config.VocabularySize);
        var nll = TeacherForcing.NegativeLogLikelihood(_embedding, _decoder, _output, input, null, 0, null); // (B)
        return new LanguageModelOutput(nll.Mean(), nll);
    }

    /// <summary>Sentences sampled word by word from the model (greedy when <paramref name="rng"/> is null), at most <paramref name="maxLength"/> words.</summary>
    public int[][] Generate(int count, Rng? rng, int maxLength = 20) =>
        TeacherForcing.Generate(_embedding, _decoder, _output, Tensor.Zeros(count, Config.HiddenSize), maxLength, rng);
}
