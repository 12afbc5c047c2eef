using Workbench.Tensors;

namespace Workbench.Models.SemiSupervised;

/// <summary>
/// The labelled half of a semi-supervised training step: images whose labels are known, drawn from the
/// labelled subset, with their own ε.
/// </summary>
/// <param name="Images">x, (B_l, D).</param>
/// <param name="Labels">y of each image, (B_l).</param>
/// <param name="Noise">ε for q(z|x, y), (B_l, latent).</param>
/// <param name="SubsetSize">N_l, the number of labelled images the batch was drawn from (it weighs the labelled ELBO).</param>
public sealed record LabelledBatch(Tensor Images, int[] Labels, Tensor Noise, int SubsetSize);

/// <summary>What an experiment asks for when its model learns from a labelled subset: how many labels and the seed that draws them.</summary>
/// <param name="Labels">Labelled training images, a multiple of the number of classes (the same number from every class).</param>
/// <param name="Seed">Seeds the draw of the subset.</param>
public sealed record LabelRequest(int Labels, ulong Seed);
