using Workbench.Data;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>
/// The true posterior p(z|x) ∝ p(x|z) p(z) of one image under a model with a two-dimensional latent, on a grid,
/// beside the model's approximation q(z|x), and how far apart they are.
/// </summary>
/// <param name="X">The cell centres along z0. (cells)</param>
/// <param name="Y">The cell centres along z1. (cells)</param>
/// <param name="TrueDensity">p(z|x) at the cell centres, [z1 index, z0 index] (rows are z1, as a heatmap draws them).</param>
/// <param name="ApproximateDensity">q(z|x) per cell: the share of <see cref="Samples"/> draws that fall in the cell over its area
/// (a histogram, since a flow has no density at an arbitrary z), [z1 index, z0 index].</param>
/// <param name="LogMarginal">log p(x) = log ∫ p(x|z) p(z) dz by the midpoint rule on the grid, nats.</param>
/// <param name="Elbo">E_q[log p(x|z) + log p(z) − log q(z|x)] over the draws, each with its exact log q, nats.</param>
/// <param name="Samples">Draws from q behind <see cref="Elbo"/> and <see cref="ApproximateDensity"/>.</param>
public sealed record PosteriorOnGrid(double[] X, double[] Y, double[,] TrueDensity, double[,] ApproximateDensity, double LogMarginal, double Elbo, int Samples)
{
    /// <summary>log p(x) − ELBO = KL(q(z|x) ‖ p(z|x)) ≥ 0, nats: what the approximation costs the bound for this image.</summary>
    public double Gap => LogMarginal - Elbo;
}

