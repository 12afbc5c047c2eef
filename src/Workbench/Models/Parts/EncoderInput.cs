using Workbench.Tensors;

namespace Workbench.Models.Parts;

/// <summary>What an encoder sees: images (B, D) and the optional condition (B, C).</summary>
public sealed record EncoderInput(Tensor Images, Tensor? Condition = null);

/// <summary>What a decoder sees: latents (B, latent) and the optional condition (B, C).</summary>
public sealed record DecoderInput(Tensor Z, Tensor? Condition = null);
