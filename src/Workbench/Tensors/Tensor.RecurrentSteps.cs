using Workbench.Kernels;

namespace Workbench.Tensors;

// The time loops of the recurrent layers (Tensor.Gru.cs, Tensor.Lstm.cs), forward and backward, share out the batch:
// a sequence's steps depend only on its own earlier steps, so each thread runs the whole loop for its own block of
// sequences, with no hand-off between steps (a per-step split measured no faster on 2 cores: the elementwise gate
// kernels stayed on one thread and every step waited for the slower thread). Every row is computed by the same code
// whichever block holds it, so the results do not depend on the thread count. The per-step product with W_hh reads
// W_hh packed once per loop (Gemm.MultiplyPacked), which gives the bits of the per-step Gemm.Multiply it replaces.
public sealed partial class Tensor
{
    /// <summary>Fewest sequences a thread takes: fewer would spend its time streaming the packed W_hh rather than multiplying.</summary>
    private const int MinSequencesPerPart = 16;

    /// <summary>
    /// Runs <paramref name="loop"/>(first sequence, sequences) over blocks of the batch, one block per thread when the
    /// product <paramref name="product"/> is large enough to be worth the threads, else the whole batch on this thread.
    /// </summary>
    private static void ForEachSequenceBlock(HiddenProduct product, int batch, Action<int, int> loop)
    {
        int parts = product.IsPacked ? Math.Clamp(batch / MinSequencesPerPart, 1, ComputeThreads.Count) : 1;
        if (parts == 1)
        {
            loop(0, batch);
            return;
        }
        ParallelParts.Run(parts, part =>
        {
            int first = (int)((long)batch * part / parts), end = (int)((long)batch * (part + 1) / parts);
            loop(first, end - first);
        });
    }

    /// <summary>
    /// One recurrent layer's per-step product with W_hh (G·H, H) for a batch of <c>batch</c> sequences: forward
    /// C (rows, G·H) = h·W_hhᵀ + b_hh, backward C (rows, H) += dâ·W_hh. W_hh is packed once for the whole time loop,
    /// except when the whole batch's product is small enough for Gemm's unpacked path, which then runs as before.
    /// </summary>
    private sealed class HiddenProduct : IDisposable
    {
        private readonly Gemm.PackedMatrix? _packed;
        private readonly float[] _weight;
        private readonly bool _transposed;
        private readonly int _depth, _columns;

        private HiddenProduct(Tensor weightHh, int batch, bool transposed)
        {
            int g = weightHh.Dims[0], h = weightHh.Dims[1];
            (_weight, _transposed) = (weightHh.Storage, transposed);
            (_depth, _columns) = transposed ? (h, g) : (g, h);
            if ((long)batch * g * h < Gemm.SmallProblemVolume) return;
            _packed = Gemm.PackedMatrix.Rent();
            _packed.Pack(transposed, _depth, _columns, _weight, h);
        }

        /// <summary>For the forward loop: C = h_{t−1}·W_hhᵀ + b_hh, (rows, G·H).</summary>
        public static HiddenProduct Forward(Tensor weightHh, int batch) => new(weightHh, batch, transposed: true);

        /// <summary>For the backward loop: dh_{t−1} += dâ_t·W_hh, (rows, H).</summary>
        public static HiddenProduct Backward(Tensor weightHh, int batch) => new(weightHh, batch, transposed: false);

        /// <summary>Whether W_hh is packed (the batch's product is large); only then may blocks of rows run on several threads.</summary>
        public bool IsPacked => _packed is not null;

        /// <summary>C (rows × columns, stride ldc) = A·op(W_hh) + β·C (+ bias when given, with β = 0); A (rows × depth, stride lda).</summary>
        public void Multiply(int rows, ReadOnlySpan<float> a, int lda, float beta, Span<float> c, int ldc, ReadOnlySpan<float> bias = default)
        {
            if (_packed is not null) Gemm.MultiplyPacked(rows, a, lda, _packed, beta, c, ldc, bias);
            else if (bias.IsEmpty) Gemm.Multiply(false, _transposed, rows, _columns, _depth, 1f, a, lda, _weight, _transposed ? _depth : _columns, beta, c, ldc);
            else Gemm.MultiplyBiasRelu(false, _transposed, rows, _columns, _depth, 1f, a, lda, _weight, _transposed ? _depth : _columns, bias, false, c, ldc);
        }

        public void Dispose()
        {
            if (_packed is not null) Gemm.PackedMatrix.Return(_packed);
        }
    }
}
