namespace Workbench.Models.VectorQuantized;

/// <summary>
/// How many times each code was chosen: the codebook's usage (codes chosen at least once) and perplexity
/// exp(−Σ_k p_k log p_k) of the frequencies p_k (K when every code is equally used, 1 when one code takes all;
/// dead codes are the VQ-VAE's known failure).
/// </summary>
public sealed class CodeUsage(int codes)
{
    private readonly long[] _counts = new long[codes];

    /// <summary>Counts every index of <paramref name="indices"/>.</summary>
    public void Add(ReadOnlySpan<int> indices)
    {
        foreach (int c in indices) _counts[c]++;
    }

    /// <summary>Codes chosen at least once.</summary>
    public int CodesUsed => _counts.Count(c => c > 0);

    /// <summary>exp of the entropy of the code frequencies; 0 before any count.</summary>
    public double Perplexity
    {
        get
        {
            double total = _counts.Sum();
            if (total == 0) return 0;
            double entropy = 0;
            foreach (long c in _counts)
                if (c > 0) entropy -= c / total * Math.Log(c / total);
            return Math.Exp(entropy);
        }
    }

    /// <summary>Forgets every count.</summary>
    public void Clear() => Array.Clear(_counts);
}
