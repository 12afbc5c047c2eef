using System.Runtime.CompilerServices;

namespace Workbench.Kernels;

// A B operand packed once and multiplied many times: a recurrent layer multiplies the same W_hh with a new
// hidden state at every time step, and packing W_hh (3H × H, transposed) cost about a tenth of each step's
// product and pulled all of it through the caches again. The packed panels are exactly those RunPart packs for
// the same B, and MultiplyPacked runs RunPart's loops on them, so the product has the bits of Multiply on the
// blocked path (for any split of C's rows among threads: a row's sums do not depend on which tile holds it).
internal static unsafe partial class Gemm
{
    /// <summary>
    /// C (m × n) = A·op(B) + β·C, plus bias[j] on column j when a bias is given (β must then be 0), with op(B) packed
    /// beforehand, on the calling thread. The bits are those of <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    /// with α = 1 (or <see cref="MultiplyBiasRelu"/> without the ReLU) on the same operands whenever that takes its
    /// blocked path, i.e. unless m·n·k is below <see cref="SmallProblemVolume"/> (for β ∉ {0, 1}: and it does not
    /// compute Cᵀ); this path is always the blocked one.
    /// </summary>
    /// <param name="a">A stored (m × k) with row stride <paramref name="lda"/>.</param>
    /// <param name="b">op(B) (k × n) packed by <see cref="PackedMatrix.Pack"/>.</param>
    public static void MultiplyPacked(int m, ReadOnlySpan<float> a, int lda, PackedMatrix b, float beta, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default)
    {
        ArgumentNullException.ThrowIfNull(b);
        int n = b.Columns, k = b.Depth;
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, "Gemm: m must be non-negative.");
        RequireMatrix("C", c.Length, m, n, ldc);
        if (!bias.IsEmpty && (bias.Length != n || beta != 0f))
            throw new ArgumentException($"Gemm: a bias needs one value per column of C ({n}, got {bias.Length}) and β = 0 (got {beta}).");
        if (m == 0 || n == 0) return;
        Log?.Add(false, b.FromTransposed, m, n, k, 1);
        if (k == 0)
        {
            if (!bias.IsEmpty)
                for (int i = 0; i < m; i++) bias.CopyTo(c.Slice(i * ldc, n));
            ScaleC(c, m, n, ldc, bias.IsEmpty ? beta : 1f);
            return;
        }
        RequireMatrix("A", a.Length, m, k, lda);
        fixed (float* pa = a, pc = c, pbias = bias)
        {
            var problem = new Problem(false, false, m, n, k, 1f, pa, lda, null, 0, beta, pc, ldc, 1, b.UsesFma,
                bias.IsEmpty ? null : pbias);
            RunPrepacked(problem, b);
        }
    }

    /// <summary><see cref="RunPart"/> over all of C with B's blocks taken from <paramref name="b"/> instead of packed here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPrepacked(in Problem p, PackedMatrix b)
    {
        int mc = EvenBlock(p.M, MC, MR), nc = b.BlockColumns, kc = b.BlockDepth;
        float* packedA = PackBuffer.A.Get((long)mc * kc);
        float* block = b.Panels;
        for (int jc = 0; jc < p.N; jc += nc)
        {
            int ncHere = Math.Min(nc, p.N - jc);
            for (int pc = 0; pc < p.K; pc += kc)
            {
                int kcHere = Math.Min(kc, p.K - pc);
                float beta = pc == 0 ? p.Beta : 1f;
                bool first = pc == 0, last = pc + kcHere >= p.K;
                for (int ic = 0; ic < p.M; ic += mc)
                {
                    int mcHere = Math.Min(mc, p.M - ic);
                    PackA(p, ic, mcHere, pc, kcHere, packedA);
                    MacroKernel(p, mcHere, ncHere, kcHere, packedA, block, ic, jc, beta, first, last, Tiles.All);
                }
                block += (nint)PanelColumns(ncHere) * kcHere;
            }
        }
    }

    /// <summary>Columns of a block rounded up to whole NR-wide micro-panels.</summary>
    internal static int PanelColumns(int columns) => (columns + NR - 1) / NR * NR;

    /// <summary>
    /// op(B) (k × n) in the blocked path's layout: its (NC-column, KC-row) blocks in the order the blocked loops visit
    /// them, each as NR-column micro-panels. Packed once with <see cref="Pack"/>, then read by any number of
    /// <see cref="MultiplyPacked"/> calls, on any threads at once. The storage is pinned and grows only, so a matrix
    /// rented again for the same shape allocates nothing.
    /// </summary>
    internal sealed class PackedMatrix
    {
        private static readonly Stack<PackedMatrix> Spare = new();

        private float[]? _storage; // referenced so the pinned array stays alive
        private long _capacity;

        /// <summary>Rows of op(B): the depth k of the products.</summary>
        public int Depth { get; private set; }

        /// <summary>Columns of op(B) and of C.</summary>
        public int Columns { get; private set; }

        internal int BlockDepth { get; private set; }
        internal int BlockColumns { get; private set; }
        internal bool UsesFma { get; private set; }

        /// <summary>
        /// Whether op(B) was packed from B stored (n × k), i.e. transposed: a product on these panels is recorded in
        /// <see cref="GemmLog"/> as that product, so a GEMM floor replays it with the packing it would have done.
        /// </summary>
        internal bool FromTransposed { get; private set; }

        /// <summary>First micro-panel, 64-byte aligned.</summary>
        internal float* Panels { get; private set; }

        /// <summary>A packed matrix from a process-wide stock (or a new one); give it back with <see cref="Return"/>.</summary>
        public static PackedMatrix Rent()
        {
            lock (Spare) return Spare.Count > 0 ? Spare.Pop() : new PackedMatrix();
        }

        /// <summary>Gives <paramref name="matrix"/> back to the stock; it must not be used afterwards.</summary>
        public static void Return(PackedMatrix matrix)
        {
            lock (Spare) Spare.Push(matrix);
        }

        /// <summary>Packs op(B) (k × n): B stored (k × n), or (n × k) when <paramref name="transB"/>, with row stride <paramref name="ldb"/>.</summary>
        public void Pack(bool transB, int k, int n, ReadOnlySpan<float> b, int ldb)
        {
            if (k < 0 || n < 0) throw new ArgumentOutOfRangeException(nameof(k), $"Gemm: dimensions must be non-negative (k={k}, n={n}).");
            RequireMatrix("B", b.Length, transB ? n : k, transB ? k : n, ldb);
            Layout(k, n, transB);
            if (k == 0 || n == 0) return;
            fixed (float* pb = b)
            {
                var problem = new Problem(false, transB, 0, n, k, 1f, null, 0, pb, ldb, 0f, null, 0, 1, UsesFma);
                float* block = Panels;
                for (int jc = 0; jc < n; jc += BlockColumns)
                {
                    int ncHere = Math.Min(BlockColumns, n - jc);
                    for (int pc = 0; pc < k; pc += BlockDepth)
                    {
                        int kcHere = Math.Min(BlockDepth, k - pc);
                        PackB(problem, pc, kcHere, jc, ncHere, block);
                        block += (nint)PanelColumns(ncHere) * kcHere;
                    }
                }
            }
        }

        /// <summary>
        /// Sizes the matrix for op(B) (k × n) with the blocks <see cref="Pack"/> uses, leaving the panels to be written
        /// by the caller (a packer that reads B from elsewhere, such as images for a convolution's columns): the
        /// (<see cref="BlockColumns"/>, <see cref="BlockDepth"/>) blocks in <see cref="Pack"/>'s order from <see cref="Panels"/>
        /// on, each <see cref="PanelColumns"/>(its columns) · its depth floats, NR-column micro-panels of depth rows.
        /// </summary>
        /// <param name="fromTransposed">Whether op(B) is the transpose of the matrix the panels are read from (B stored n × k).</param>
        internal void Layout(int k, int n, bool fromTransposed)
        {
            if (k < 0 || n < 0) throw new ArgumentOutOfRangeException(nameof(k), $"Gemm: dimensions must be non-negative (k={k}, n={n}).");
            (Depth, Columns) = (k, n);
            BlockDepth = EvenBlock(Math.Max(k, 1), KC, 8);
            BlockColumns = EvenBlock(Math.Max(n, 1), NC, NR);
            UsesFma = HasFma;
            FromTransposed = fromTransposed;
            // Every (jc, pc) block holds its columns rounded up to whole panels times its depth: k·(n rounded per block).
            long floats = 0;
            for (int jc = 0; jc < n; jc += BlockColumns) floats += (long)PanelColumns(Math.Min(BlockColumns, n - jc)) * k;
            Reserve(floats);
            PackedLength = floats;
        }

        /// <summary>Floats the panels of the current layout take from <see cref="Panels"/> on.</summary>
        internal long PackedLength { get; private set; }

        /// <summary>The panels of the current layout, in order (to compare two packings).</summary>
        internal ReadOnlySpan<float> PackedFloats => new(Panels, checked((int)PackedLength));

        /// <summary>
        /// The matrix's storage as <paramref name="floats"/> floats of plain scratch, for a thread that alternates packing
        /// into it with other work on that memory (a convolution's column matrix): the two then share cache lines. A later
        /// <see cref="Layout"/> or <see cref="Pack"/> overwrites it.
        /// </summary>
        internal Span<float> AsScratch(int floats)
        {
            Reserve(floats);
            return new Span<float>(Panels, floats);
        }

        private void Reserve(long floats)
        {
            if (floats <= _capacity && _storage is not null) return;
            long grown = Math.Max(floats, _capacity + _capacity / 2);
            _storage = GC.AllocateUninitializedArray<float>(checked((int)(grown + 16)), pinned: true);
            float* start = (float*)Unsafe.AsPointer(ref _storage[0]);
            Panels = (float*)(((nint)start + 63) & ~(nint)63);
            _capacity = grown;
        }
    }
}
