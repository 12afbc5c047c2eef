namespace Workbench.Data;

/// <summary>Grid sizes of the sprite factors and the rendering resolution.</summary>
/// <param name="ImageSize">Images are ImageSize × ImageSize pixels.</param>
/// <param name="Scales">Number of scale values, evenly spaced over [0.5, 1] (as in dSprites).</param>
/// <param name="Rotations">Number of rotation angles k·2π/Rotations, k = 0 … Rotations−1.</param>
/// <param name="PositionsX">Number of horizontal positions, evenly spaced so every sprite lies inside the image.</param>
/// <param name="PositionsY">Number of vertical positions, likewise.</param>
/// <param name="Supersampling">Samples per pixel along each axis: a pixel's grey level is the fraction of its
/// Supersampling² sample points inside the shape (1 gives pure binary images).</param>
/// <param name="MaxRadius">Radius of a scale-1 sprite's bounding circle, as a fraction of the image size.</param>
/// <param name="Colours">Number of hues of the colour factor: 0 (the default) draws greyscale images (one channel, five
/// factors); k ≥ 1 draws RGB images (three channels) of a sprite in one of k fully saturated hues, evenly spaced
/// round the colour wheel from red, on a black background, with colour as a sixth factor after shape.</param>
public sealed record SpritesOptions(
    int ImageSize = 28, int Scales = 6, int Rotations = 10, int PositionsX = 8, int PositionsY = 8,
    int Supersampling = 4, double MaxRadius = 0.22, int Colours = 0)
{
    /// <summary>The options of the "sprites-colour" dataset: the greyscale defaults with six hues (red, yellow, green, cyan, blue, magenta).</summary>
    public static SpritesOptions ColourDefaults { get; } = new() { Colours = 6 };

    /// <summary>Largest number of hues: more would be hard to tell apart in a 28×28 sprite.</summary>
    public const int MaxColours = 12;

    /// <summary>Whether the images are RGB with colour as a factor.</summary>
    public bool IsColour => Colours > 0;

    /// <summary>Channels per image: 3 with colour, else 1.</summary>
    public int Channels => IsColour ? 3 : 1;

    internal void Validate()
    {
        if (Colours is < 0 or > MaxColours) throw new ArgumentException($"Colours must be between 0 (greyscale) and {MaxColours}, got {Colours}.");
        if (ImageSize < 4) throw new ArgumentException($"ImageSize must be at least 4, got {ImageSize}.");
        if (Scales < 1 || Rotations < 1 || PositionsX < 1 || PositionsY < 1 || Supersampling < 1)
            throw new ArgumentException("Every factor needs at least one value and Supersampling must be at least 1.");
        if (MaxRadius <= 0 || MaxRadius > 0.5) throw new ArgumentException($"MaxRadius must be in (0, 0.5], got {MaxRadius}.");
    }

    /// <summary>Scale of index <paramref name="i"/> (fraction of the largest sprite).</summary>
    public double ScaleValue(int i) => Scales == 1 ? 1.0 : 0.5 + 0.5 * i / (Scales - 1);

    /// <summary>Rotation of index <paramref name="i"/> in radians, anticlockwise.</summary>
    public double RotationValue(int i) => 2.0 * Math.PI * i / Rotations;

    /// <summary>Horizontal centre of index <paramref name="i"/> as a fraction of the width (in [MaxRadius, 1 − MaxRadius]).</summary>
    public double XValue(int i) => PositionValue(i, PositionsX);

    /// <summary>Vertical centre of index <paramref name="i"/> as a fraction of the height, from the top.</summary>
    public double YValue(int i) => PositionValue(i, PositionsY);

    private double PositionValue(int i, int count) =>
        count == 1 ? 0.5 : MaxRadius + (1.0 - 2.0 * MaxRadius) * i / (count - 1);

    /// <summary>The (red, green, blue) intensities in [0, 1] of hue <paramref name="i"/>: hue angle i·360°/Colours at full saturation and value.</summary>
    public (float Red, float Green, float Blue) ColourValue(int i) => SpriteColours.Rgb(i, Colours);

    /// <summary>The name of hue <paramref name="i"/> ("red", "yellow", … at multiples of 60°, else "hue 45°").</summary>
    public string ColourName(int i) => SpriteColours.Name(i, Colours);
}

/// <summary>The factor indices of one sprite image; <see cref="Colour"/> is the hue's index for colour sprites (0 for greyscale ones).</summary>
public readonly record struct SpriteFactors(int Shape, int Scale, int Rotation, int X, int Y)
{
    public SpriteShape ShapeKind => (SpriteShape)Shape;

    /// <summary>The index of the sprite's hue (<see cref="SpritesOptions.ColourValue"/>); unused for greyscale sprites.</summary>
    public int Colour { get; init; }
}

/// <summary>Sprite images together with the generative factors of each.</summary>
public sealed class SpritesDataset
{
    internal SpritesDataset(ImageDataset images, int[,] factors, SpritesOptions options)
    {
        Images = images;
        Factors = factors;
        Options = options;
    }

