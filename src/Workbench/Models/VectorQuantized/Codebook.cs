using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.VectorQuantized;

/// <summary>
/// The VQ-VAE's codebook (van den Oord et al. 2017): K code vectors e_1 … e_K of size D, the nearest-code
/// quantiser, and, optionally, the exponential-moving-average update of the paper's appendix A.1 in the form of
/// Sonnet's <c>VectorQuantizerEMA</c> (zero-debiased averages, Laplace-smoothed counts).
/// </summary>
/// <remarks>
/// <para>With <see cref="Ema"/> off the codes are a parameter "embedding" (K, D) trained by the codebook loss
/// ‖sg[z_e] − e‖². With it on they are a buffer, moved by <see cref="UpdateEma"/> after each training step's
/// quantisation, and the loss has no codebook term. Its state is saved under "ema_cluster_size" (K),
/// "ema_dw" (K, D) and "ema_steps" (1): Sonnet's hidden (not yet debiased) averages and their step counter.</para>
/// <para>Initial codes are drawn from U(−1/K, 1/K), as in the common PyTorch implementations.</para>
/// </remarks>
public sealed class Codebook : Module
{
    /// <param name="codes">K.</param>
    /// <param name="codeSize">D.</param>
    /// <param name="ema">Update the codes by exponential moving averages instead of by gradient.</param>
    /// <param name="decay">γ of the moving averages.</param>
    /// <param name="epsilon">ε of the Laplace smoothing of the counts.</param>
    /// <param name="restartDeadCodes">With <paramref name="ema"/>: after each update, move every code whose average
    /// count per batch fell below <see cref="DeadCodeThreshold"/> onto a random encoder output of the batch.</param>
    public Codebook(int codes, int codeSize, Rng rng, bool ema = true, float decay = 0.99f, float epsilon = 1e-5f, bool restartDeadCodes = false)
    {
        if (codes < 2) throw new ArgumentOutOfRangeException(nameof(codes), codes, "A codebook needs at least two codes.");
        if (codeSize < 1) throw new ArgumentOutOfRangeException(nameof(codeSize), codeSize, "Codes need at least one dimension.");
        if (!(decay is > 0f and < 1f)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "The EMA decay must be in (0, 1).");
        if (restartDeadCodes && !ema) throw new ArgumentException("Dead-code restarts read the EMA counts; they need ema = true.", nameof(restartDeadCodes));
        Codes = codes;
        CodeSize = codeSize;
        Ema = ema;
        Decay = decay;
        Epsilon = epsilon;
        RestartDeadCodes = restartDeadCodes;
        var initial = Tensor.Uniform(rng, -1f / codes, 1f / codes, codes, codeSize); // (K, D)
        Embedding = ema ? RegisterBuffer("embedding", initial) : RegisterParameter("embedding", initial);
        if (!ema) return;
        ClusterSizeHidden = RegisterBuffer("ema_cluster_size", Tensor.Zeros(codes));
        SumHidden = RegisterBuffer("ema_dw", Tensor.Zeros(codes, codeSize));
        EmaSteps = RegisterBuffer("ema_steps", Tensor.Zeros(1));
    }

    /// <summary>K.</summary>
    public int Codes { get; }

    /// <summary>D.</summary>
    public int CodeSize { get; }

    /// <summary>Whether the codes move by moving averages (true) or by the codebook loss's gradient.</summary>
    public bool Ema { get; }

    public float Decay { get; }
    public float Epsilon { get; }
    public bool RestartDeadCodes { get; }

    /// <summary>A code is restarted when its debiased average count per batch falls below this.</summary>
    public const float DeadCodeThreshold = 0.03f;

    /// <summary>The codes, one per row. (K, D)</summary>
    public Tensor Embedding { get; }

    private Tensor? ClusterSizeHidden { get; }
    private Tensor? SumHidden { get; }
    private Tensor? EmaSteps { get; }

    /// <summary>
    /// The index of the nearest code (Euclidean) of each row of <paramref name="vectors"/> (N, D), by
    /// ‖z‖² − 2 z·e + ‖e‖²; ties go to the lower index. Not differentiable (integers).
    /// </summary>
    public int[] Nearest(Tensor vectors)
    {
        if (vectors.Rank != 2 || vectors.Dim(1) != CodeSize)
            throw new ArgumentException($"Vectors to quantise must have shape (N, {CodeSize}); got {Tensor.ShapeText(vectors.Dims)}.");
        using var _ = GradMode.NoGrad();
        var distances = vectors.MatMul(Embedding, transposeOther: true) * -2f  // (N, K)
                        + Embedding.Square().Sum(1).Reshape(1, Codes);      // ‖z‖² is the same for every code of a row: left out
        return distances.ArgMin(1);
    }

