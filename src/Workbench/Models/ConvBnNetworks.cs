using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models;

/// <summary>
/// The networks of <see cref="Architecture.ConvBn"/>: the shape of PyTorch-VAE's VanillaVAE (AntixK/PyTorch-VAE,
/// <c>models/vanilla_vae.py</c>) for C-channel images (C = <see cref="VaeConfig.ImageChannels"/>). Encoder: per channel count c of
/// <see cref="VaeConfig.ConvChannels"/>, Conv2d(k 3, stride 2, padding 1) → BatchNorm2d(c) → activation, each halving the
/// sides rounded up (28 → 14 → 7 → 4 for 32-64-128), then flatten. Decoder: Linear (no activation, as VanillaVAE's
/// decoder_input) → (c_last, 4, 4) → mirrored ConvTranspose2d(k 3, stride 2, padding 1, output_padding chosen to give
/// back each encoder side: 4 → 7 → 14) → BatchNorm2d → activation, VanillaVAE's final layer ConvTranspose2d(c₀ → c₀, to 28)
/// → BatchNorm2d → activation → Conv2d(c₀ → C, k 3, padding 1), flatten. The last convolution's outputs are the
/// likelihood's parameters (Bernoulli logits): VanillaVAE's final Tanh is left out because our likelihoods take
/// unbounded decoder outputs.
/// </summary>
internal static class ConvBnNetworks
{
    /// <summary>Image sides after each stride-2 convolution, the input's first: 28, 14, 7, 4.</summary>
    public static int[] Sides(int side, int levels)
    {
        var sides = new int[levels + 1];
        sides[0] = side;
        for (int i = 1; i <= levels; i++) sides[i] = (sides[i - 1] + 1) / 2;
        return sides;
    }

    /// <summary>(B, C·H·W) → (B, c_last·h·w) features.</summary>
    public static (Sequential Body, int Features) EncoderBody(VaeConfig config, Rng rng)
    {
        var body = new Sequential(new Unflatten(config.ImageChannels, config.ImageHeight, config.ImageWidth));
        int channels = config.ImageChannels;
        foreach (int c in config.ConvChannels)
        {
            body.Add(new Conv2d(channels, c, kernelSize: 3, rng, stride: 2, padding: 1));
            body.Add(new BatchNorm2d(c));
            body.Add(Networks.Activation(config.Activation));
            channels = c;
        }
        body.Add(new Flatten());
        int levels = config.ConvChannels.Length;
        return (body, channels * Sides(config.ImageHeight, levels)[^1] * Sides(config.ImageWidth, levels)[^1]);
    }

    /// <summary>(B, latent + extra) → (B, C·H·W) logits.</summary>
    public static Sequential Decoder(VaeConfig config, int inputSize, Rng rng)
    {
        int[] channels = config.ConvChannels;
        int levels = channels.Length;
        int[] heights = Sides(config.ImageHeight, levels), widths = Sides(config.ImageWidth, levels);
        if (heights.Zip(widths).Any(s => s.First % 2 != s.Second % 2))
            throw new ArgumentException($"ConvBn: the decoder's square kernels need the same output padding on both sides, so the sides after each halving must be both even or both odd (image {config.ImageHeight}×{config.ImageWidth}).");
        var decoder = new Sequential(new Linear(inputSize, channels[^1] * heights[^1] * widths[^1], rng), new Unflatten(channels[^1], heights[^1], widths[^1]));
        for (int i = levels - 1; i >= 0; i--)
        {
            int outChannels = i == 0 ? channels[0] : channels[i - 1];
            // (s − 1)·2 − 2 + 3 + outputPadding = target side: outputPadding is 1 for an even target, 0 for an odd one.
            int outputPadding = heights[i] - (2 * heights[i + 1] - 1);
            decoder.Add(new ConvTranspose2d(channels[i], outChannels, kernelSize: 3, rng, stride: 2, padding: 1, outputPadding: outputPadding));
            decoder.Add(new BatchNorm2d(outChannels));
            decoder.Add(Networks.Activation(config.Activation));
        }
        decoder.Add(new Conv2d(channels[0], config.ImageChannels, kernelSize: 3, rng, padding: 1));
        decoder.Add(new Flatten());
        return decoder;
    }
}