    /// <summary>The images (labels = shape index).</summary>
    public ImageDataset Images { get; }

    /// <summary>Factor indices, one row per image (N, 5), or (N, 6) for colour sprites, columns in <see cref="FactorNames"/> order.</summary>
    public int[,] Factors { get; }

    public SpritesOptions Options { get; }

    /// <summary>The factors' names in column order: shape, scale, rotation, x, y; colour sprites add colour after shape.</summary>
    public IReadOnlyList<string> FactorNames => Sprites.FactorNamesOf(Options);

    /// <summary>Number of values of each factor, in <see cref="FactorNames"/> order.</summary>
    public int[] FactorSizes => Sprites.FactorSizes(Options);

    public int Count => Images.Count;

    /// <summary>A new dataset holding the images and factors at <paramref name="indices"/>, in that order.</summary>
    public SpritesDataset Subset(int[] indices)
    {
        var factors = new int[indices.Length, Factors.GetLength(1)];
        for (int i = 0; i < indices.Length; i++)
            for (int k = 0; k < factors.GetLength(1); k++) factors[i, k] = Factors[indices[i], k];
        return new SpritesDataset(Images.Subset(indices), factors, Options);
    }

    /// <summary>The factors of image <paramref name="index"/>.</summary>
    public SpriteFactors FactorsOf(int index) => Sprites.FactorsOfRow(Factors, index, Options);
}

/// <summary>
/// A procedural dataset in the spirit of dSprites (Matthey, Higgins, Hassabis &amp; Lerchner 2017;
/// used to measure disentanglement in β-VAE, Higgins et al. 2017): 2-D shapes rendered from five
/// known, independent factors: shape, scale, rotation, horizontal and vertical position. With
/// <see cref="SpritesOptions.Colours"/> &gt; 0 the sprites are RGB, one of that many hues on black, and colour is a sixth factor
/// (as the colour variant of dSprites used by Locatello et al. 2019).
/// </summary>
/// <remarks>
/// Everything is computed in code from the factors (exact geometric inside-tests, supersampled for
/// anti-aliasing), so the same options give the same pixels on every machine. Rotation covers
/// [0, 2π) for every shape; a square looks the same every π/2 and an ellipse every π, so those
/// rotations are not identifiable from the image alone, as in dSprites.
/// </remarks>
public static class Sprites
{
    /// <summary>Factor names, the column order of <see cref="SpritesDataset.Factors"/>.</summary>
    public static IReadOnlyList<string> FactorNames { get; } = ["shape", "scale", "rotation", "x", "y"];

    /// <summary>Shape names, indexed by label.</summary>
    public static IReadOnlyList<string> ShapeNames { get; } = Enum.GetNames<SpriteShape>().Select(n => n.ToLowerInvariant()).ToArray();

    /// <summary>Factor names of greyscale and colour sprites alike, for <paramref name="options"/>: colour comes after shape when there is colour.</summary>
    public static IReadOnlyList<string> FactorNamesOf(SpritesOptions options) =>
        options.IsColour ? ["shape", "colour", "scale", "rotation", "x", "y"] : FactorNames;

    /// <summary>Number of values of each factor, in <see cref="FactorNamesOf"/> order.</summary>
    public static int[] FactorSizes(SpritesOptions options) => options.IsColour
        ? [ShapeNames.Count, options.Colours, options.Scales, options.Rotations, options.PositionsX, options.PositionsY]
        : [ShapeNames.Count, options.Scales, options.Rotations, options.PositionsX, options.PositionsY];

    /// <summary>The factors of row <paramref name="row"/> of a factor table (N, 5) or, for colour sprites, (N, 6).</summary>
    internal static SpriteFactors FactorsOfRow(int[,] factors, int row, SpritesOptions options) => options.IsColour
        ? new SpriteFactors(factors[row, 0], factors[row, 2], factors[row, 3], factors[row, 4], factors[row, 5]) { Colour = factors[row, 1] }
        : new SpriteFactors(factors[row, 0], factors[row, 1], factors[row, 2], factors[row, 3], factors[row, 4]);

    /// <summary>Every combination of factors once, shape varying slowest and y fastest.</summary>
    public static SpritesDataset GenerateAll(SpritesOptions? options = null)
    {
        options ??= new SpritesOptions();
        options.Validate();
        var sizes = FactorSizes(options);
        int count = sizes.Aggregate(1, (a, b) => checked(a * b));
        var factors = new int[count, sizes.Length];
        for (int i = 0; i < count; i++)
        {
            int rest = i;
            for (int f = sizes.Length - 1; f >= 0; f--)
            {
                factors[i, f] = rest % sizes[f];
                rest /= sizes[f];
            }
        }
        return Build(factors, options);
    }

