using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

// The five loops around the micro-kernel (Goto's algorithm as laid out in BLIS):
//
//   for jc in N step NC          B block  (KC × NC) packed once per (jc, pc), kept in L3/L2
//     for pc in K step KC        rank-KC update of C; the first one applies β, later ones add
//       pack op(B)[pc.., jc..]
//       for ic in M step MC      A block  (MC × KC) packed once per (ic, pc), kept in L2
//         pack op(A)[ic.., pc..]
//         for jr in NC step NR   one KC × NR micro-panel of B, kept in L1
//           for ir in MC step MR one MR × KC micro-panel of A streams past it
//             micro-kernel: C[ir.., jr..] (MR × NR, in registers) += Apanel · Bpanel
//
// Sizes for a Zen 3 / Haswell-class core (32 KB L1d, 512 KB L2 per core): a 384 × 16 B micro-panel is
// 24 KB of L1, leaving room for the streaming A micro-panel; a 144 × 384 A block is 216 KB, under half of
// L2. MC = 144 covers a 128-row batch in one block, so the VAE shapes pack each A element once per
// rank-KC update. KC was tuned on the 2-core Zen 3 box (single-thread, thread CPU time): 384 and 400 beat
// 256 by 2-5 % on the 128-row shapes and 1024³; 512 was no better. Block sizes are evened out so no block
// is a thin remainder (k = 784 becomes 3 × 264, not 2 × 384 + 16).
internal static unsafe partial class Gemm
{
    /// <summary>Rows of the register-blocked micro-tile of C.</summary>
    internal const int MR = 6;
    /// <summary>Columns of the micro-tile: two 8-float ymm vectors.</summary>
    internal const int NR = 16;
    /// <summary>Largest depth of one rank-KC update (a multiple of 8 for the packing transposes).</summary>
    internal const int KC = 384;
    /// <summary>Largest row count of a packed A block (a multiple of MR).</summary>
    internal const int MC = 144;
    /// <summary>Largest column count of a packed B block (a multiple of NR).</summary>
    internal const int NC = 4080;

    /// <summary>
    /// One multiply's operands as raw pointers (pinned by the caller for the whole call). C element (i, j) is
    /// at C + i·CRowStride + j·CColStride: (ldc, 1) normally, (1, ldc) when the product is computed as
    /// Cᵀ = op(B)ᵀ·op(A)ᵀ (see <see cref="Transposed"/>).
    /// </summary>
    /// <remarks>
    /// The optional epilogue: <see cref="Bias"/> (null for none) is added to every row of C, or to every
    /// column when <see cref="BiasPerRow"/> (a transposed product), and <see cref="Relu"/> clamps C at 0.
    /// </remarks>
    private readonly struct Problem(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, nint cRowStride, nint cColStride, bool useFma,
        float* bias = null, bool biasPerRow = false, bool relu = false)
    {
        public readonly bool TransA = transA, TransB = transB, UseFma = useFma, BiasPerRow = biasPerRow, Relu = relu;
        public readonly float* Bias = bias;
        public readonly int M = m, N = n, K = k, Lda = lda, Ldb = ldb;
        public readonly nint CRowStride = cRowStride, CColStride = cColStride;
        public readonly float Alpha = alpha, Beta = beta;
        public readonly float* A = a, B = b, C = c;

        /// <summary>
        /// The same product as Cᵀ (n × m) = op(B)ᵀ·op(A)ᵀ: B takes A's place (op(B)ᵀ is B with the opposite
        /// transpose flag) and C is addressed with its strides swapped.
        /// </summary>
        public Problem Transposed() =>
            new(!TransB, !TransA, N, M, K, Alpha, B, Ldb, A, Lda, Beta, C, CColStride, CRowStride, UseFma, Bias, !BiasPerRow, Relu);
    }

