using Workbench.Models.Posteriors;
using Workbench.Tensors;

namespace Workbench.Models.VectorQuantized;

/// <summary>
/// q(z|x) of a VQ-VAE (van den Oord et al. 2017): a point mass on the nearest code at every position of the
/// encoder's grid, q(c|x) = 1 for c = argmin_k ‖z_e − e_k‖. As a distribution over the discrete codes its
/// log-probability at its own codes is 0, which is what <see cref="LogDensity"/> returns: the KL to a prior over
/// codes is then −log p(c), log K per position for the uniform prior (the paper's convention).
/// </summary>
/// <remarks>
/// Latents are laid out position-major: z[b, p·D + d] is dimension d of the code at grid position p (raster order).
/// <see cref="Sample"/> ignores the noise and returns z_q with the straight-through gradient to z_e.
/// </remarks>
public sealed class QuantizedPosterior : Posterior
{
    /// <param name="encoderOutput">z_e, (B, P·D).</param>
    /// <param name="quantized">z_q = e_c with the straight-through gradient to z_e (values of the codes), (B, P·D).</param>
    /// <param name="codes">c, the code of every position, (B·P), row-major.</param>
    /// <param name="positions">P, the grid positions per image.</param>
    public QuantizedPosterior(Tensor encoderOutput, Tensor quantized, int[] codes, int positions)
    {
        EncoderOutput = encoderOutput;
        Quantized = quantized;
        Codes = codes;
        Positions = positions;
    }

    /// <summary>z_e, the encoder's continuous output. (B, P·D)</summary>
    public Tensor EncoderOutput { get; }

    /// <summary>z_q: the codes' vectors, gradient passed straight through to z_e. (B, P·D)</summary>
    public Tensor Quantized { get; }

    /// <summary>The code index at every position, image-major. (B·P)</summary>
    public int[] Codes { get; }

    /// <summary>P, grid positions per image.</summary>
    public int Positions { get; }

    public override int Count => Quantized.Dim(0);
    public override int LatentSize => Quantized.Dim(1);

    /// <summary>z_q: a point mass has its mean at its one value.</summary>
    public override Tensor Mean => Quantized;

    /// <summary>Zero: a point mass.</summary>
    public override Tensor StandardDeviation => Tensor.Zeros(Count, LatentSize);

    /// <summary>z_q whatever the noise: the posterior is deterministic.</summary>
    public override Tensor Sample(Tensor noise) => Quantized;

    /// <summary>
    /// log q(c|x) = 0 at the posterior's own codes, (B). Any other z has probability 0 under a point mass, which no
    /// finite log-density states: asking for it throws.
    /// </summary>
    public override Tensor LogDensity(Tensor z)
    {
        using (GradMode.NoGrad())
            if (z.Rank != 2 || z.Dim(0) != Count || z.Dim(1) != LatentSize || (z - Quantized).Abs().Sum().Item() != 0f)
                throw new NotSupportedException("A VQ-VAE's posterior is a point mass on its codes: its log-probability is 0 there and −∞ elsewhere; " +
                                                "it was asked for at latents that are not its own codes.");
        return Tensor.Zeros(Count);
    }

    public override Posterior GatherRows(ReadOnlySpan<int> rows)
    {
        var codes = new int[rows.Length * Positions];
        for (int r = 0; r < rows.Length; r++) Codes.AsSpan(rows[r] * Positions, Positions).CopyTo(codes.AsSpan(r * Positions, Positions));
        return new QuantizedPosterior(EncoderOutput.GatherRows(rows), Quantized.GatherRows(rows), codes, Positions);
    }
}
