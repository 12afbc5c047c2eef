using Workbench.Tensors;

namespace Workbench.Data;

/// <summary>An in-place change to a batch's images as the <see cref="DataLoader"/> builds it.</summary>
public interface IBatchTransform
{
    /// <summary>
    /// Transforms <paramref name="images"/> (B, H·W) in place. <paramref name="indices"/> are the dataset
    /// indices of the B images and <paramref name="epoch"/> the epoch, so a random transform can seed
    /// itself from them and give the same result when a run is resumed.
    /// </summary>
    void Apply(Tensor images, ReadOnlySpan<int> indices, int epoch);
}

/// <summary>
/// Dynamic binarization: every time an image is served, each pixel is replaced by a fresh sample
/// x ~ Bernoulli(p) where p is its grey level in [0, 1]. This is the usual way to train Bernoulli-likelihood
/// VAEs on greyscale MNIST (e.g. Burda, Grosse &amp; Salakhutdinov 2016, "Importance Weighted Autoencoders").
/// </summary>
/// <remarks>
/// The samples for an image depend on (seed, epoch, dataset index) only, not on the batch size or on
/// the image's position in the batch: a resumed run, or one with another batch size, binarizes each
/// image identically in each epoch.
/// </remarks>
public sealed class DynamicBinarization(ulong seed) : IBatchTransform
{
    public ulong Seed { get; } = seed;

    public void Apply(Tensor images, ReadOnlySpan<int> indices, int epoch)
    {
        images.RequireRank(2, nameof(DynamicBinarization));
        int batch = images.Dim(0), pixels = images.Dim(1);
        if (indices.Length != batch)
            throw new ArgumentException($"{indices.Length} indices for a batch of {batch} images.", nameof(indices));
        var s = images.Span;
        for (int b = 0; b < batch; b++)
        {
            var rng = new Rng(SeedMix.Combine(Seed, epoch, indices[b]));
            var image = s.Slice(b * pixels, pixels);
            for (int j = 0; j < image.Length; j++)
                image[j] = rng.NextFloat() < image[j] ? 1f : 0f;
        }
    }
}

/// <summary>Fixed binarization: each pixel becomes 1 when its grey level exceeds <see cref="Threshold"/>, else 0.</summary>
public sealed class ThresholdBinarization(float threshold = 0.5f) : IBatchTransform
{
    public float Threshold { get; } = threshold;

    public void Apply(Tensor images, ReadOnlySpan<int> indices, int epoch)
    {
        var s = images.Span;
        for (int j = 0; j < s.Length; j++) s[j] = s[j] > Threshold ? 1f : 0f;
    }
}