/// <summary>Grids of the true posterior of 2-D-latent models against their approximations.</summary>
public static class PosteriorGrid
{
    /// <summary>
    /// p(z|x) of image <paramref name="index"/> of <paramref name="data"/> on a window of <paramref name="cells"/>² cells around
    /// it, q(z|x) from <paramref name="samples"/> seeded draws, log p(x) and the ELBO. The window is found on a first grid
    /// of [−<paramref name="half"/>, <paramref name="half"/>]² (161² cells): centred on the posterior's mean there, reaching 4
    /// posterior standard deviations either side (at least 3 of the first grid's cells), so a narrow posterior fills the picture and
    /// its integral is fine-grained.
    /// </summary>
    public static PosteriorOnGrid Evaluate(VariationalAutoencoder model, ImageDataset data, int index, int cells = 121, double half = 6, int samples = 20_000, ulong seed = 0)
    {
        if (model.LatentSize != 2) throw new ArgumentException($"The posterior is drawn on a grid for a two-dimensional latent; this model's has {model.LatentSize} dimensions.");
        if (index < 0 || index >= data.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"must be in [0, {data.Count}).");
        if (cells < 2 || half <= 0 || samples < 1) throw new ArgumentException($"Need at least 2 cells a side, a positive half-width and one sample; got {cells}, {half}, {samples}.");
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            var (images, condition) = Batching.Make(model, data, [index]);                        // (1, D)
            const int firstCells = 161;
            var first = Grid(model, images, condition, Axis(0, half, firstCells), Axis(0, half, firstCells));
            var (mean0, sd0) = Moments(first.Density, first.X, axis: 1);
            var (mean1, sd1) = Moments(first.Density, first.Y, axis: 0);
            double window = Math.Max(4 * Math.Max(sd0, sd1), 3 * 2 * half / firstCells);
            var (x, y) = (Axis(mean0, window, cells), Axis(mean1, window, cells));
            var (_, _, trueDensity, logMarginal) = Grid(model, images, condition, x, y);

            var posterior = model.Encode(images, condition).GatherRows(new int[samples]);
            var sample = posterior.SampleWithLogDensity(Tensor.Randn(new Rng(seed), samples, 2));  // (S, 2), (S)
            var repeatedCondition = condition?.GatherRows(new int[samples]);
            var logLikelihood = model.Likelihood.LogDensity(model.Decode(sample.Z, repeatedCondition), images, new int[samples]).ToArray();
            var logPrior = model.Prior.LogDensity(sample.Z).ToArray();
            var logPosterior = sample.LogDensity.ToArray();
            var z = sample.Z.ToArray();
            double width = x[1] - x[0], low0 = x[0] - width / 2, low1 = y[0] - width / 2;
            var approximate = new double[cells, cells];
            double elbo = 0;
            for (int s = 0; s < samples; s++)
            {
                elbo += (logLikelihood[s] + (double)logPrior[s] - logPosterior[s]) / samples;
                int column = (int)Math.Floor((z[s * 2] - low0) / width), row = (int)Math.Floor((z[s * 2 + 1] - low1) / width);
                if (column >= 0 && column < cells && row >= 0 && row < cells) approximate[row, column] += 1.0 / (samples * width * width);
            }
            return new PosteriorOnGrid(x, y, trueDensity, approximate, logMarginal, elbo, samples);
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    private static double[] Axis(double centre, double half, int cells) =>
        Enumerable.Range(0, cells).Select(i => centre - half + (i + 0.5) * 2 * half / cells).ToArray();

    /// <summary>p(z|x) at the cells (x along z0, y along z1) and log p(x) by the midpoint rule over them.</summary>
    private static (double[] X, double[] Y, double[,] Density, double LogMarginal) Grid(VariationalAutoencoder model, Tensor images, Tensor? condition, double[] x, double[] y)
    {
        int columns = x.Length, rows = y.Length;
        var grid = new float[rows * columns * 2];
        for (int row = 0; row < rows; row++)                                                     // row: z1, column: z0
            for (int column = 0; column < columns; column++)
            {
                grid[(row * columns + column) * 2] = (float)x[column];
                grid[(row * columns + column) * 2 + 1] = (float)y[row];
            }
        var logJoint = LogJoint(model, images, condition, Tensor.FromArray(grid, rows * columns, 2)); // (rows·columns)
        double cellArea = (x[1] - x[0]) * (y[1] - y[0]);
        double logMarginal = ImportanceWeightedBound.LogMeanExp(logJoint) + Math.Log(rows * columns) + Math.Log(cellArea);
        var density = new double[rows, columns];
        for (int r = 0; r < rows * columns; r++) density[r / columns, r % columns] = Math.Exp(logJoint[r] - logMarginal);
        return (x, y, density, logMarginal);
    }

    /// <summary>Mean and standard deviation of the coordinate along <paramref name="axis"/> (0: rows, 1: columns) under a gridded density.</summary>
    private static (double Mean, double Sd) Moments(double[,] density, double[] centres, int axis)
    {
        double total = 0, sum = 0, sumOfSquares = 0;
        for (int row = 0; row < density.GetLength(0); row++)
            for (int column = 0; column < density.GetLength(1); column++)
            {
                double v = density[row, column], c = centres[axis == 1 ? column : row];
                total += v;
                sum += v * c;
                sumOfSquares += v * c * c;
            }
        double mean = sum / total;
        return (mean, Math.Sqrt(Math.Max(0, sumOfSquares / total - mean * mean)));
    }

    /// <summary>log p(x|z) + log p(z) at every row of <paramref name="z"/> (N, 2), in double. (N)</summary>
    private static double[] LogJoint(VariationalAutoencoder model, Tensor images, Tensor? condition, Tensor z)
    {
        int n = z.Dim(0);
        var result = new double[n];
        const int chunk = 4096;
        for (int start = 0; start < n; start += chunk)
        {
            int count = Math.Min(chunk, n - start);
            var part = z.Narrow(0, start, count);
            var logLikelihood = model.Likelihood.LogDensity(model.Decode(part, condition?.GatherRows(new int[count])), images, new int[count]).ToArray();
            var logPrior = model.Prior.LogDensity(part).ToArray();
            for (int i = 0; i < count; i++) result[start + i] = logLikelihood[i] + (double)logPrior[i];
        }
        return result;
    }
}
