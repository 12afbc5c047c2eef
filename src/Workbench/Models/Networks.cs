using Workbench.NN;

namespace Workbench.Models;

/// <summary>Builds the encoder body and decoder networks a <see cref="VaeConfig"/> describes.</summary>
internal static class Networks
{
    public static bool IsKnownActivation(string name) => name is "relu" or "leaky-relu" or "tanh" or "sigmoid" or "gelu" or "silu" or "elu";

    public static Module<Tensors.Tensor, Tensors.Tensor> Activation(string name) => name switch
    {
        "relu" => new ReLU(),
        "leaky-relu" => new LeakyReLU(0.01f),
        "tanh" => new Tanh(),
        "sigmoid" => new Sigmoid(),
        "gelu" => new GELU(),
        "silu" => new SiLU(),
        "elu" => new ELU(),
        _ => throw new ArgumentException($"Unknown activation '{name}'."),
    };

    /// <summary>
    /// The encoder up to the Gaussian heads: (B, D + extra) → (B, features), D = C·H·W. For the conv architecture
    /// the extra (conditioning) inputs are not supported at the image level, so conditional models join
    /// them after this body (see <see cref="Parts.GaussianEncoder"/>).
    /// </summary>
    public static (Sequential Body, int Features) EncoderBody(VaeConfig config, int inputSize, Tensors.Rng rng)
    {
        if (config.Architecture == Architecture.ConvBn) return ConvBnNetworks.EncoderBody(config, rng);
        var body = new Sequential();
        if (config.Architecture == Architecture.Mlp)
        {
            int width = inputSize;
            foreach (int hidden in config.HiddenSizes)
            {
                body.Add(new Linear(width, hidden, rng));
                body.Add(Activation(config.Activation));
                if (config.Dropout > 0) body.Add(new Dropout(config.Dropout));
                width = hidden;
            }
            return (body, width);
        }

        // (B, C·H·W) → (B, C, H, W) → stride-2 convolutions halve the sides → flatten.
        body.Add(new Unflatten(config.ImageChannels, config.ImageHeight, config.ImageWidth));
        int channels = config.ImageChannels, h = config.ImageHeight, w = config.ImageWidth;
        foreach (int c in config.ConvChannels)
        {
            body.Add(new Conv2d(channels, c, kernelSize: 4, rng, stride: 2, padding: 1));
            body.Add(Activation(config.Activation));
            channels = c;
            h /= 2;
            w /= 2;
        }
        body.Add(new Flatten());
        return (body, channels * h * w);
    }

    /// <summary>The decoder: (B, latent + extra) → (B, D = C·H·W) decoder output (logits or mean pre-activation).</summary>
    public static Sequential Decoder(VaeConfig config, int inputSize, Tensors.Rng rng)
    {
        if (config.Architecture == Architecture.ConvBn) return ConvBnNetworks.Decoder(config, inputSize, rng);
        var decoder = new Sequential();
        if (config.Architecture == Architecture.Mlp)
        {
            int width = inputSize;
            foreach (int hidden in config.HiddenSizes.Reverse())
            {
                decoder.Add(new Linear(width, hidden, rng));
                decoder.Add(Activation(config.Activation));
                if (config.Dropout > 0) decoder.Add(new Dropout(config.Dropout));
                width = hidden;
            }
            decoder.Add(new Linear(width, config.Pixels, rng));
            return decoder;
        }

        int levels = config.ConvChannels.Length;
        int h = config.ImageHeight >> levels, w = config.ImageWidth >> levels;
        int top = config.ConvChannels[^1];
        decoder.Add(new Linear(inputSize, top * h * w, rng));
        decoder.Add(Activation(config.Activation));
        decoder.Add(new Unflatten(top, h, w));
        for (int i = levels - 1; i >= 0; i--)
        {
            int outChannels = i == 0 ? config.ImageChannels : config.ConvChannels[i - 1];
            decoder.Add(new ConvTranspose2d(config.ConvChannels[i], outChannels, kernelSize: 4, rng, stride: 2, padding: 1));
            if (i > 0) decoder.Add(Activation(config.Activation));
        }
        decoder.Add(new Flatten());
        return decoder;
    }
}