    /// <summary>The codes of <paramref name="indices"/>, one row each: (N) → (N, D); differentiable in the codes when they are a parameter.</summary>
    public Tensor Lookup(int[] indices) => Embedding.GatherRows(indices);

    /// <summary>
    /// One EMA step (Sonnet's <c>VectorQuantizerEMA</c>): with n_i the number of rows assigned to code i and
    /// s_i the sum of those rows, N_i ← EMA(n_i), m_i ← EMA(s_i), both debiased by 1 − γ^t; then
    /// Ñ_i = (N_i + ε) / (Σ N + K ε) · Σ N and e_i = m_i / Ñ_i. Then, with <see cref="RestartDeadCodes"/>, codes with
    /// N_i below <see cref="DeadCodeThreshold"/> move onto random rows of <paramref name="vectors"/> drawn from <paramref name="rng"/>.
    /// </summary>
    /// <param name="vectors">The encoder outputs z_e that were quantised, (N, D); read without gradient.</param>
    /// <param name="indices">Their codes, (N).</param>
    public void UpdateEma(Tensor vectors, int[] indices, Rng? rng = null)
    {
        if (!Ema) throw new InvalidOperationException("This codebook is trained by gradient (ema = false); it has no moving averages to update.");
        using var _ = GradMode.NoGrad();
        var oneHot = Tensor.OneHot(indices, Codes);                                    // (N, K)
        var counts = oneHot.Sum(0);                                                    // (K)
        var sums = oneHot.MatMul(vectors.Detach(), transposeThis: true);               // (K, D)
        float steps = EmaSteps!.Span[0] + 1;
        EmaSteps.Span[0] = steps;
        float keep = 1f - Decay;
        var clusterHidden = ClusterSizeHidden! - (ClusterSizeHidden! - counts) * keep;
        var sumHidden = SumHidden! - (SumHidden! - sums) * keep;
        clusterHidden.Span.CopyTo(ClusterSizeHidden!.Span);
        sumHidden.Span.CopyTo(SumHidden!.Span);
        float debias = 1f - MathF.Pow(Decay, steps);
        var clusterSize = clusterHidden * (1f / debias);                               // N_i, (K)
        float total = clusterSize.Sum().Item();
        var smoothed = (clusterSize + Epsilon) * (total / (total + Codes * Epsilon));   // Ñ_i, (K)
        var codes = sumHidden * (1f / debias) / smoothed.Reshape(Codes, 1);             // (K, D)
        codes.Span.CopyTo(Embedding.Span);
        if (RestartDeadCodes) Restart(clusterSize.Span, vectors, rng ?? throw new ArgumentNullException(nameof(rng), "Dead-code restarts draw rows at random; pass an Rng."), debias);
    }

    /// <summary>Moves each dead code onto a random row of <paramref name="vectors"/>, with an average count of 1 and that row as its mean.</summary>
    private void Restart(ReadOnlySpan<float> clusterSize, Tensor vectors, Rng rng, float debias)
    {
        var rows = vectors.Detach().ToArray();
        int n = vectors.Dim(0);
        for (int i = 0; i < Codes; i++)
        {
            if (clusterSize[i] >= DeadCodeThreshold) continue;
            int row = rng.NextInt(n);
            var code = rows.AsSpan(row * CodeSize, CodeSize);
            code.CopyTo(Embedding.Span.Slice(i * CodeSize, CodeSize));
            ClusterSizeHidden!.Span[i] = debias;                                       // debiased: a count of 1
            for (int d = 0; d < CodeSize; d++) SumHidden!.Span[i * CodeSize + d] = code[d] * debias;
        }
    }

    protected override string ExtraRepr() =>
        $"codes={Codes}, code_size={CodeSize}" + (Ema ? $", ema(decay={Decay}, epsilon={Epsilon})" : ", gradient") + (RestartDeadCodes ? ", restart_dead_codes" : "");
}
