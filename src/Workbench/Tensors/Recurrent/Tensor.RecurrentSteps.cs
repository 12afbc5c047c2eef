using Workbench.Kernels;

namespace Workbench.Tensors;

// The time loops of the recurrent layers (Tensor.Gru.cs, Tensor.Lstm.cs), forward and backward, share out the batch:
// a sequence's steps depend only on its own earlier steps, so the batch is cut into blocks of sequences and each block
// runs the whole loop on whichever compute thread claims it: one hand-off per loop instead of one per step, the
// elementwise gate kernels on every thread, and blocks that a thread held back by the OS leaves for the others.
// A block also computes its own input projection before its loop and its dx after it (its rows b·T + t are
// contiguous). The per-step product reads W_hh packed once per loop (Gemm.MultiplyPacked). Every row is computed by
// the same code, with the bits of the per-step Gemm.Multiply this replaced, whichever block holds it, so the results
// do not depend on the thread count.
public sealed partial class Tensor
{
    /// <summary>
    /// Sequences per block of the time loop (a block holds 16 to 31). Measured single-threaded on the GRU benchmark's
    /// per-step products (k = 256 or 768 against the packed W_hh): 16 rows ran at 96-100 GFLOP/s, 32 rows at 91-97 and
    /// 64 rows at ~90: a 16-row block's packed A stays in L1 while each W_hh micro-panel streams past it. Several
    /// blocks per thread also let a thread that the OS runs first take over blocks from one that is held back.
    /// </summary>
    private const int SequencesPerBlock = 16;

    /// <summary>
    /// Runs <paramref name="loop"/>(first sequence, sequences) over blocks of about <see cref="SequencesPerBlock"/>
    /// sequences, claimed by the compute threads as they come free, when <paramref name="product"/> is large enough
    /// to be packed; else over the whole batch on this thread.
    /// </summary>
    private static void ForEachSequenceBlock(HiddenProduct product, int batch, Action<int, int> loop)
    {
        int blocks = SequenceBlocks(product, batch);
        if (blocks == 1)
        {
            loop(0, batch);
            return;
        }
        // The blocks make no tensors, so they run on the worker pool directly (ParallelParts would open a TensorScope
        // per block, ~2 KB each on the calling thread).
        var work = SequenceBlockWork.Cached ??= new SequenceBlockWork();
        (work.Loop, work.Batch, work.Blocks) = (loop, batch, blocks);
        try
        {
            WorkerPool.Run(work, blocks, Math.Min(blocks, ComputeThreads.Count));
        }
        finally
        {
            work.Loop = null;
        }
    }

    /// <summary>One time loop's blocks as a <see cref="PartedWork"/>: part i is sequences [B·i/n, B·(i+1)/n).</summary>
    private sealed class SequenceBlockWork : PartedWork
    {
        /// <summary>This thread's reusable job (a backward loop runs after its forward loop, never inside it).</summary>
        [ThreadStatic] public static SequenceBlockWork? Cached;

        public Action<int, int>? Loop;
        public int Batch, Blocks;

        public override void RunPart(int part)
        {
            int first = (int)((long)Batch * part / Blocks), end = (int)((long)Batch * (part + 1) / Blocks);
            Loop!(first, end - first);
        }
    }

    private static int SequenceBlocks(HiddenProduct product, int batch) => product.IsPacked ? Math.Max(1, batch / SequencesPerBlock) : 1;

    /// <summary>
    /// A recurrent layer's input side over rows b·T + t: gᵢ = x·W_ihᵀ + b_ih (B·T, G·H) before the time loop, dx = dgᵢ·W_ih
    /// (B·T, I) after it. With several sequence blocks each block's rows are contiguous, so a block computes its own
    /// rows inside its time loop (on its thread, no hand-off, its gᵢ still warm when the loop starts) — unless the
    /// smallest block's product is below Gemm.SmallProblemVolume: Gemm's unpacked path sums in another order, so
    /// then the whole batch runs as one product before (after) the loop, and every row has the bits it would have
    /// in one product either way.
    /// </summary>
    private sealed class InputSide(Tensor x, Tensor weightIh, Tensor? biasIh, bool perBlock)
    {
        private readonly int _steps = x.Dims[1], _inSize = x.Dims[2], _gates = weightIh.Dims[0];

        public static InputSide For(Tensor x, RecurrentLayerWeights w, HiddenProduct product)
        {
            int batch = x.Dims[0], steps = x.Dims[1], inSize = x.Dims[2], g = w.WeightIh.Dims[0];
            bool perBlock = SequenceBlocks(product, batch) > 1 && (long)SequencesPerBlock * steps * g * inSize >= Gemm.SmallProblemVolume;
            return new InputSide(x, w.WeightIh, w.BiasIh, perBlock);
        }

        /// <summary>Whether each sequence block computes its own rows inside its loop (else the whole batch at once, outside).</summary>
        public bool PerBlock => perBlock;

        /// <summary>gᵢ rows of sequences [first, first + count): (count·T, G·H) = x rows · W_ihᵀ + b_ih, on up to <paramref name="threads"/> threads.</summary>
        public void Project(int first, int count, float[] gates, int threads)
        {
            int rows = count * _steps;
            Gemm.Multiply(Gemm.Kernel.Best, threads, false, true, rows, _gates, _inSize, 1f, x.Storage.AsSpan(first * _steps * _inSize), _inSize,
                weightIh.Storage, _inSize, 0f, gates.AsSpan(first * _steps * _gates), _gates, BiasSpan(biasIh));
        }

        /// <summary>dx rows of sequences [first, first + count): (count·T, I) = dgᵢ rows · W_ih + β·dx rows.</summary>
        public void InputGradient(int first, int count, float[] inputGateGrad, float[] dx, float beta, int threads)
        {
            int rows = count * _steps;
            Gemm.Multiply(Gemm.Kernel.Best, threads, false, false, rows, _inSize, _gates, 1f, inputGateGrad.AsSpan(first * _steps * _gates), _gates,
                weightIh.Storage, _inSize, beta, dx.AsSpan(first * _steps * _inSize), _inSize);
        }
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