    /// <summary>
    /// Whether computing Cᵀ wastes fewer lanes: a result only a few columns wide (n = 20) would run mostly
    /// the narrow 8-column kernel, which is load-bound, while Cᵀ has full 16-column tiles. Micro-tiles of
    /// the transposed product are merged into C through a scratch tile, so it must win clearly.
    /// </summary>
    private static bool PrefersTransposed(int m, int n) => 6 * PaddedWork(n, m) < 5 * PaddedWork(m, n);

    /// <summary>Micro-kernel work for an m × n result in tile units; a ≤ 8-wide edge tile counts 0.8 of a full one.</summary>
    private static long PaddedWork(int m, int n)
    {
        long rowTiles = (m + MR - 1) / MR;
        int rem = n % NR;
        long colWork = 10L * (n / NR) + (rem == 0 ? 0 : rem <= 8 ? 8 : 10);
        return rowTiles * colWork;
    }

    /// <summary>
    /// Block size near <paramref name="max"/> that splits <paramref name="extent"/> into equal blocks,
    /// rounded up to a multiple of <paramref name="unit"/>.
    /// </summary>
    private static int EvenBlock(int extent, int max, int unit)
    {
        int blocks = (extent + max - 1) / max;
        int size = (extent + blocks - 1) / blocks;
        return Math.Min(max, (size + unit - 1) / unit * unit);
    }

    /// <summary>
    /// Computes C[m0..m1, n0..n1] of the problem on the calling thread (all of k): the micro-tiles of that block
    /// <paramref name="tiles"/> holds (<see cref="Tiles.All"/> for every one).
    /// </summary>
    /// <remarks>
    /// A part of a one-dimensional split (<paramref name="product"/> ≠ 0, <paramref name="tiles"/> a share) keeps
    /// the packed blocks of the operand every part of that split packs alike (A for strips of columns, B for strips
    /// of rows) in <see cref="SharedBlocks"/>, so a thread that runs several parts of one product packs them once.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart(in Problem p, int m0, int m1, int n0, int n1, in Tiles tiles, long product = 0)
    {
        int mc = EvenBlock(m1 - m0, MC, MR);
        int nc = EvenBlock(n1 - n0, NC, NR);
        int kc = EvenBlock(p.K, KC, 8);
        int kBlocks = (p.K + kc - 1) / kc;
        long aSlot = (long)(mc + MR - 1) / MR * MR * kc, bSlot = (long)(nc + NR - 1) / NR * NR * kc;
        bool split = product != 0 && !tiles.IsAll;
        var keptA = split && tiles.PanelMajor ? SharedBlocks.For(product, (m1 - m0 + mc - 1) / mc * kBlocks, aSlot) : null;
        var keptB = split && !tiles.PanelMajor ? SharedBlocks.For(product, (n1 - n0 + nc - 1) / nc * kBlocks, bSlot) : null;
        float* packedA = keptA is null ? PackBuffer.A.Get(aSlot) : null;
        float* packedB = keptB is null ? PackBuffer.B.Get(bSlot) : null;

        for (int jc = n0; jc < n1; jc += nc)
        {
            int ncHere = Math.Min(nc, n1 - jc);
            for (int pc = 0; pc < p.K; pc += kc)
            {
                int kcHere = Math.Min(kc, p.K - pc);
                bool bPacked = false;
                float* bBlock = keptB is null ? packedB : keptB.Block(((jc - n0) / nc * kBlocks) + pc / kc, out bPacked);
                if (!bPacked) PackB(p, pc, kcHere, jc, ncHere, bBlock);
                float beta = pc == 0 ? p.Beta : 1f; // later rank-KC updates accumulate onto the first
                bool first = pc == 0, last = pc + kcHere >= p.K; // where the bias goes in and the ReLU is applied
                for (int ic = m0; ic < m1; ic += mc)
                {
                    int mcHere = Math.Min(mc, m1 - ic);
                    bool aPacked = false;
                    float* aBlock = keptA is null ? packedA : keptA.Block(((ic - m0) / mc * kBlocks) + pc / kc, out aPacked);
                    if (!aPacked) PackA(p, ic, mcHere, pc, kcHere, aBlock);
                    MacroKernel(p, mcHere, ncHere, kcHere, aBlock, bBlock, ic, jc, beta, first, last, tiles);
                }
            }
        }
    }

