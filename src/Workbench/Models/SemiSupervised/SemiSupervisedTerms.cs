using Workbench.Models.Posteriors;
using Workbench.Tensors;

namespace Workbench.Models.SemiSupervised;

/// <summary>The M2 terms of labelled images (x, y), per image in nats.</summary>
/// <param name="NegativeElbo">−ELBO(x, y) = E_q[−log p(x|y, z)] + KL(q(z|x, y) ‖ p(z)) − log p(y). (B)</param>
/// <param name="Reconstruction">E_q[−log p(x|y, z)], one sample of z. (B)</param>
/// <param name="Kl">KL(q(z|x, y) ‖ p(z)). (B)</param>
/// <param name="ClassificationLoss">−log q(y|x), the cross-entropy of the classifier. (B)</param>
/// <param name="Posterior">q(z|x, y), B rows.</param>
/// <param name="Z">The sampled z. (B, latent)</param>
/// <param name="Decoded">The decoder output. (B, D)</param>
public sealed record LabelledTerms(Tensor NegativeElbo, Tensor Reconstruction, Tensor Kl, Tensor ClassificationLoss, Posterior Posterior, Tensor Z, Tensor Decoded);

/// <summary>
/// The M2 terms of unlabelled images x, the label summed out by enumeration over the K classes, per image in nats.
/// Rows of the enumerated tensors are image-major: row b·K + y is image b with class y.
/// </summary>
/// <param name="Loss">−U(x) = Σ_y q(y|x)·(−ELBO(x, y)) − H(q(y|x)). (B)</param>
/// <param name="Reconstruction">Σ_y q(y|x)·E_q[−log p(x|y, z)]. (B)</param>
/// <param name="Kl">Σ_y q(y|x)·KL(q(z|x, y) ‖ p(z)). (B)</param>
/// <param name="LabelKl">KL(q(y|x) ‖ p(y)) = Σ_y q(y|x)·log q(y|x) + log K (p(y) uniform). (B)</param>
/// <param name="ClassProbabilities">q(y|x). (B, K)</param>
/// <param name="Posterior">q(z|x, y) of every (image, class) pair, B·K rows.</param>
/// <param name="Z">The sampled z. (B·K, latent)</param>
/// <param name="Decoded">The decoder output. (B·K, D)</param>
public sealed record UnlabelledTerms(Tensor Loss, Tensor Reconstruction, Tensor Kl, Tensor LabelKl, Tensor ClassProbabilities, Posterior Posterior, Tensor Z, Tensor Decoded);
