using Workbench.Data;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>
/// The pictures people look at to judge a VAE, as batches of images (rows of pixels in [0, 1]):
/// reconstructions, prior samples, latent traversals, the 2-D latent manifold, class-conditional samples.
/// </summary>
public static class Pictures
{
    /// <summary>The first <paramref name="count"/> images of <paramref name="data"/> and their reconstructions
    /// E[x | z = μ(x)], interleaved in rows of <paramref name="columns"/>: a row of originals, then their reconstructions.</summary>
    public static Tensor ReconstructionPairs(VariationalAutoencoder model, ImageDataset data, int count = 16, int columns = 8)
    {
        count = Math.Min(count, data.Count);
        using var _ = GradMode.NoGrad();
        var (images, condition) = Batching.Make(model, data, Batching.Sequential(0, count));
        var reconstructions = model.Reconstruct(images, condition);
        int pixels = images.Dim(1);
        var pairs = Tensor.Zeros(2 * count, pixels);
        for (int i = 0; i < count; i++)
        {
            int row = i / columns, column = i % columns;
            int original = 2 * row * columns + column, reconstructed = original + Math.Min(columns, count - row * columns);
            images.Span.Slice(i * pixels, pixels).CopyTo(pairs.Span.Slice(original * pixels, pixels));
            reconstructions.Span.Slice(i * pixels, pixels).CopyTo(pairs.Span.Slice(reconstructed * pixels, pixels));
        }
        return pairs;
    }

    /// <summary><paramref name="count"/> images decoded from z ~ p(z); a conditional model cycles through the classes so every class shows. (count, D)</summary>
    public static Tensor PriorSamples(VariationalAutoencoder model, int count, ulong seed) =>
        model.SamplePrior(count, new Rng(seed), model.Conditioning.Cycling(count));

    /// <summary>
    /// Latent traversals: starting from z = μ of image <paramref name="imageIndex"/>, each of the first
    /// <paramref name="dimensions"/> latent dimensions in turn is set to <paramref name="steps"/> values
    /// evenly spaced over [−<paramref name="range"/>, +<paramref name="range"/>]. Rows are dimensions. (dimensions·steps, D)
    /// </summary>
    public static Tensor Traversals(VariationalAutoencoder model, ImageDataset data, int dimensions = 10, int steps = 9, float range = 3f, int imageIndex = 0)
    {
        dimensions = Math.Min(dimensions, model.LatentSize);
        using var _ = GradMode.NoGrad();
        var (image, condition) = Batching.Make(model, data, [imageIndex]);
        var mean = model.Encode(image, condition).Mean.Span;
        int latent = model.LatentSize;
        var values = TraversalValues(steps, range);
        var z = Tensor.Zeros(dimensions * steps, latent);
        for (int d = 0; d < dimensions; d++)
            for (int s = 0; s < steps; s++)
            {
                var row = z.Span.Slice((d * steps + s) * latent, latent);
                mean.CopyTo(row);
                row[d] = values[s];
            }
        return model.DecodeMean(z, Repeat(condition, dimensions * steps));
    }

    /// <summary>The values a traversal gives its dimension, one a column: <paramref name="steps"/> evenly spaced over [−range, +range] (0 for one step).</summary>
    public static float[] TraversalValues(int steps, float range) =>
        Enumerable.Range(0, steps).Select(s => steps == 1 ? 0f : -range + 2 * range * s / (steps - 1)).ToArray();

    /// <summary>
    /// The coordinates of the manifold's grid along each axis, ascending: Φ⁻¹((i + ½) / side). Column i has
    /// z0 = coordinate[i]; row i, counted from the top, has z1 = coordinate[side − 1 − i].
    /// </summary>
    public static float[] ManifoldCoordinates(int side) =>
        Enumerable.Range(0, side).Select(i => (float)NormalQuantile((i + 0.5) / side)).ToArray();

    /// <summary>
    /// The 2-D latent manifold (Kingma &amp; Welling 2014, fig. 4): a <paramref name="side"/>×<paramref name="side"/>
    /// grid of z at the Gaussian quantiles of evenly spaced probabilities, decoded. Needs a 2-D latent. (side², D)
    /// </summary>
    public static Tensor Manifold(VariationalAutoencoder model, int side = 15)
    {
        if (model.LatentSize != 2) throw new InvalidOperationException($"The latent manifold needs a 2-D latent space; this model has {model.LatentSize} dimensions.");
        if (model.Conditioning.IsConditional) throw new InvalidOperationException("The latent manifold is drawn for unconditional models.");
        var coordinates = ManifoldCoordinates(side);
        var z = Tensor.Zeros(side * side, 2);
        for (int row = 0; row < side; row++)
            for (int column = 0; column < side; column++)
            {
                // Top row = high z1, like a plot's y axis.
                z.Span[(row * side + column) * 2] = coordinates[column];
                z.Span[(row * side + column) * 2 + 1] = coordinates[side - 1 - row];
            }
        using var _ = GradMode.NoGrad();
        return model.DecodeMean(z);
    }

    /// <summary>For a conditional model: <paramref name="perClass"/> samples of every class, one class per row. (classes·perClass, D)</summary>
    public static Tensor ClassGrid(VariationalAutoencoder model, int perClass, ulong seed)
    {
        int classes = model.Conditioning.Classes;
        if (!model.Conditioning.IsConditional) throw new ArgumentException("A class grid needs a model conditioned on classes (variant \"cvae\").", nameof(model));
        var labels = Enumerable.Range(0, classes * perClass).Select(i => i / perClass).ToArray();
        return model.SamplePrior(labels.Length, new Rng(seed), model.Conditioning.FromLabels(labels));
    }

    /// <summary>μ(x) of the first <paramref name="count"/> images with their labels: for latent scatter plots. (count, latent)</summary>
    public static (Tensor Means, int[] Labels) LatentMeans(VariationalAutoencoder model, ImageDataset data, int count = 2000)
    {
        count = Math.Min(count, data.Count);
        using var _ = GradMode.NoGrad();
        var rows = Batching.Sequential(0, count);
        var (images, condition) = Batching.Make(model, data, rows);
        return (model.Encode(images, condition).Mean, data.Batch(rows).Labels);
    }

    private static Tensor? Repeat(Tensor? row, int times) =>
        row is null ? null : row.GatherRows(new int[times]);

    /// <summary>Φ⁻¹(p) by Acklam's rational approximation (relative error below 1.2e-9).</summary>
    internal static double NormalQuantile(double p)
    {
        if (p <= 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "must be in (0, 1)");
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) return -NormalQuantile(1 - p);
        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }
}
