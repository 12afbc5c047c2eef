using System.Text.Json.Serialization;
using Workbench.Models.Parts;
using Workbench.Models.Priors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.SemiSupervised;

/// <summary>
/// The semi-supervised M2 model (Kingma et al. 2014), experiment-file variant <c>"m2"</c>: a conditional VAE
/// (q(z|x, y), p(x|y, z), p(z) = N(0, I), p(y) uniform) with a classifier q(y|x) of the same body as the encoder
/// followed by a linear layer to the K classes; trained on <see cref="Labels"/> labelled training images (drawn per
/// class with <see cref="LabelSeed"/>) and all training images unlabelled. With <see cref="ClassifierOnly"/> the same
/// model trains only its classifier on the labelled images: the baseline.
/// Defaults: one hidden layer of 500 units and a 50-dimensional latent, as Kingma et al. and Pyro's <c>ss_vae_M2.py</c>
/// (ReLU instead of their softplus: the activations the library offers).
/// </summary>
public sealed record SemiSupervisedVaeConfig : VaeConfig
{
    public SemiSupervisedVaeConfig()
    {
        HiddenSizes = [500];
        LatentSize = 50;
    }

    /// <summary>K, the number of classes.</summary>
    public int Classes { get; init; } = 10;

    /// <summary>How many training images keep their label: a positive multiple of <see cref="Classes"/>, the same number from each class.</summary>
    public int Labels { get; init; } = 100;

    /// <summary>Seeds the draw of the labelled images (independent of the training seed, so label draws and initialisations vary apart).</summary>
    public ulong LabelSeed { get; init; } = 1;

    /// <summary>α, the weight of the labelled images' cross-entropy per image: the paper's α = 0.1·N is 0.1 here (see <see cref="SemiSupervisedObjective"/>).</summary>
    public float Alpha { get; init; } = SemiSupervisedObjective.DefaultAlpha;

    /// <summary>Train only the classifier, on the labelled images alone, with the same optimiser and steps: the baseline.</summary>
    public bool ClassifierOnly { get; init; }

    [JsonIgnore] public override Conditioning Conditioning => new(Classes);

    [JsonIgnore] public override LabelRequest? LabelRequest => new(Labels, LabelSeed);

    /// <summary>
    /// Composes the model: the encoder q(z|x, y) and the decoder p(x|y, z) as for a conditional VAE, then the
    /// classifier (the encoder's body on x alone and a linear layer to K logits). Parameters are drawn from
    /// <paramref name="rng"/> in the order encoder, μ and log σ² heads, decoder, classifier.
    /// </summary>
    public override VariationalAutoencoder Build(Rng rng)
    {
        Validate();
        bool mlp = Architecture == Architecture.Mlp;
        var (body, features) = Networks.EncoderBody(this, mlp ? Pixels + Classes : Pixels, rng);
        var encoder = new GaussianEncoder(body, features, LatentSize, Classes, rng, conditionAfterBody: !mlp);
        var decoder = new ConcatDecoder(Networks.Decoder(this, LatentSize + Classes, rng));
        var (classifier, classifierFeatures) = Networks.EncoderBody(this, Pixels, rng);
        classifier.Add(new Linear(classifierFeatures, Classes, rng));
        var likelihood = Likelihoods.Likelihood.Create(Likelihood, Pixels, GaussianSigma);
        return new SemiSupervisedVae(encoder, decoder, classifier, LatentSize, Classes, Alpha, ClassifierOnly, ImageHeight, ImageWidth, likelihood, this);
    }

    public override void Validate()
    {
        base.Validate();
        Require(Classes is > 1 and <= MaxWidth, nameof(Classes), $"must be between 2 and {MaxWidth} (got {Classes})");
        Require(Labels > 0 && Labels % Classes == 0, nameof(Labels),
            $"must be a positive multiple of the number of classes ({Classes}), the same number of labelled images from each class (got {Labels})");
        Require(float.IsFinite(Alpha) && Alpha >= 0, nameof(Alpha), $"must be a finite number ≥ 0, the cross-entropy weight per image (got {Alpha})");
        Require(Objective == Objective.Elbo && KlPenalty is null, nameof(Objective), "m2 has its own objective (the enumerated ELBO with α); leave objective and klPenalty out");
        Require(Prior is null or StandardNormalPriorConfig, nameof(Prior), "m2's prior p(z) is N(0, I); leave prior out");
    }
}
