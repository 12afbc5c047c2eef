using Workbench.Evaluation.SampleQuality;
using Workbench.Tensors;

namespace Workbench.Tests.Evaluation.SampleQuality;

/// <summary>Improved precision and recall against a brute-force count in double precision and known cases.</summary>
public class PrecisionRecallTests
{
    private static double Distance2(float[] x, int i, float[] y, int j, int d)
    {
        double sum = 0;
        for (int k = 0; k < d; k++) sum += (x[i * d + k] - (double)y[j * d + k]) * (x[i * d + k] - (double)y[j * d + k]);
        return sum;
    }

    /// <summary>The definition, literally: radii by sorting all distances, membership by checking every ball.</summary>
    private static (double Precision, double Recall) BruteForce(float[] real, float[] fake, int d, int k)
    {
        int n = real.Length / d, m = fake.Length / d;
        double[] Radii(float[] set, int count) => Enumerable.Range(0, count)
            .Select(i => Enumerable.Range(0, count).Where(j => j != i).Select(j => Distance2(set, i, set, j, d)).Order().ElementAt(k - 1)).ToArray();
        var realRadii = Radii(real, n);
        var fakeRadii = Radii(fake, m);
        double precision = Enumerable.Range(0, m).Count(i => Enumerable.Range(0, n).Any(j => Distance2(fake, i, real, j, d) <= realRadii[j])) / (double)m;
        double recall = Enumerable.Range(0, n).Count(i => Enumerable.Range(0, m).Any(j => Distance2(real, i, fake, j, d) <= fakeRadii[j])) / (double)n;
        return (precision, recall);
    }

    [Theory]
    [InlineData(1UL, 60, 45, 2, 3)]
    [InlineData(2UL, 200, 150, 5, 3)]
    [InlineData(3UL, 1500, 1100, 8, 5)] // more rows than one distance block
    public void Evaluate_OverlappingClouds_EqualsTheBruteForceCount(ulong seed, int n, int m, int d, int k)
    {
        var rng = new Rng(seed);
        var real = Tensor.Randn(rng, n, d);
        var fake = Tensor.Randn(rng, m, d);
        foreach (ref var v in fake.Span) v = 1.3f * v + 0.4f; // wider and shifted: both fractions strictly between 0 and 1
        var result = PrecisionRecall.Evaluate(real, fake, k);
        var (precision, recall) = BruteForce(real.ToArray(), fake.ToArray(), d, k);
        Assert.Equal(precision, result.Precision, 10);
        Assert.Equal(recall, result.Recall, 10);
        Assert.InRange(result.Precision, 0.05, 0.999);
        Assert.InRange(result.Recall, 0.05, 0.999);
    }

    [Fact]
    public void Evaluate_IdenticalSets_GiveOneAndOne()
    {
        var real = Tensor.Randn(new Rng(5), 300, 6);
        var result = PrecisionRecall.Evaluate(real, real.Clone(), 3);
        Assert.Equal(1.0, result.Precision);
        Assert.Equal(1.0, result.Recall);
    }

    [Fact]
    public void Evaluate_DisjointFarSets_GiveZeroAndZero()
    {
        var rng = new Rng(6);
        var real = Tensor.Randn(rng, 300, 6);
        var fake = Tensor.Randn(rng, 300, 6);
        foreach (ref var v in fake.Span) v += 100f;
        var result = PrecisionRecall.Evaluate(real, fake, 3);
        Assert.Equal(0.0, result.Precision);
        Assert.Equal(0.0, result.Recall);
    }

    [Fact]
    public void Evaluate_SamplesCollapsedOntoOneRealPoint_HavePrecisionOneAndRecallNearZero()
    {
        // Mode collapse: every sample sits on real point 0, inside the real manifold, and covers almost none of it.
        var real = Tensor.Randn(new Rng(8), 400, 4);
        var fake = Tensor.FromArray(Enumerable.Range(0, 100).SelectMany(_ => real.ToArray()[..4]).ToArray(), 100, 4);
        var result = PrecisionRecall.Evaluate(real, fake, 3);
        Assert.Equal(1.0, result.Precision);
        Assert.True(result.Recall < 0.02, $"recall {result.Recall}");
    }

    [Fact]
    public void KthNeighbourSquaredDistances_OnALine_AreTheGapsToTheKthNeighbour()
    {
        var points = Tensor.FromArray([0f, 1f, 3f, 7f], 4, 1);
        Assert.Equal([9f, 4f, 9f, 36f], PrecisionRecall.KthNeighbourSquaredDistances(points, 2));
    }
}
