using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Adversarial;

/// <summary>
/// The VAE–GAN's discriminator Dis (Larsen et al. 2016) for C×H×W images: stride-2 4×4 convolutions, each followed by a
/// LeakyReLU (slope 0.2), whose last activation, flattened, is the layer Dis_l where the reconstruction is measured
/// (<see cref="DiscriminatorOutput.Features"/>); a linear layer on it gives the logit of "x is a real image".
/// </summary>
/// <remarks>State-dict names: "features.&lt;i&gt;.…" (the convolutions, PyTorch's nn.Sequential numbering) and "head.…".</remarks>
public sealed class Discriminator : Module<Tensor, DiscriminatorOutput>
{
    /// <summary>LeakyReLU slope of the hidden layers (the DCGAN discriminator's).</summary>
    public const float Slope = 0.2f;

    /// <param name="channels">Output channels of each stride-2 convolution; the image sides must be divisible by 2^count.</param>
    /// <param name="imageChannels">Channels per image (1 greyscale, 3 RGB): the first convolution's input channels.</param>
    public Discriminator(int imageHeight, int imageWidth, IReadOnlyList<int> channels, Rng rng, int imageChannels = 1)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Count == 0) throw new ArgumentException("The discriminator needs at least one convolution.", nameof(channels));
        int divisor = 1 << channels.Count;
        if (imageHeight % divisor != 0 || imageWidth % divisor != 0)
            throw new ArgumentException($"{channels.Count} stride-2 convolutions need image sides divisible by {divisor}; got {imageHeight}×{imageWidth}.", nameof(channels));
        var features = new Sequential(new Unflatten(imageChannels, imageHeight, imageWidth));
        int inChannels = imageChannels;
        foreach (int c in channels)
        {
            features.Add(new Conv2d(inChannels, c, kernelSize: 4, rng, stride: 2, padding: 1));
            features.Add(new LeakyReLU(Slope));
            inChannels = c;
        }
        features.Add(new Flatten());
        FeatureSize = inChannels * (imageHeight / divisor) * (imageWidth / divisor);
        Features = RegisterModule("features", features);
        Head = RegisterModule("head", new Linear(FeatureSize, 1, rng));
    }

    /// <summary>Images (B, C·H·W) → Dis_l(x), (B, <see cref="FeatureSize"/>).</summary>
    public Sequential Features { get; }

    /// <summary>Dis_l(x) → logit, (B, 1).</summary>
    public Linear Head { get; }

    /// <summary>The number of features of Dis_l.</summary>
    public int FeatureSize { get; }

    /// <summary>Dis_l of images (B, C·H·W) in [0, 1] and the logit of their being real.</summary>
    public override DiscriminatorOutput Forward(Tensor images)
    {
        var features = Features.Forward(images);                    // (B, F)
        return new DiscriminatorOutput(features, Head.Forward(features)); // (B, 1)
    }
}

/// <summary>What the discriminator computes for a batch.</summary>
/// <param name="Features">Dis_l(x), the last hidden layer's activations. (B, F)</param>
/// <param name="Logits">log D/(1 − D), D the probability that the image is real. (B, 1)</param>
public sealed record DiscriminatorOutput(Tensor Features, Tensor Logits);