    /// <summary>
    /// This thread's packed blocks of the one operand all parts of a one-dimensional split share, kept for one
    /// product (a multi-part job): each block is packed by the first part that needs it, later parts on this thread
    /// read it. Used only when the blocks number at most 64 and fit in <see cref="MaxFloats"/>.
    /// </summary>
    private sealed class SharedBlocks
    {
        /// <summary>Largest total the kept blocks may take (4 MiB): the MLP's 128 × 784 A is 0.1 Mi floats.</summary>
        private const long MaxFloats = 1 << 20;

        [ThreadStatic] private static SharedBlocks? thread;

        private readonly PackBuffer _buffer = new();
        private long _product;
        private ulong _packed; // bit i: block i holds its panels
        private long _slot;
        private float* _start;

        /// <summary>This thread's store set up for <paramref name="product"/>, or null when its blocks are too many or too large to keep.</summary>
        public static SharedBlocks? For(long product, int blocks, long slot)
        {
            if (blocks > 64 || blocks * slot > MaxFloats) return null;
            var kept = thread ??= new SharedBlocks();
            if (kept._product != product || kept._slot != slot)
            {
                (kept._product, kept._packed, kept._slot) = (product, 0, slot);
                kept._start = kept._buffer.Get(blocks * slot);
            }
            return kept;
        }

        /// <summary>Block <paramref name="index"/>'s place; <paramref name="packed"/> says whether it already holds the panels (the caller packs them if not).</summary>
        public float* Block(int index, out bool packed)
        {
            packed = (_packed >> index & 1) != 0;
            _packed |= 1UL << index;
            return _start + index * _slot;
        }
    }

