using Workbench.Evaluation;
using Workbench.Tensors;

namespace Workbench.Tests.Evaluation;

/// <summary>
/// The Mutual Information Gap (Chen et al. 2018): the discrete MI and entropy against closed forms and
/// brute force on small tables, the binning against numpy's histogram edges, and MIG on synthetic codes
/// whose answer is known.
/// </summary>
public class MutualInformationGapTests
{
    [Fact]
    public void Entropy_MatchesClosedForms()
    {
        Assert.Equal(Math.Log(4), MutualInformationGap.Entropy([0, 1, 2, 3]), 12);
        Assert.Equal(-(0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75)), MutualInformationGap.Entropy([7, 9, 9, 9]), 12);
        Assert.Equal(0.0, MutualInformationGap.Entropy([5, 5, 5]), 12);
    }

    [Fact]
    public void MutualInformation_CopiedAndIndependentVariables_GiveEntropyAndZero()
    {
        int[] a = [0, 0, 1, 1, 2, 2, 2, 2];
        Assert.Equal(MutualInformationGap.Entropy(a), MutualInformationGap.MutualInformation(a, a), 12);
        // Relabelling a variable keeps its information.
        Assert.Equal(MutualInformationGap.Entropy(a), MutualInformationGap.MutualInformation(a, a.Select(v => 10 - 3 * v).ToArray()), 12);
        // Every (a, b) pair equally often: independent.
        Assert.Equal(0.0, MutualInformationGap.MutualInformation([0, 0, 1, 1], [0, 1, 0, 1]), 12);
    }

    [Fact]
    public void MutualInformation_MatchesBruteForceSumOverTheJointTable()
    {
        var rng = new Rng(3);
        var a = Enumerable.Range(0, 200).Select(_ => rng.NextInt(3)).ToArray();
        var b = a.Select(v => rng.NextDouble() < 0.6 ? v : rng.NextInt(4)).ToArray(); // dependent on a, with its own noise
        // Brute force: a 3 × 4 table of counts, Σ p(a,b) log p(a,b) − Σ p(a) log p(a) − Σ p(b) log p(b) = H(a) + H(b) − H(a,b) with signs flipped.
        var table = new double[3, 4];
        foreach (var i in Enumerable.Range(0, a.Length)) table[a[i], b[i]] += 1.0 / a.Length;
        double expected = 0;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
            {
                if (table[i, j] == 0) continue;
                double pa = Enumerable.Range(0, 4).Sum(k => table[i, k]), pb = Enumerable.Range(0, 3).Sum(k => table[k, j]);
                expected += table[i, j] * Math.Log(table[i, j] / (pa * pb));
            }
        Assert.True(expected > 0.1, $"the test table should carry information (got {expected})");
        Assert.Equal(expected, MutualInformationGap.MutualInformation(a, b), 10);
        // Also I(a; b) = H(a) + H(b) − H(a, b).
        double jointEntropy = MutualInformationGap.Entropy(a.Zip(b, (x, y) => x * 4 + y).ToArray());
        Assert.Equal(MutualInformationGap.Entropy(a) + MutualInformationGap.Entropy(b) - jointEntropy, MutualInformationGap.MutualInformation(a, b), 10);
    }

    [Fact]
    public void Discretise_UsesEqualWidthBinsOverTheRange_LikeNumpyHistogramEdges()
    {
        // Two dimensions, rows (0, 5), (0.5, 5), (1, 5), (0.25, 5), (0.74, 5): edges 0, 0.25, 0.5, 0.75, 1 for the first;
        // numpy.digitize(x, edges[:-1]) − 1 gives 0, 2, 3, 1, 2. The second is constant: one bin.
        float[] codes = [0f, 5f, 0.5f, 5f, 1f, 5f, 0.25f, 5f, 0.74f, 5f];
        var bins = MutualInformationGap.Discretise(codes, latentSize: 2, count: 5, bins: 4);
        Assert.Equal(new[] { 0, 2, 3, 1, 2 }, bins[0]);
        Assert.Equal(new[] { 0, 0, 0, 0, 0 }, bins[1]);
    }

    /// <summary>Factors of sizes 3, 6, 8 drawn uniformly; a code that copies each into its own dimension, plus two noise dimensions.</summary>
    private static (float[] Codes, int[,] Factors) DisentangledCode(int count = 5000, ulong seed = 1)
    {
        var rng = new Rng(seed);
        int[] sizes = [3, 6, 8];
        var factors = new int[count, 3];
        var codes = new float[count * 5];
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < 3; k++)
            {
                factors[i, k] = rng.NextInt(sizes[k]);
                // Standardised factor value, plus noise far smaller than a bin.
                codes[i * 5 + k] = (float)((factors[i, k] - (sizes[k] - 1) / 2.0) / sizes[k] + 0.001 * rng.NextNormal());
            }
            codes[i * 5 + 3] = (float)rng.NextNormal();
            codes[i * 5 + 4] = (float)rng.NextNormal();
        }
        return (codes, factors);
    }

    [Fact]
    public void Mig_PerfectlyDisentangledCode_IsNearOne()
    {
        var (codes, factors) = DisentangledCode();
        var result = MutualInformationGap.Compute(codes, 5, factors, factorNames: ["a", "b", "c"]);
        Assert.True(result.Mig > 0.97, $"MIG {result.Mig}");
        Assert.Equal(new[] { 0, 1, 2 }, result.BestDimension);
        for (int k = 0; k < 3; k++)
        {
            // The best dimension knows the factor exactly: I = H.
            Assert.Equal(result.FactorEntropy[k], result.MutualInformation[k, k], 10);
            Assert.Equal(("abc"[k].ToString(), 1.0), (result.FactorOf(k).Factor, Math.Round(result.FactorOf(k).Normalised, 10)));
        }
    }

    [Fact]
    public void Mig_RandomRotationOfTheSameCode_IsLow()
    {
        var (codes, factors) = DisentangledCode();
        // Scale the noise dimensions to the factors' spread, then rotate all five by a random orthogonal matrix:
        // every dimension now mixes every factor, so no single dimension stands out.
        for (int i = 0; i < factors.GetLength(0); i++)
            for (int d = 3; d < 5; d++) codes[i * 5 + d] *= 0.3f;
        var rotation = RandomOrthogonal(5, new Rng(11));
        var rotated = new float[codes.Length];
        for (int i = 0; i < factors.GetLength(0); i++)
            for (int r = 0; r < 5; r++)
            {
                double sum = 0;
                for (int c = 0; c < 5; c++) sum += rotation[r, c] * codes[i * 5 + c];
                rotated[i * 5 + r] = (float)sum;
            }
        double original = MutualInformationGap.Compute(codes, 5, factors).Mig;
        double mixed = MutualInformationGap.Compute(rotated, 5, factors).Mig;
        Assert.True(mixed < 0.25, $"MIG of the rotated code {mixed}");
        Assert.True(original - mixed > 0.7, $"rotation should destroy most of the gap: {original} → {mixed}");
    }

    [Fact]
    public void Mig_OneDimensionCapturingTwoFactors_CountsOnlyTheGap()
    {
        // Dimension 0 holds factor a exactly; dimension 1 holds a copy of a as well: the gap for a is 0.
        var rng = new Rng(2);
        var factors = new int[400, 1];
        var codes = new float[800];
        for (int i = 0; i < 400; i++)
        {
            factors[i, 0] = rng.NextInt(4);
            codes[2 * i] = codes[2 * i + 1] = factors[i, 0];
        }
        Assert.Equal(0.0, MutualInformationGap.Compute(codes, 2, factors).Mig, 10);
    }

    [Fact]
    public void Compute_MismatchedShapes_AreRefusedWithTheSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => MutualInformationGap.Compute(new float[9], 2, new int[5, 1]));
        Assert.Contains("5 × 2", error.Message);
        Assert.Throws<ArgumentException>(() => MutualInformationGap.Compute(new float[5], 1, new int[5, 1]));
    }

    /// <summary>Gram–Schmidt on a Gaussian matrix: a random orthogonal matrix.</summary>
    private static double[,] RandomOrthogonal(int n, Rng rng)
    {
        var q = new double[n, n];
        for (int r = 0; r < n; r++)
        {
            var v = Enumerable.Range(0, n).Select(_ => rng.NextNormal()).ToArray();
            for (int p = 0; p < r; p++)
            {
                double dot = Enumerable.Range(0, n).Sum(c => v[c] * q[p, c]);
                for (int c = 0; c < n; c++) v[c] -= dot * q[p, c];
            }
            double norm = Math.Sqrt(v.Sum(x => x * x));
            for (int c = 0; c < n; c++) q[r, c] = v[c] / norm;
        }
        return q;
    }
}
