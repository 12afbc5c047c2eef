using Workbench.Models.Objectives;
using Workbench.Tensors;

namespace Workbench.Models.SemiSupervised;

/// <summary>
/// The M2 objective of Kingma et al. (2014), per image. A training step sees an unlabelled batch (the
/// <see cref="VaeBatch"/>'s images, labels hidden, drawn from all N training images) and a labelled batch
/// (<see cref="VaeBatch.Labelled"/>, drawn from the N_l labelled images) and minimises
/// <code>
///   mean_unlabelled[−U(x)] + (N_l / N)·mean_labelled[−ELBO(x, y)] + α·mean_labelled[−log q(y|x)]
/// </code>
/// where −ELBO(x, y) includes −log p(y) = log K and −U(x) = Σ_y q(y|x)·(−ELBO(x, y)) − H(q(y|x)) sums the label out
/// by enumeration. Its expectation is the paper's J^α = Σ_labelled −ELBO + Σ_unlabelled −U + α_paper·E_labelled[−log q(y|x)]
/// divided by N, with α_paper = α·N: the paper's α = 0.1·N is <see cref="Alpha"/> = 0.1 (the default). Pyro's
/// <c>ss_vae_M2.py</c> weighs each labelled image's cross-entropy by 46 and visits each labelled image once per
/// epoch: per training image that is 46·N_l / N, the same order (0.09 with 100 labels of N = 50,000).
/// A batch with a condition and no labelled batch (evaluation with the true labels) gives the conditional ELBO
/// reconstruction + KL, as for a conditional VAE; one without either gives the unlabelled term alone.
/// </summary>
/// <param name="classes">K: the noise of a batch has B·K rows (<see cref="SamplesPerImage"/>), one ε per image and class, image-major.</param>
/// <param name="alpha">α ≥ 0, the cross-entropy weight per image (the paper's α divided by N).</param>
/// <param name="classifierOnly">Train only the classifier, with the labelled images' cross-entropy (weight 1): the
/// baseline "the same classifier trained on the labelled images alone". The VAE's terms are still reported, not trained.</param>
public sealed class SemiSupervisedObjective(int classes, float alpha = SemiSupervisedObjective.DefaultAlpha, bool classifierOnly = false) : TrainingObjective
{
    /// <summary>K: one ε per image and class, as the enumeration decodes each image once per class.</summary>
    public override int SamplesPerImage { get; } = classes >= 2 ? classes : throw new ArgumentOutOfRangeException(nameof(classes), classes, "At least two classes.");

    /// <summary>α = 0.1: the paper's α = 0.1·N in this per-image convention.</summary>
    public const float DefaultAlpha = 0.1f;

    /// <summary>The cross-entropy weight per image.</summary>
    public float Alpha { get; } = float.IsFinite(alpha) && alpha >= 0 ? alpha : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must be a finite number ≥ 0.");

    /// <summary>Whether only the classifier trains (the baseline).</summary>
    public bool ClassifierOnly { get; } = classifierOnly;

    public override double? Beta => 1;

    public override string? NotTrained => ClassifierOnly ? "VAE not trained (classifier only)" : null;

    public override string Describe() => ClassifierOnly ? "classifier only (cross-entropy on the labelled images)" : $"M2 (enumerated labels, α={Alpha})";

    public override VaeOutput Forward(VariationalAutoencoder model, VaeBatch batch)
    {
        if (model is not SemiSupervisedVae m2) throw new ArgumentException("The M2 objective trains a SemiSupervisedVae.", nameof(model));
        if (batch.Labelled is not { } labelled)
            return batch.Condition is not null ? new ElboObjective().Forward(model, batch with { Noise = FirstOfEachImage(batch.Noise, batch.Images.Dim(0)) }) : Unlabelled(m2, batch);
        return ClassifierOnly ? Classifier(m2, labelled) : Both(m2, batch, labelled);
    }

    /// <summary>Rows b·K of the (B·K, latent) noise: one ε per image for a pass with known labels.</summary>
    private Tensor FirstOfEachImage(Tensor noise, int images)
    {
        if (noise.Dim(0) != images * SamplesPerImage) return noise; // one ε per image already (or a wrong shape, which sampling names)
        var rows = new int[images];
        for (int b = 0; b < rows.Length; b++) rows[b] = b * SamplesPerImage;
        return noise.GatherRows(rows);
    }

    private static VaeOutput Unlabelled(SemiSupervisedVae m2, VaeBatch batch)
    {
        var u = m2.Unlabelled(batch.Images, batch.Noise);
        return Output(u.Loss.Mean(), u);
    }

    private VaeOutput Both(SemiSupervisedVae m2, VaeBatch batch, LabelledBatch labelled)
    {
        var u = m2.Unlabelled(batch.Images, batch.Noise);
        var l = m2.Labelled(labelled.Images, labelled.Labels, labelled.Noise);
        float labelledWeight = (float)labelled.SubsetSize / (batch.DatasetSize ?? batch.Images.Dim(0)); // N_l / N
        var loss = u.Loss.Mean() + l.NegativeElbo.Mean() * labelledWeight + l.ClassificationLoss.Mean() * Alpha;
        return Output(loss, u);
    }

    private static VaeOutput Classifier(SemiSupervisedVae m2, LabelledBatch labelled)
    {
        var loss = Losses.CrossEntropy(m2.ClassLogits(labelled.Images), labelled.Labels);
        using var _ = GradMode.NoGrad(); // reported, not trained
        var l = m2.Labelled(labelled.Images, labelled.Labels, labelled.Noise);
        var kl = l.Kl.Mean();
        return new VaeOutput(loss, l.Reconstruction.Mean(), kl, null, true, 1f, null, l.Posterior, l.Z, l.Decoded, l.Reconstruction, l.Kl);
    }

    /// <summary>The step's output: the loss, and the unlabelled images' terms (the KL is over (y, z): E_q[KL_z] + KL(q(y|x) ‖ p(y))).</summary>
    private static VaeOutput Output(Tensor loss, UnlabelledTerms u)
    {
        var klPerImage = u.Kl + u.LabelKl;
        return new VaeOutput(loss, u.Reconstruction.Mean(), klPerImage.Mean(), null, true, 1f, null, u.Posterior, u.Z, u.Decoded, u.Reconstruction, klPerImage);
    }
}