    /// <summary><paramref name="count"/> images whose factors are drawn independently and uniformly with a generator seeded by <paramref name="seed"/>.</summary>
    public static SpritesDataset Sample(int count, ulong seed, SpritesOptions? options = null)
    {
        options ??= new SpritesOptions();
        options.Validate();
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), "must be non-negative");
        var sizes = FactorSizes(options);
        var rng = new Tensors.Rng(seed);
        // One draw per factor and image, in column order: greyscale sprites draw exactly as before colour existed.
        var factors = new int[count, sizes.Length];
        for (int i = 0; i < count; i++)
            for (int f = 0; f < sizes.Length; f++)
                factors[i, f] = rng.NextInt(sizes[f]);
        return Build(factors, options);
    }

    /// <summary>
    /// Renders one sprite into <paramref name="destination"/>: ImageSize² values, row-major, top row first, each pixel the
    /// fraction of its Supersampling² sample points that fall inside the shape; for colour sprites 3·ImageSize² values in
    /// (C, H, W) order, each channel plane that coverage times the hue's red, green or blue intensity (black background).
    /// </summary>
    public static void Render(SpriteFactors factors, SpritesOptions options, Span<float> destination)
    {
        int n = options.ImageSize, plane = n * n;
        if (destination.Length != options.Channels * plane)
            throw new ArgumentException($"Destination needs {options.Channels * plane} values ({options.Channels}×{n}×{n}), got {destination.Length}.");
        RenderCoverage(factors, options, destination[..plane]);
        if (!options.IsColour) return;
        if ((uint)factors.Colour >= (uint)options.Colours) throw new ArgumentException($"Colour {factors.Colour} is outside 0..{options.Colours - 1}.");
        var (red, green, blue) = options.ColourValue(factors.Colour);
        var coverage = destination[..plane];
        // Blue and green first: the red plane is the coverage itself until it is scaled last.
        for (int i = 0; i < plane; i++)
        {
            destination[2 * plane + i] = coverage[i] * blue;
            destination[plane + i] = coverage[i] * green;
            destination[i] = coverage[i] * red;
        }
    }

    /// <summary>The sprite's coverage: ImageSize² values, the fraction of each pixel's sample points inside the shape.</summary>
    private static void RenderCoverage(SpriteFactors factors, SpritesOptions options, Span<float> destination)
    {
        int n = options.ImageSize, s = options.Supersampling;
        var shape = (SpriteShape)factors.Shape;
        double radius = options.MaxRadius * options.ScaleValue(factors.Scale) * n; // pixels
        double angle = options.RotationValue(factors.Rotation);
        double cx = options.XValue(factors.X) * n, cy = options.YValue(factors.Y) * n;
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        float perSample = 1f / (s * s);

        destination.Clear();
        // Only pixels overlapping the bounding circle can be lit.
        int r0 = Math.Max(0, (int)Math.Floor(cy - radius)), r1 = Math.Min(n - 1, (int)Math.Ceiling(cy + radius));
        int c0 = Math.Max(0, (int)Math.Floor(cx - radius)), c1 = Math.Min(n - 1, (int)Math.Ceiling(cx + radius));
        for (int row = r0; row <= r1; row++)
            for (int col = c0; col <= c1; col++)
            {
                int inside = 0;
                for (int i = 0; i < s; i++)
                    for (int j = 0; j < s; j++)
                    {
                        // Offset of the sample from the centre, in units of the radius, y pointing up.
                        double dx = (col + (j + 0.5) / s - cx) / radius;
                        double dy = (cy - (row + (i + 0.5) / s)) / radius;
                        // Rotate the point by −angle: the shape appears rotated anticlockwise by +angle.
                        double u = cos * dx + sin * dy, v = -sin * dx + cos * dy;
                        if (SpriteGeometry.Inside(shape, u, v)) inside++;
                    }
                destination[row * n + col] = inside * perSample;
            }
    }

    private static SpritesDataset Build(int[,] factors, SpritesOptions options)
    {
        int count = factors.GetLength(0), p = options.Channels * options.ImageSize * options.ImageSize;
        var pixels = new float[(long)count * p];
        var labels = new int[count];
        var sizes = FactorSizes(options);
        var names = FactorNamesOf(options);
        for (int i = 0; i < count; i++)
        {
            var f = FactorsOfRow(factors, i, options);
            for (int k = 0; k < sizes.Length; k++)
                if ((uint)factors[i, k] >= (uint)sizes[k])
                    throw new ArgumentException($"Factor {names[k]} = {factors[i, k]} of image {i} is outside 0..{sizes[k] - 1}.");
            Render(f, options, pixels.AsSpan(i * p, p));
            labels[i] = f.Shape;
        }
        var images = options.IsColour
            ? new ImageDataset(pixels, labels, options.Channels, options.ImageSize, options.ImageSize, ShapeNames)
            : new ImageDataset(pixels, labels, options.ImageSize, options.ImageSize, ShapeNames);
        return new SpritesDataset(images, factors, options);
    }
}
