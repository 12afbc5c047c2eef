using Workbench.Tensors;

namespace Workbench.Evaluation.SampleQuality;

/// <summary>Precision and recall of generated samples (fractions in [0, 1]) and the k they were measured with.</summary>
public sealed record PrecisionRecallResult(double Precision, double Recall, int K);

/// <summary>
/// Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union of balls
/// around its points, each ball's radius the distance to that point's k-th nearest neighbour in its own
/// set. Precision is the fraction of generated points inside the real manifold (are samples realistic?),
/// recall the fraction of real points inside the generated manifold (is the variety covered?).
/// Distances are Euclidean in feature space, computed blockwise as ‖a‖² + ‖b‖² − 2a·b by matrix products.
/// </summary>
public static class PrecisionRecall
{
    /// <summary>Rows of distances computed at once: a block is (BlockRows, N) floats.</summary>
    private const int BlockRows = 1024;

    /// <summary>Precision and recall of <paramref name="generated"/> (M, d) against <paramref name="real"/> (N, d); k = 3 as in the paper.</summary>
    public static PrecisionRecallResult Evaluate(Tensor real, Tensor generated, int k = 3)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        if (real.Rank != 2 || generated.Rank != 2 || real.Dim(1) != generated.Dim(1))
            throw new ArgumentException($"Features must be (N, d) and (M, d) of one d, got ({string.Join(", ", real.Shape)}) and ({string.Join(", ", generated.Shape)}).");
        if (k < 1 || k >= real.Dim(0) || k >= generated.Dim(0))
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be at least 1 and below both set sizes ({real.Dim(0)}, {generated.Dim(0)}).");
        using var _ = GradMode.NoGrad();
        return Evaluate(real, KthNeighbourSquaredDistances(real, k), generated, k);
    }

    /// <summary>As <see cref="Evaluate(Tensor, Tensor, int)"/>, with the real points' squared k-NN radii computed once
    /// (<see cref="KthNeighbourSquaredDistances"/>) for comparisons with several generated sets.</summary>
    public static PrecisionRecallResult Evaluate(Tensor real, float[] realRadii, Tensor generated, int k)
    {
        ArgumentNullException.ThrowIfNull(realRadii);
        if (realRadii.Length != real.Dim(0)) throw new ArgumentException($"{realRadii.Length} radii for {real.Dim(0)} real points.", nameof(realRadii));
        if (k < 1 || k >= generated.Dim(0)) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be at least 1 and below the number of generated points ({generated.Dim(0)}).");
        using var _ = GradMode.NoGrad();
        var generatedRadii = KthNeighbourSquaredDistances(generated, k);
        return new PrecisionRecallResult(
            Precision: FractionInside(generated, real, realRadii),
            Recall: FractionInside(real, generated, generatedRadii),
            K: k);
    }

    /// <summary>For each row of <paramref name="points"/>, the squared distance to its k-th nearest other row. (N)</summary>
    public static float[] KthNeighbourSquaredDistances(Tensor points, int k)
    {
        int n = points.Dim(0);
        var radii = new float[n];
        var best = new float[k + 1]; // the k + 1 smallest, the point itself (distance 0) included
        ForEachBlock(points, points, (start, rows, distances) =>
        {
            for (int r = 0; r < rows; r++)
            {
                best.AsSpan().Fill(float.PositiveInfinity);
                var row = distances.Slice(r * n, n);
                for (int j = 0; j < n; j++)
                {
                    float value = j == start + r ? 0f : row[j];
                    if (value >= best[k]) continue;
                    int at = k; // insertion into the sorted k + 1 smallest
                    while (at > 0 && best[at - 1] > value) { best[at] = best[at - 1]; at--; }
                    best[at] = value;
                }
                radii[start + r] = best[k];
            }
        });
        return radii;
    }

    /// <summary>Fraction of the rows of <paramref name="queries"/> within the ball of at least one row of <paramref name="centres"/>.</summary>
    private static double FractionInside(Tensor queries, Tensor centres, float[] squaredRadii)
    {
        int m = centres.Dim(0), inside = 0;
        ForEachBlock(queries, centres, (_, rows, distances) =>
        {
            for (int r = 0; r < rows; r++)
            {
                var row = distances.Slice(r * m, m);
                for (int j = 0; j < m; j++)
                    if (row[j] <= squaredRadii[j]) { inside++; break; }
            }
        });
        return (double)inside / queries.Dim(0);
    }

    private delegate void BlockAction(int start, int rows, ReadOnlySpan<float> squaredDistances);

    /// <summary>Squared distances from blocks of rows of <paramref name="a"/> to every row of <paramref name="b"/>, clamped at 0.</summary>
    private static void ForEachBlock(Tensor a, Tensor b, BlockAction action)
    {
        int n = a.Dim(0), m = b.Dim(0), d = a.Dim(1);
        var bNorms = RowSquaredNorms(b);
        for (int start = 0; start < n; start += BlockRows)
        {
            int rows = Math.Min(BlockRows, n - start);
            var block = Tensor.FromArray(a.Span.Slice(start * d, rows * d), rows, d);
            var aNorms = RowSquaredNorms(block);
            var products = block.MatMul(b, transposeOther: true).Span; // (rows, m)
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < m; j++)
                    products[r * m + j] = Math.Max(0f, aNorms[r] + bNorms[j] - 2 * products[r * m + j]);
            action(start, rows, products);
        }
    }

    private static float[] RowSquaredNorms(Tensor x)
    {
        int n = x.Dim(0), d = x.Dim(1);
        var span = x.Span;
        var norms = new float[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < d; j++) sum += (double)span[i * d + j] * span[i * d + j];
            norms[i] = (float)sum;
        }
        return norms;
    }
}
