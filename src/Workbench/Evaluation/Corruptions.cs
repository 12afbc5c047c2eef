using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>
/// A way of damaging images (B, C·H·W) with values in [0, 1], (C, H, W) order, drawn from a seeded generator so the same
/// seed damages the same pixels. A new corruption is a new subclass.
/// </summary>
public abstract record Corruption
{
    /// <summary>Short kebab-case name for files and tables, e.g. <c>gaussian-noise</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What it does, with its parameter, for captions.</summary>
    public abstract string Describe();

    /// <summary>A corrupted copy of <paramref name="images"/> (B, C·H·W); the input is left unchanged.</summary>
    /// <param name="channels">C: 1 (greyscale) or 3 (RGB).</param>
    public Tensor Apply(Tensor images, int height, int width, ulong seed, int channels = 1)
    {
        int values = channels * height * width;
        if (images.Rank != 2 || images.Dim(1) != values)
            throw new ArgumentException($"Images must have shape (B, {values}) for {(channels == 1 ? "" : $"{channels}×")}{height}×{width} images; got {Tensor.ShapeText(images.Dims)}.", nameof(images));
        var corrupted = images.ToArray();
        Corrupt(corrupted, images.Dim(0), channels, height, width, new Rng(seed));
        return Tensor.FromArray(corrupted, images.Dims);
    }

    /// <summary>Damages <paramref name="pixels"/> (count · channels · height · width, image-major, (C, H, W) per image) in place.</summary>
    protected abstract void Corrupt(Span<float> pixels, int count, int channels, int height, int width, Rng rng);

    /// <summary>The three corruptions of the denoising comparison at their usual strengths.</summary>
    public static IReadOnlyList<Corruption> Standard { get; } = [new GaussianNoise(0.3f), new SaltAndPepper(0.2f), new MaskedSquare(12)];
}

/// <summary>x + σ ε, ε ~ N(0, 1) per value (each channel of each pixel), clipped to [0, 1].</summary>
public sealed record GaussianNoise(float Sigma) : Corruption
{
    public override string Name => "gaussian-noise";
    public override string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Gaussian noise σ = {Sigma:G3}");

    protected override void Corrupt(Span<float> pixels, int count, int channels, int height, int width, Rng rng)
    {
        if (!(Sigma >= 0)) throw new ArgumentOutOfRangeException(nameof(Sigma), Sigma, "σ must be ≥ 0.");
        for (int i = 0; i < pixels.Length; i++) pixels[i] = Math.Clamp(pixels[i] + Sigma * (float)rng.NextNormal(), 0f, 1f);
    }
}

/// <summary>Each value (each channel of each pixel), with probability <see cref="Fraction"/>, becomes 0 (pepper) or 1 (salt), each half the time.</summary>
public sealed record SaltAndPepper(float Fraction) : Corruption
{
    public override string Name => "salt-and-pepper";
    public override string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"salt and pepper on {Fraction * 100:G3}% of pixels");

    protected override void Corrupt(Span<float> pixels, int count, int channels, int height, int width, Rng rng)
    {
        if (!(Fraction is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(Fraction), Fraction, "The fraction of pixels must be in [0, 1].");
        for (int i = 0; i < pixels.Length; i++)
        {
            double u = rng.NextDouble();
            if (u < Fraction) pixels[i] = u < Fraction / 2 ? 0f : 1f;
        }
    }
}

/// <summary>A <see cref="Side"/>×<see cref="Side"/> square at a uniformly random position inside each image set to 0 (background) in every channel.</summary>
public sealed record MaskedSquare(int Side) : Corruption
{
    public override string Name => "masked-square";
    public override string Describe() => $"{Side}×{Side} square masked";

    protected override void Corrupt(Span<float> pixels, int count, int channels, int height, int width, Rng rng)
    {
        if (Side < 0 || Side > Math.Min(height, width))
            throw new ArgumentOutOfRangeException(nameof(Side), Side, $"The square's side must be in [0, {Math.Min(height, width)}] for {height}×{width} images.");
        for (int n = 0; n < count; n++)
        {
            int top = rng.NextInt(height - Side + 1), left = rng.NextInt(width - Side + 1);
            for (int c = 0; c < channels; c++)
            {
                var plane = pixels.Slice((n * channels + c) * height * width, height * width);
                for (int y = top; y < top + Side; y++) plane.Slice(y * width + left, Side).Clear();
            }
        }
    }
}
