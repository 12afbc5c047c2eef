using System.Text.Json.Serialization;
using Workbench.Models.Kl;
using Workbench.Tensors;

namespace Workbench.Models.Sequences;

/// <summary>
/// What the experiment-file variants for sentences share: the word-vector and GRU widths, and that they read sentences.
/// The image fields they inherit from <see cref="VaeConfig"/> (image size, architecture, likelihood, prior, …) do not apply
/// and must stay at their defaults. Such a model is not a <see cref="VariationalAutoencoder"/>: the runner builds it from
/// <see cref="ToModelConfig"/> once the vocabulary's size is known.
/// </summary>
public abstract record SentenceModelConfig : VaeConfig
{
    /// <summary>E, the width of the word vectors (default 128).</summary>
    public int EmbeddingSize { get; init; } = 128;

    /// <summary>H, the GRUs' state width (default 192).</summary>
    public int HiddenSize { get; init; } = 192;

    /// <summary>Sentences, token ids of a vocabulary.</summary>
    [JsonIgnore] public override ModelInput Input => ModelInput.Sentences;

    /// <summary>The model's sizes and training behaviour for a vocabulary of <paramref name="vocabularySize"/> ids.</summary>
    public abstract SequenceVaeConfig ToModelConfig(int vocabularySize);

    /// <summary>Refused: a model of sentences is built by the runner from <see cref="ToModelConfig"/>, not as an image VAE.</summary>
    public override VariationalAutoencoder Build(Rng rng) =>
        throw new NotSupportedException($"Variant '{VariantName}' reads sentences; build it with {nameof(ToModelConfig)} and the vocabulary's size.");

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range, or an image field set on a model of sentences.</summary>
    public override void Validate()
    {
        var images = new VaeConfig();
        void ImageField(bool unchanged, string field) =>
            Require(unchanged, field, $"applies to image models; variant '{VariantName}' reads sentences (its fields: {string.Join(", ", OwnFields)}); remove it");
        ImageField(ImageHeight == images.ImageHeight && ImageWidth == images.ImageWidth, ImageHeight != images.ImageHeight ? "imageHeight" : "imageWidth");
        ImageField(ImageChannels == images.ImageChannels, "imageChannels");
        ImageField(Architecture == images.Architecture, "architecture");
        ImageField(HiddenSizes.SequenceEqual(images.HiddenSizes), "hiddenSizes");
        ImageField(ConvChannels.SequenceEqual(images.ConvChannels), "convChannels");
        ImageField(Dropout == 0, "dropout");
        ImageField(Activation == images.Activation, "activation");
        ImageField(Likelihood == images.Likelihood && GaussianSigma == images.GaussianSigma, Likelihood != images.Likelihood ? "likelihood" : "gaussianSigma");
        ImageField(Objective == images.Objective && Samples == 1, Objective != images.Objective ? "objective" : "samples");
        ImageField(KlPenalty is null, "klPenalty");
        ImageField(Prior is null, "prior");
        ToModelConfig(vocabularySize: SpecialTokens.End + 1 + 1).Validate();
    }

    /// <summary>The fields this variant reads, as experiment files spell them (named in messages).</summary>
    protected abstract IReadOnlyList<string> OwnFields { get; }
}

/// <summary>
/// <c>"variant": "sequence-vae"</c>: the sentence VAE of Bowman et al. (2016), <see cref="SequenceVae"/> — embedding, GRU
/// encoder, z of <see cref="VaeConfig.LatentSize"/> dimensions (default 32) setting the GRU decoder's initial state, word
/// dropout and KL annealing.
/// </summary>
public sealed record SequenceVaeVariantConfig : SentenceModelConfig
{
    /// <summary>The defaults of <see cref="SequenceVaeConfig"/>: a latent of 32 dimensions.</summary>
    public SequenceVaeVariantConfig() => LatentSize = 32;

    /// <summary>p, the probability of replacing each decoder input word (not &lt;s&gt;) by &lt;unk&gt; during training, in [0, 1].</summary>
    public double WordDropout { get; init; }

    /// <summary>The KL weight over training steps: <c>{"kind": "logistic", "k": …, "x0": …}</c> (Bowman et al.) or <c>"linear-warmup"</c>; null for the logistic schedule at k = 0.0025, x₀ = 2500.</summary>
    public KlSchedule? KlAnnealing { get; init; }

    public override SequenceVaeConfig ToModelConfig(int vocabularySize) =>
        new(vocabularySize, EmbeddingSize, HiddenSize, LatentSize, WordDropout, KlAnnealing);

    protected override IReadOnlyList<string> OwnFields => ["embeddingSize", "hiddenSize", "latentSize", "wordDropout", "klAnnealing"];
}

/// <summary>
/// <c>"variant": "rnn-lm"</c>: the language-model baseline of Bowman et al. (2016), <see cref="RnnLanguageModel"/> — the sequence
/// VAE's embedding, decoder GRU and output layer with h₀ = 0 and no code. It has no latent: <c>latentSize</c> is not read.
/// </summary>
public sealed record RnnLanguageModelConfig : SentenceModelConfig
{
    public override SequenceVaeConfig ToModelConfig(int vocabularySize) => new(vocabularySize, EmbeddingSize, HiddenSize);

    public override void Validate()
    {
        Require(LatentSize == new VaeConfig().LatentSize, "latentSize", "the language model has no latent code; remove it");
        base.Validate();
    }

    protected override IReadOnlyList<string> OwnFields => ["embeddingSize", "hiddenSize"];
}
