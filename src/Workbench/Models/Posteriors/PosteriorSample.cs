using Workbench.Tensors;

namespace Workbench.Models.Posteriors;

/// <summary>A reparameterized sample of q(z|x) and its log-density, drawn in one pass (<see cref="Posterior.SampleWithLogDensity"/>).</summary>
/// <param name="Z">The samples. (B, latent)</param>
/// <param name="LogDensity">log q(z_b | x_b) of each sample. (B), nats.</param>
public sealed record PosteriorSample(Tensor Z, Tensor LogDensity);
