using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.VectorQuantized;

/// <summary>
/// A small PixelCNN over a grid of discrete codes (van den Oord et al. 2016, the prior of the VQ-VAE paper):
/// codes (B, h, w) → an embedding of C channels → a mask-A 5×5 convolution → <c>layers</c> mask-B 3×3
/// convolutions, ReLU after each → a 1×1 convolution to K logits, (B, K, h, w). The logits at position i
/// (raster order) depend only on the codes before i, so p(c) = Π_i p(c_i | c_&lt;i) is exact and sampling is
/// ancestral, one position at a time. Plain (not gated) layers: the vertical stack's blind spot (the positions
/// above-right that the masks never reach through stacked 3×3 kernels) is accepted at this grid size.
/// State-dict names: "embedding.weight", "input.…", "hidden.{i}.…", "output.…".
/// </summary>
public sealed class PixelCnn : Module<TokenIds, Tensor>
{
    /// <param name="codes">K, the number of code values.</param>
    /// <param name="channels">C, hidden channels.</param>
    /// <param name="layers">Mask-B layers after the mask-A input layer.</param>
    public PixelCnn(int codes, int channels, int layers, Rng rng)
    {
        if (codes < 2) throw new ArgumentOutOfRangeException(nameof(codes), codes, "needs at least two codes");
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "needs at least one channel");
        if (layers < 0) throw new ArgumentOutOfRangeException(nameof(layers), layers, "must be ≥ 0");
        Codes = codes;
        Channels = channels;
        Embedding = RegisterModule("embedding", new Embedding(codes, channels, rng));
        Input = RegisterModule("input", new MaskedConv2d(channels, channels, InputKernel, ConvMask.A, rng));
        var hidden = new Sequential();
        for (int i = 0; i < layers; i++)
        {
            hidden.Add(new MaskedConv2d(channels, channels, HiddenKernel, ConvMask.B, rng));
            hidden.Add(new ReLU());
        }
        Hidden = RegisterModule("hidden", hidden);
        Output = RegisterModule("output", new Conv2d(channels, codes, kernelSize: 1, rng));
    }

    /// <summary>Kernel side of the mask-A layer and of the mask-B layers.</summary>
    public const int InputKernel = 5, HiddenKernel = 3;

    public int Codes { get; }
    public int Channels { get; }
    public Embedding Embedding { get; }
    public MaskedConv2d Input { get; }
    public Sequential Hidden { get; }
    public Conv2d Output { get; }

    /// <summary>Codes (B, h, w) → logits of p(c_i | c_&lt;i) at every position. (B, K, h, w)</summary>
    public override Tensor Forward(TokenIds codes)
    {
        if (codes.Shape.Count != 3) throw new ArgumentException($"The PixelCNN reads code grids (B, h, w); got {codes.Shape.Count} axes.");
        var embedded = Embedding.Forward(codes).Permute(0, 3, 1, 2);   // (B, C, h, w)
        var hidden = Input.Forward(embedded).Relu();
        return Output.Forward(Hidden.Forward(hidden));                  // (B, K, h, w)
    }

    /// <summary>log p(c) = Σ_i log p(c_i | c_&lt;i) of each grid, nats. (B, h, w) → (B)</summary>
    public Tensor LogProbability(TokenIds codes)
    {
        var logits = Forward(codes);                                                       // (B, K, h, w)
        int batch = logits.Dim(0), positions = logits.Dim(2) * logits.Dim(3);
        var rows = logits.Permute(0, 2, 3, 1).Reshape(batch * positions, Codes);           // (B·P, K)
        var nll = Losses.CrossEntropy(rows, codes.Values, Reduction.None);                 // (B·P)
        return nll.Reshape(batch, positions).Sum(1) * -1f;                                 // (B)
    }

    /// <summary>
    /// <paramref name="count"/> grids of h×w codes drawn ancestrally: position by position in raster order, each
    /// from softmax(logits) given the codes drawn before it, with one uniform draw of <paramref name="rng"/> per
    /// position and grid (grid-major within a position). (count·h·w) codes, image-major.
    /// </summary>
    public int[] Sample(int count, int height, int width, Rng rng)
    {
        using var _ = GradMode.NoGrad();
        int positions = height * width;
        var codes = new int[count * positions];
        var grid = new TokenIds(codes, count, height, width);
        var probabilities = new float[Codes];
        for (int p = 0; p < positions; p++)
        {
            var logits = Forward(grid).Span;                                                 // (count, K, h, w), contiguous
            for (int b = 0; b < count; b++)
            {
                float max = float.NegativeInfinity;
                for (int k = 0; k < Codes; k++) max = MathF.Max(max, logits[(b * Codes + k) * positions + p]);
                float total = 0f;
                for (int k = 0; k < Codes; k++) total += probabilities[k] = MathF.Exp(logits[(b * Codes + k) * positions + p] - max);
                float u = rng.NextFloat() * total, cumulative = 0f;
                int drawn = Codes - 1;
                for (int k = 0; k < Codes; k++)
                {
                    cumulative += probabilities[k];
                    if (u < cumulative) { drawn = k; break; }
                }
                codes[b * positions + p] = drawn;
            }
        }
        return codes;
    }

    protected override string ExtraRepr() => $"codes={Codes}, channels={Channels}";
}
