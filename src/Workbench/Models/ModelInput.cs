namespace Workbench.Models;

/// <summary>What a model reads: images (pixels) or sentences (token ids). An experiment's data must match its model's.</summary>
public enum ModelInput
{
    /// <summary>Images of a fixed size, (B, H·W) pixels.</summary>
    Images,

    /// <summary>Sentences of varying length, token ids of a vocabulary.</summary>
    Sentences,
}
