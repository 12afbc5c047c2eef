using Workbench.Models.Likelihoods;
using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.SemiSupervised;

/// <summary>
/// The semi-supervised model M2 of Kingma, Rezende, Mohamed &amp; Welling (2014), "Semi-supervised learning
/// with deep generative models": a VAE conditioned on the class (so q(z|x, y) and p(x|y, z) are the
/// conditional VAE's encoder and decoder, and everything that works for a conditional VAE works here) plus a
/// classifier q(y|x) and a uniform p(y). Labelled images train −ELBO(x, y) and the classifier's cross-entropy;
/// for unlabelled images the label is summed out by enumerating all K classes (<see cref="Unlabelled"/>).
/// <see cref="SemiSupervisedObjective"/> combines the two halves of a training step.
/// </summary>
/// <remarks>State-dict names: those of <see cref="VariationalAutoencoder"/> plus "classifier.…".</remarks>
public class SemiSupervisedVae : VariationalAutoencoder, ILabelPredictor
{
    /// <param name="encoder">q(z|x, y): images (B, D) and one-hot classes (B, K) → a posterior over <paramref name="latentSize"/> dimensions.</param>
    /// <param name="decoder">p(x|y, z): z (B, latent) and one-hot classes (B, K) → the decoder output, (B, D).</param>
    /// <param name="classifier">q(y|x): images (B, D) → class logits (B, K).</param>
    /// <param name="classes">K.</param>
    /// <param name="alpha">α, the weight of the labelled images' cross-entropy per image (see <see cref="SemiSupervisedObjective"/>).</param>
    /// <param name="classifierOnly">Train the classifier alone on the labelled images (the baseline); the VAE is left as initialised.</param>
    public SemiSupervisedVae(
        Module<EncoderInput, Posterior> encoder,
        Module<DecoderInput, Tensor> decoder,
        Module<Tensor, Tensor> classifier,
        int latentSize,
        int classes,
        float alpha = SemiSupervisedObjective.DefaultAlpha,
        bool classifierOnly = false,
        int imageHeight = 28,
        int imageWidth = 28,
        Likelihood? likelihood = null,
        VaeConfig? config = null)
        : base(encoder, decoder, latentSize, imageHeight, imageWidth, prior: null, likelihood,
               new SemiSupervisedObjective(classes, alpha, classifierOnly), new Conditioning(classes), config, config?.ImageChannels ?? 1)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "A classifier needs at least two classes.");
        Classifier = RegisterModule("classifier", classifier);
    }

    /// <summary>q(y|x): images (B, D) → logits (B, K).</summary>
    public Module<Tensor, Tensor> Classifier { get; }

    /// <summary>K.</summary>
    public int Classes => Conditioning.Classes;

    /// <summary>The objective: α, and whether only the classifier trains.</summary>
    public SemiSupervisedObjective SemiSupervisedObjective => (SemiSupervisedObjective)Objective;

    /// <summary>−log p(y) of the uniform prior over the classes: log K nats.</summary>
    public float LabelPriorNegativeLogDensity => MathF.Log(Classes);

    /// <summary>Logits of q(y|x) for images (B, D): (B, K).</summary>
    public Tensor ClassLogits(Tensor images)
    {
        if (images.Rank != 2 || images.Dim(1) != Pixels)
            throw new ArgumentException($"This model takes images of shape (B, {Pixels}); got {Tensor.ShapeText(images.Dims)}.");
        return Classifier.Forward(images);
    }

    /// <summary>The most probable class under q(y|x) of each image (B, D): (B) labels.</summary>
    public int[] PredictLabels(Tensor images)
    {
        using var _ = GradMode.NoGrad();
        return LabelPredictions.MostProbable(ClassLogits(images));
    }

    /// <summary>
    /// The terms of labelled images (B, D) with labels (B): −ELBO(x, y) including −log p(y) = log K, with one
    /// sample of z per image from <paramref name="noise"/> (B, latent), and the classifier's −log q(y|x).
    /// </summary>
    public virtual LabelledTerms Labelled(Tensor images, int[] labels, Tensor noise)
    {
        var condition = Conditioning.FromLabels(labels)!;                              // (B, K)
        var posterior = Encode(images, condition);
        var sample = posterior.SampleWithLogDensity(noise);                             // z (B, latent)
        var z = sample.Z;
        var decoded = Decode(z, condition);                                             // (B, D)
        var reconstruction = Likelihood.NegativeLogLikelihood(decoded, images);         // (B)
        var kl = Kl(posterior, sample).PerImage;                                        // (B)
        var negativeElbo = reconstruction + kl + LabelPriorNegativeLogDensity;
        var classification = Losses.CrossEntropy(ClassLogits(images), labels, Reduction.None); // (B)
        return new LabelledTerms(negativeElbo, reconstruction, kl, classification, posterior, z, decoded);
    }

    /// <summary>
    /// The terms of unlabelled images (B, D), the label summed out by enumeration: every image is paired with
    /// every class in one batch of B·K rows (image-major, row b·K + y), encoded and decoded once, and
    /// −U(x) = Σ_y q(y|x)·(−ELBO(x, y)) − H(q(y|x)). <paramref name="noise"/> is ε for each row, (B·K, latent).
    /// </summary>
    public virtual UnlabelledTerms Unlabelled(Tensor images, Tensor noise)
    {
        int count = images.Dim(0), classes = Classes;
        if (noise.Rank != 2 || noise.Dim(0) != count * classes || noise.Dim(1) != LatentSize)
            throw new ArgumentException($"The noise ε must have shape ({count * classes}, {LatentSize}) (B·K, latent); got {Tensor.ShapeText(noise.Dims)}.");
        var imageOfRow = new int[count * classes];
        var classOfRow = new int[count * classes];
        for (int r = 0; r < imageOfRow.Length; r++) (imageOfRow[r], classOfRow[r]) = (r / classes, r % classes);
        var condition = Conditioning.FromLabels(classOfRow)!;                           // (B·K, K)
        var posterior = EncodeEveryClass(images, imageOfRow, classOfRow, condition);    // B·K rows
        var sample = posterior.SampleWithLogDensity(noise);                             // z (B·K, latent)
        var z = sample.Z;
        var decoded = Decode(z, condition);                                             // (B·K, D)
        var reconstruction = Likelihood.NegativeLogLikelihood(decoded, images, imageOfRow).Reshape(count, classes); // (B, K)
        var kl = Kl(posterior, sample).PerImage.Reshape(count, classes);                // (B, K)
        var logQ = ClassLogits(images).LogSoftmax(1);                                   // (B, K)
        var q = logQ.Exp();
        var expectedReconstruction = (q * reconstruction).Sum(1);                       // (B)
        var expectedKl = (q * kl).Sum(1);
        var labelKl = (q * logQ).Sum(1) + LabelPriorNegativeLogDensity;                 // KL(q(y|x) ‖ uniform) = −H + log K
        var loss = expectedReconstruction + expectedKl + labelKl;
        return new UnlabelledTerms(loss, expectedReconstruction, expectedKl, labelKl, q, posterior, z, decoded);
    }

    /// <summary>
    /// q(z|x, y) of every (image, class) pair: B·K rows, row r pairing image <paramref name="imageOfRow"/>[r] with class
    /// <paramref name="classOfRow"/>[r] (one-hot in <paramref name="condition"/>). For the shipped MLP encoder (a
    /// <see cref="GaussianEncoder"/> whose body starts with a <see cref="Linear"/> over [x, one-hot y]) that first layer is
    /// split: W_x·x + b once per image, plus the column W_y[:, y] per row: the same values as encoding the B·K rows, for
    /// about 1/K of the first layer's cost. Any other encoder encodes the B·K rows.
    /// </summary>
    protected virtual Posterior EncodeEveryClass(Tensor images, int[] imageOfRow, int[] classOfRow, Tensor condition)
    {
        if (Encoder.GetType() == typeof(GaussianEncoder) && Encoder is GaussianEncoder { Body: Sequential { Count: > 0 } body } encoder
            && body[0] is Linear first && first.InFeatures == Pixels + Classes)
        {
            var imagePart = Tensor.Linear(images, first.Weight.Narrow(1, 0, Pixels), first.Bias);     // (B, H)
            var classPart = first.Weight.Narrow(1, Pixels, Classes).Transpose();                      // (K, H)
            var hidden = imagePart.GatherRows(imageOfRow) + classPart.GatherRows(classOfRow);          // (B·K, H)
            for (int i = 1; i < body.Count; i++) hidden = body[i].Forward(hidden);
            return new DiagonalGaussian(encoder.MeanHead.Forward(hidden), encoder.LogVarianceHead.Forward(hidden));
        }
        return Encode(images.GatherRows(imageOfRow), condition);
    }

    /// <summary>
    /// Class-conditional samples with the style kept: <paramref name="count"/> draws z ~ p(z), each decoded with
    /// every class. (count·K, D), row i·K + y is z_i with class y: a grid with one style per row, one class per column.
    /// </summary>
    public Tensor SampleEveryClass(int count, Rng rng)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Ask for at least one sample.");
        using var _ = GradMode.NoGrad();
        var z = Prior.Sample(count, rng);                                               // (count, latent)
        return DecodeEveryClass(z);
    }

    /// <summary>
    /// The analogies of Kingma et al. (2014, fig. 1): each image's style z = E[q(z|x, y)] is inferred with its
    /// label y (the given <paramref name="labels"/>, or the classifier's prediction when null) and decoded with
    /// every class. (B·K, D), row b·K + y is image b's style with class y.
    /// </summary>
    public Tensor Analogies(Tensor images, int[]? labels = null)
    {
        using var _ = GradMode.NoGrad();
        labels ??= PredictLabels(images);
        if (labels.Length != images.Dim(0)) throw new ArgumentException($"Give one label per image: {images.Dim(0)} images, {labels.Length} labels.");
        var z = Encode(images, Conditioning.FromLabels(labels)).Mean;                   // (B, latent)
        return DecodeEveryClass(z);
    }

    /// <summary>Each row of z (B, latent) decoded with every class: (B·K, D), image-major.</summary>
    private Tensor DecodeEveryClass(Tensor z)
    {
        int count = z.Dim(0), classes = Classes;
        var rowOf = new int[count * classes];
        var classOf = new int[count * classes];
        for (int r = 0; r < rowOf.Length; r++) (rowOf[r], classOf[r]) = (r / classes, r % classes);
        return DecodeMean(z.GatherRows(rowOf), Conditioning.FromLabels(classOf));
    }

    protected override string ExtraRepr() => base.ExtraRepr() + $", alpha={SemiSupervisedObjective.Alpha}" + (SemiSupervisedObjective.ClassifierOnly ? ", classifier only" : "");
}