    /// <summary>
    /// C block (mc × nc) at (<paramref name="ic"/>, <paramref name="jc"/>) = α·Apacked·Bpacked + β·C block, one
    /// MR × NR micro-tile at a time. Tiles of a transposed product (C columns contiguous) go through a
    /// scratch tile. On the <paramref name="first"/> rank-KC update a tile starts from the bias, on the
    /// <paramref name="last"/> it ends with the ReLU (<see cref="Problem"/>'s epilogue). Tiles outside
    /// <paramref name="tiles"/> are left to the parts that hold them (<paramref name="ic"/> and <paramref name="jc"/>
    /// are multiples of MR and NR there, so tile indices are C's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel(in Problem p, int mc, int nc, int kc, float* packedA, float* packedB, int ic, int jc,
        float beta, bool first, bool last, in Tiles tiles)
    {
        bool everyTile = tiles.IsAll;
        nint rs = p.CRowStride, cs = p.CColStride;
        float* c = p.C + ic * rs + jc * cs;
        float alpha = p.Alpha;
        bool fma = p.UseFma, bias = first && p.Bias is not null, relu = last && p.Relu;
        float* scratch = stackalloc float[MR * NR];
        for (int jr = 0; jr < nc; jr += NR)
        {
            int cols = Math.Min(NR, nc - jr);
            float* bPanel = packedB + (nint)jr * kc;
            for (int ir = 0; ir < mc; ir += MR)
            {
                if (!everyTile && !tiles.Holds((ic + ir) / MR, (jc + jr) / NR)) continue;
                int rows = Math.Min(MR, mc - ir);
                float* aPanel = packedA + (nint)ir * kc;
                float* cTile = c + ir * rs + jr * cs;
                // The tile starts from the bias (β = 1 on it) and is clamped as soon as it is stored, while in L1.
                // (Adding them in the micro-kernel's registers instead measured 2× slower: the kernel's
                // accumulators no longer stayed in registers.)
                if (bias) FillBias(p, cTile, ic + ir, jc + jr, rows, cols);
                float tileBeta = bias ? 1f : beta;
                if (cs != 1)
                {
                    if (fma) MicroKernelFma(rows, cols, kc, aPanel, bPanel, scratch, NR, 1f, 0f);
                    else MicroKernelPortable(rows, cols, kc, aPanel, bPanel, scratch, NR, 1f, 0f);
                    MergeStrided(scratch, cTile, rs, cs, rows, cols, alpha, tileBeta);
                }
                else if (fma) MicroKernelFma(rows, cols, kc, aPanel, bPanel, cTile, rs, alpha, tileBeta);
                else MicroKernelPortable(rows, cols, kc, aPanel, bPanel, cTile, rs, alpha, tileBeta);
                if (relu) ClampAtZero(cTile, rs, cs, rows, cols);
            }
        }
    }

    /// <summary>Sets the C tile whose top-left is element (<paramref name="i0"/>, <paramref name="j0"/>) of the product to the bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillBias(in Problem p, float* tile, int i0, int j0, int rows, int cols)
    {
        nint rs = p.CRowStride, cs = p.CColStride;
        if (cs == 1 && cols == NR)
        {
            // A full-width row-major tile: two vector stores per row.
            bool perRow = p.BiasPerRow;
            var b0 = perRow ? default : Vector256.Load(p.Bias + j0);
            var b1 = perRow ? default : Vector256.Load(p.Bias + j0 + 8);
            for (int i = 0; i < rows; i++)
            {
                if (perRow) b0 = b1 = Vector256.Create(p.Bias[i0 + i]);
                b0.Store(tile + i * rs);
                b1.Store(tile + i * rs + 8);
            }
            return;
        }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                tile[i * rs + j * cs] = p.BiasPerRow ? p.Bias[i0 + i] : p.Bias[j0 + j];
    }

    /// <summary>
    /// C tile = max(C tile, 0) with the values of <c>TensorPrimitives.Max(C, 0)</c>: x ≤ 0 (−0 included)
    /// becomes +0, NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ClampAtZero(float* tile, nint rs, nint cs, int rows, int cols)
    {
        if (cs == 1 && cols == NR)
        {
            for (int i = 0; i < rows; i++)
            {
                float* row = tile + i * rs;
                var x0 = Vector256.Load(row);
                var x1 = Vector256.Load(row + 8);
                ActivationKernels.ClampAtZero(x0).Store(row);
                ActivationKernels.ClampAtZero(x1).Store(row + 8);
            }
            return;
        }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                float* x = tile + i * rs + j * cs;
                if (*x <= 0f) *x = 0f;
            }
    }

    /// <summary>C tile (rows × cols, strides rs, cs) = α·scratch + β·C tile, not reading C when β = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeStrided(float* scratch, float* c, nint rs, nint cs, int rows, int cols, float alpha, float beta)
    {
        // Walk C in memory order (its rows are the tile's columns here).
        for (int j = 0; j < cols; j++)
        {
            float* dst = c + j * cs;
            for (int i = 0; i < rows; i++)
            {
                float value = alpha * scratch[i * NR + j];
                dst[i * rs] = beta == 0 ? value : value + beta * dst[i * rs];
            }
        }
    }

    /// <summary>
    /// A per-thread, grow-only packing buffer on the pinned object heap, 64-byte aligned. After the first
    /// calls of a given size there is no allocation per multiply.
    /// </summary>
    private sealed class PackBuffer
    {
        [ThreadStatic] private static PackBuffer? threadA, threadB;

        public static PackBuffer A => threadA ??= new PackBuffer();
        public static PackBuffer B => threadB ??= new PackBuffer();

        private float[]? storage; // kept referenced so the pinned array stays alive
        private float* aligned;
        private long capacity;

        /// <summary>At least <paramref name="floats"/> floats (plus slack for whole-vector stores past the end).</summary>
        public float* Get(long floats)
        {
            if (floats > capacity)
            {
                long grown = Math.Max(floats, capacity + capacity / 2);
                storage = GC.AllocateUninitializedArray<float>(checked((int)(grown + 32)), pinned: true);
                float* start = (float*)Unsafe.AsPointer(ref storage[0]);
                aligned = (float*)(((nint)start + 63) & ~(nint)63);
                capacity = grown;
            }
            return aligned;
        }
    }
}
