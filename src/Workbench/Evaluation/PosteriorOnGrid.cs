using Workbench.Data;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>
/// The true posterior p(z|x) ∝ p(x|z) p(z) of one image under a model with a two-dimensional latent, on a grid,
/// beside the model's approximation q(z|x), and how far apart they are.
/// </summary>
/// <param name="Axis">The cell centres along each latent axis (the grid is Axis × Axis). (cells)</param>
/// <param name="TrueDensity">p(z|x) at the cell centres, [z1 index, z0 index] (rows are z1, as a heatmap draws them).</param>
/// <param name="ApproximateDensity">q(z|x) per cell: the share of <see cref="Samples"/> draws that fall in the cell over its area
/// (a histogram, since a flow has no density at an arbitrary z), [z1 index, z0 index].</param>
/// <param name="LogMarginal">log p(x) = log ∫ p(x|z) p(z) dz by the midpoint rule on the grid, nats.</param>
/// <param name="Elbo">E_q[log p(x|z) + log p(z) − log q(z|x)] over the draws, each with its exact log q, nats.</param>
/// <param name="Samples">Draws from q behind <see cref="Elbo"/> and <see cref="ApproximateDensity"/>.</param>
public sealed record PosteriorOnGrid(double[] Axis, double[,] TrueDensity, double[,] ApproximateDensity, double LogMarginal, double Elbo, int Samples)
{
    /// <summary>log p(x) − ELBO = KL(q(z|x) ‖ p(z|x)) ≥ 0, nats: what the approximation costs the bound for this image.</summary>
    public double Gap => LogMarginal - Elbo;
}

/// <summary>Grids of the true posterior of 2-D-latent models against their approximations.</summary>
public static class PosteriorGrid
{
    /// <summary>
    /// p(z|x) of image <paramref name="index"/> of <paramref name="data"/> on [−<paramref name="half"/>, <paramref name="half"/>]² in
    /// <paramref name="cells"/>² cells, q(z|x) from <paramref name="samples"/> seeded draws, log p(x) and the ELBO.
    /// </summary>
    public static PosteriorOnGrid Evaluate(VariationalAutoencoder model, ImageDataset data, int index, int cells = 121, double half = 5, int samples = 20_000, ulong seed = 0)
    {
        if (model.LatentSize != 2) throw new ArgumentException($"The posterior is drawn on a grid for a two-dimensional latent; this model's has {model.LatentSize} dimensions.");
        if (index < 0 || index >= data.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"must be in [0, {data.Count}).");
        if (cells < 2 || half <= 0 || samples < 1) throw new ArgumentException($"Need at least 2 cells a side, a positive half-width and one sample; got {cells}, {half}, {samples}.");
        double width = 2 * half / cells;
        var axis = Enumerable.Range(0, cells).Select(i => -half + (i + 0.5) * width).ToArray();
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            var (images, condition) = Batching.Make(model, data, [index]);                        // (1, D)
            var grid = new float[cells * cells * 2];
            for (int row = 0; row < cells; row++)                                                 // row: z1, column: z0
                for (int column = 0; column < cells; column++)
                {
                    grid[(row * cells + column) * 2] = (float)axis[column];
                    grid[(row * cells + column) * 2 + 1] = (float)axis[row];
                }
            var logJoint = LogJoint(model, images, condition, Tensor.FromArray(grid, cells * cells, 2));  // (cells²)
            double logMarginal = ImportanceWeightedBound.LogMeanExp(logJoint) + Math.Log(cells * cells) + 2 * Math.Log(width);
            var trueDensity = new double[cells, cells];
            for (int r = 0; r < cells * cells; r++) trueDensity[r / cells, r % cells] = Math.Exp(logJoint[r] - logMarginal);

            var posterior = model.Encode(images, condition).GatherRows(new int[samples]);
            var sample = posterior.SampleWithLogDensity(Tensor.Randn(new Rng(seed), samples, 2));  // (S, 2), (S)
            var repeatedCondition = condition?.GatherRows(new int[samples]);
            var logLikelihood = model.Likelihood.LogDensity(model.Decode(sample.Z, repeatedCondition), images, new int[samples]).ToArray();
            var logPrior = model.Prior.LogDensity(sample.Z).ToArray();
            var logPosterior = sample.LogDensity.ToArray();
            var z = sample.Z.ToArray();
            var approximate = new double[cells, cells];
            double elbo = 0;
            for (int s = 0; s < samples; s++)
            {
                elbo += (logLikelihood[s] + (double)logPrior[s] - logPosterior[s]) / samples;
                int column = (int)Math.Floor((z[s * 2] + half) / width), row = (int)Math.Floor((z[s * 2 + 1] + half) / width);
                if (column >= 0 && column < cells && row >= 0 && row < cells) approximate[row, column] += 1.0 / (samples * width * width);
            }
            return new PosteriorOnGrid(axis, trueDensity, approximate, logMarginal, elbo, samples);
        }
        finally
        {
            model.Train(wasTraining);
        }
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
