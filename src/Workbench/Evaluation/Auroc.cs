namespace Workbench.Evaluation;

/// <summary>
/// The area under the ROC curve of a score that should be higher for positives: the probability that a
/// random positive scores above a random negative, ties counting one half. Computed as the Mann–Whitney
/// U statistic from mid-ranks, U / (n₊ n₋), in O(n log n).
/// </summary>
public static class Auroc
{
    /// <summary>
    /// AUROC of <paramref name="scores"/> for telling <paramref name="positive"/> items from the rest:
    /// 1 when every positive scores above every negative, 0 when below, 0.5 for a score that carries no information.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, or one of the two groups is empty.</exception>
    public static double Compute(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length != positive.Length)
            throw new ArgumentException($"AUROC needs one label per score; got {scores.Length} scores and {positive.Length} labels.", nameof(positive));
        int n = scores.Length;
        long positives = 0;
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(scores[i])) throw new ArgumentException($"Score {i} is NaN; AUROC needs ordered scores.", nameof(scores));
            if (positive[i]) positives++;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"AUROC needs at least one positive and one negative item; got {positives} positive and {negatives} negative.", nameof(positive));

        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        // Sum of the positives' ranks (1-based), each tie group sharing its mid-rank.
        double positiveRankSum = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && keys[end + 1] == keys[start]) end++;
            double midRank = (start + end) / 2.0 + 1;
            for (int j = start; j <= end; j++)
                if (positive[order[j]]) positiveRankSum += midRank;
            start = end + 1;
        }
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double)positives * negatives);
    }

    /// <summary>AUROC of <paramref name="scores"/> for telling items whose label is <paramref name="positiveLabel"/> from the rest.</summary>
    public static double Compute(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, int positiveLabel)
    {
        var positive = new bool[labels.Length];
        for (int i = 0; i < labels.Length; i++) positive[i] = labels[i] == positiveLabel;
        return Compute(scores, positive);
    }
}
