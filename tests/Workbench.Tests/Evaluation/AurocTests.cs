using Workbench.Evaluation;
using Workbench.Tensors;

namespace Workbench.Tests.Evaluation;

/// <summary>AUROC against closed forms and against the Mann–Whitney statistic counted over every positive–negative pair.</summary>
public class AurocTests
{
    /// <summary>P(s₊ &gt; s₋) + ½ P(s₊ = s₋) over all pairs, O(n₊ n₋).</summary>
    private static double PairCount(double[] scores, bool[] positive)
    {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (!positive[i]) continue;
            for (int j = 0; j < scores.Length; j++)
            {
                if (positive[j]) continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }
        return wins / pairs;
    }

    [Theory]
    [InlineData(1UL, 50, 5)]
    [InlineData(2UL, 200, 3)]
    [InlineData(3UL, 333, 40)]
    [InlineData(4UL, 7, 2)]
    public void Compute_RandomScoresWithTies_EqualsBrutePairCount(ulong seed, int n, int levels)
    {
        var rng = new Rng(seed);
        // Few distinct levels: many ties, within and across the groups.
        var scores = Enumerable.Range(0, n).Select(_ => (double)rng.NextInt(levels)).ToArray();
        var positive = Enumerable.Range(0, n).Select(i => i < 2 || (i > 3 && rng.NextDouble() < 0.3)).ToArray();
        positive[2] = positive[3] = false;
        Assert.Equal(PairCount(scores, positive), Auroc.Compute(scores, positive), 12);
    }

    [Fact]
    public void Compute_ContinuousScoresShiftedForPositives_EqualsBrutePairCount()
    {
        var rng = new Rng(9);
        var positive = Enumerable.Range(0, 400).Select(i => i % 5 == 0).ToArray();
        var scores = positive.Select(p => rng.NextNormal() + (p ? 1 : 0)).ToArray();
        double auroc = Auroc.Compute(scores, positive);
        Assert.Equal(PairCount(scores, positive), auroc, 12);
        Assert.InRange(auroc, 0.6, 0.9); // Φ(1/√2) ≈ 0.76 for a unit shift of two unit normals
    }

    [Fact]
    public void Compute_PerfectlySeparated_IsOneAndReversedIsZero()
    {
        double[] scores = [5, 6, 7, 1, 2, 3, 4];
        bool[] positive = [true, true, true, false, false, false, false];
        Assert.Equal(1.0, Auroc.Compute(scores, positive));
        Assert.Equal(0.0, Auroc.Compute(scores.Select(s => -s).ToArray(), positive));
    }

    [Fact]
    public void Compute_AllScoresEqual_IsOneHalf() =>
        Assert.Equal(0.5, Auroc.Compute([2, 2, 2, 2, 2], [true, false, false, true, false]));

    [Fact]
    public void Compute_OnePositiveAmongRanks_IsItsFractionOfNegativesBelow()
    {
        // The positive scores 3 among negatives 1, 2, 3, 4, 5: two below, one tie → (2 + ½) / 5.
        Assert.Equal(2.5 / 5, Auroc.Compute([3, 1, 2, 3, 4, 5], [true, false, false, false, false, false]));
    }

    [Fact]
    public void Compute_ByLabel_TreatsThatLabelAsPositive() =>
        Assert.Equal(1.0, Auroc.Compute([9, 1, 8, 2], [3, 0, 3, 1], positiveLabel: 3));

    [Fact]
    public void Compute_OneGroupEmptyOrNaN_Throws()
    {
        Assert.Contains("at least one positive", Assert.Throws<ArgumentException>(() => Auroc.Compute([1, 2], [false, false])).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Auroc.Compute([1, double.NaN], [true, false])).Message);
        Assert.Throws<ArgumentException>(() => Auroc.Compute([1, 2], [true]));
    }
}
