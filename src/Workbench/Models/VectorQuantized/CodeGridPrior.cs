using Workbench.Models.Priors;
using Workbench.Tensors;

namespace Workbench.Models.VectorQuantized;

/// <summary>
/// The VQ-VAE's prior over its grid of codes, p(c) on {1 … K}^(h·w), seen from the latent space as a distribution
/// over the codes' vectors: uniform while the VQ-VAE trains (log p(c) = −h·w·log K, the paper's convention), and a
/// <see cref="PixelCnn"/> once it has been fitted to the training set's codes after training (van den Oord et al.
/// 2017, §3.2). <see cref="Prior.Sample"/> draws codes and returns their vectors, position-major (count, h·w·D), so
/// <see cref="VariationalAutoencoder.SamplePrior"/> and every sampler that calls it decode them unchanged.
/// State-dict names: "pixelcnn.…" and the buffer "fitted" (1 once the PixelCNN is the prior).
/// </summary>
public sealed class CodeGridPrior : Prior
{
    private Codebook? _codebook;
    private readonly Tensor _fitted;

    public CodeGridPrior(int gridHeight, int gridWidth, int codes, int channels, int layers, Rng rng)
    {
        GridHeight = gridHeight;
        GridWidth = gridWidth;
        Codes = codes;
        PixelCnn = RegisterModule("pixelcnn", new PixelCnn(codes, channels, layers, rng));
        _fitted = RegisterBuffer("fitted", Tensor.Zeros(1));
    }

    public int GridHeight { get; }
    public int GridWidth { get; }

    /// <summary>K.</summary>
    public int Codes { get; }

    /// <summary>P = h·w.</summary>
    public int Positions => GridHeight * GridWidth;

    /// <summary>The autoregressive prior, in force once <see cref="IsFitted"/>.</summary>
    public PixelCnn PixelCnn { get; }

    /// <summary>Whether the PixelCNN has been fitted (else the prior is uniform over codes).</summary>
    public bool IsFitted
    {
        get => _fitted.Span[0] != 0f;
        set => _fitted.Span[0] = value ? 1f : 0f;
    }

    private Codebook Codebook => _codebook ?? throw new InvalidOperationException("The code prior belongs to a VQ-VAE and reads its codebook; it was not attached to one.");

    protected internal override void Attach(VariationalAutoencoder model) =>
        _codebook = (model as VqVae)?.Codebook ?? throw new ArgumentException($"{nameof(CodeGridPrior)} is the prior of a {nameof(VqVae)}; got a {model.GetType().Name}.");

    /// <summary>log p(c) of each grid of codes (B·P, image-major) → (B), nats; exact for both the uniform and the PixelCNN prior.</summary>
    public Tensor LogProbability(int[] codes)
    {
        int batch = codes.Length / Positions;
        if (!IsFitted) return Tensor.Full(-Positions * MathF.Log(Codes), batch);
        return PixelCnn.LogProbability(new TokenIds(codes, batch, GridHeight, GridWidth));
    }

    /// <summary>
    /// log p(c) at latents that are codes' vectors (N, P·D) → (N): each position's vector is mapped back to its
    /// nearest code (exact for the quantised latents the model decodes, which are code vectors).
    /// </summary>
    public override Tensor LogDensity(Tensor z) => LogProbability(CodesOf(z));

    /// <summary>The code of every position of latents (N, P·D) → (N·P), image-major.</summary>
    public int[] CodesOf(Tensor z) => Codebook.Nearest(z.Reshape(z.Dim(0) * Positions, Codebook.CodeSize));

    /// <summary>Codes drawn from the prior: ancestrally from the PixelCNN once fitted, else uniformly. (count·P)</summary>
    public int[] SampleCodes(int count, Rng rng) => IsFitted ? PixelCnn.Sample(count, GridHeight, GridWidth, rng) : SampleUniformCodes(count, rng);

    /// <summary>Codes drawn uniformly and independently at every position, (count·P): the untrained prior, for contrast.</summary>
    public int[] SampleUniformCodes(int count, Rng rng)
    {
        var codes = new int[count * Positions];
        for (int i = 0; i < codes.Length; i++) codes[i] = rng.NextInt(Codes);
        return codes;
    }

    /// <summary>The latents of codes (count·P) → (count, P·D), position-major.</summary>
    public Tensor Latents(int[] codes) => Codebook.Lookup(codes).Detach().Reshape(codes.Length / Positions, Positions * Codebook.CodeSize);

    /// <summary>z ~ p(z): codes from <see cref="SampleCodes"/>, as their vectors. (count, P·D)</summary>
    public override Tensor Sample(int count, Rng rng) => Latents(SampleCodes(count, rng));

    protected override string ExtraRepr() => $"grid={GridHeight}x{GridWidth}, codes={Codes}, " + (IsFitted ? "pixelcnn (fitted)" : "uniform (pixelcnn not fitted)");
}
