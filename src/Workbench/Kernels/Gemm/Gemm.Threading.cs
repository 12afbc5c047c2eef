namespace Workbench.Kernels;

// C is cut into disjoint parts; each part runs the whole blocked algorithm with the running thread's own
// packing buffers, so there is no synchronisation inside a part. The calling thread and the pool's workers
// claim parts until none are left (WorkerPool.cs). The price is that operands are packed more than once:
// splitting C's columns among t threads packs A t times, splitting rows packs B t times. With 2-4 threads
// that duplication is small next to the arithmetic, and the grid (rows × cols of threads) is chosen to
// minimise the busiest thread's cost. A thread that runs several parts of a one-dimensional split packs the
// operand they share once (SharedBlocks in Gemm.Blocking.cs).
//
// A one-dimensional split (strips of columns or of rows, every split of a 2-thread product) cuts the
// sequence of micro-tiles, not whole panels: 400 columns are 25 panels, and whole panels would give one
// thread 13 and the other 12 (4 % more work for the first). Instead the panel on the cut is shared, one
// thread taking its upper rows and the other its lower ones; each packs that one panel of B (16 × k)
// for itself. A tile is computed by the same micro-kernel calls whichever part holds it, so the product's
// bits do not depend on the split.
internal static unsafe partial class Gemm
{
    /// <summary>
    /// Each extra thread needs at least this much m·n·k to pay for handing it a part (about a microsecond; a
    /// volume of 256 Ki multiply-adds is 5–10 µs of one core). The MLP's nine 20-wide products (128 × 20 × 400 and
    /// the like, volume 1.0 Mi) took 27–47 µs each on one thread and 19–28 µs on two; with 512 Ki per thread they
    /// all ran on one, 0.36–0.40 ms of a 3.3 ms two-thread step (docs/speed.md, "The latent layers' products on both threads").
    /// </summary>
    internal const long VolumePerThread = 256 * 1024;

    /// <summary>Relative cost of packing one element, in multiply-adds (a packed element is moved, not reused).</summary>
    private const long PackCost = 8;

    private static void Run(in Problem p, int threadLimit)
    {
        long volume = (long)p.M * p.N * p.K;
        int threads = (int)Math.Clamp(volume / VolumePerThread, 1, threadLimit);
        var (rowParts, colParts) = threads == 1 ? (1, 1) : ChooseGrid(p.M, p.N, p.K, threads).Grid;
        if (threads > 1 && volume >= 2 * threads * VolumePerThread && Math.Max(p.M, p.N) >= 8L * Math.Min(p.M, p.N))
        {
            // An elongated product (a convolution's 64 × 6272, say) is cut into twice as many parts as threads when
            // the extra packing costs little: parts are claimed as threads come free, so a thread the OS holds
            // back for a while delays one small part, not half the product.
            var (finer, finerCost) = ChooseGrid(p.M, p.N, p.K, 2 * threads);
            long cost = ChooseGrid(p.M, p.N, p.K, threads).BusiestCost;
            // 2T parts of the finer grid spread over T threads: 2·finerCost per thread against cost.
            if (finerCost < long.MaxValue / 4 && 2 * finerCost * 100 <= cost * 103) (rowParts, colParts) = finer;
        }
        else if (threads > 1 && rowParts * colParts == threads && (rowParts == 1 || colParts == 1))
        {
            // A one-dimensional split (the MLP's products) is cut into twice as many parts as threads too. The
            // operand all its parts share is packed once per thread (SharedBlocks), so the finer cut costs only
            // the panel each extra cut shares: on a quiet machine two-thread MLP steps took the same time either
            // way (alternated step by step), with a busy loop on the second core 1 % less.
            if (rowParts == 1) colParts = 2 * threads;
            else rowParts = 2 * threads;
        }
        if (rowParts * colParts == 1)
        {
            RunPart(p, 0, p.M, 0, p.N, Tiles.All);
            return;
        }

        var work = gridWork ??= new GridWork();
        (work.Problem, work.Rows, work.Cols, work.Product) = (p, rowParts, colParts, Interlocked.Increment(ref products));
        WorkerPool.Run(work, rowParts * colParts, threads);
    }

    /// <summary>Multi-part products started so far: each gets its own number, the key of its parts' shared blocks.</summary>
    private static long products;

    /// <summary>
    /// The micro-tiles of C a part computes: indices [<see cref="First"/>, <see cref="End"/>) of C's tiles in
    /// panel order (down each 16-column panel, panel after panel) or, when not <see cref="PanelMajor"/>, in
    /// row order (along each 6-row strip, strip after strip). Tile (r, c) is rows [6r, 6r + 6) and
    /// columns [16c, 16c + 16) of C, both clipped to its edges.
    /// </summary>
    private readonly record struct Tiles(int First, int End, int RowTiles, int ColTiles, bool PanelMajor)
    {
        /// <summary>Every tile of the block a part is given.</summary>
        public static readonly Tiles All = new(0, int.MaxValue, 0, 0, true);

        public bool IsAll => First == 0 && End == int.MaxValue;

        public bool Holds(int rowTile, int colTile)
        {
            int index = PanelMajor ? colTile * RowTiles + rowTile : rowTile * ColTiles + colTile;
            return index >= First && index < End;
        }
    }

    /// <summary>This thread's reusable job object (a multiply allocates nothing).</summary>
    [ThreadStatic] private static GridWork? gridWork;

    /// <summary>One multiply as a <see cref="PartedWork"/>: part i is block i (row-major) of a Rows × Cols split of C.</summary>
    private sealed class GridWork : PartedWork
    {
        public Problem Problem;
        public int Rows, Cols;
        public long Product;

        public override void RunPart(int part) => RunGridPart(Problem, Rows, Cols, part, Product);
    }

    /// <summary>
    /// Runs part <paramref name="part"/> (row-major in the grid) of a rows × cols split of C: a rectangle of it,
    /// or of a one-dimensional split an equal share of its micro-tiles.
    /// </summary>
    private static void RunGridPart(in Problem p, int rows, int cols, int part, long product)
    {
        if (rows > 1 && cols > 1)
        {
            var (m0, m1) = Slice(p.M, MR, rows, part / cols);
            var (n0, n1) = Slice(p.N, NR, cols, part % cols);
            if (m0 < m1 && n0 < n1) RunPart(p, m0, m1, n0, n1, Tiles.All);
            return;
        }
        int rowTiles = (p.M + MR - 1) / MR, colTiles = (p.N + NR - 1) / NR, parts = rows * cols;
        bool panelMajor = rows == 1; // strips of columns: down the panels; strips of rows: along the row strips
        long tiles = (long)rowTiles * colTiles;
        int first = (int)(tiles * part / parts), end = (int)(tiles * (part + 1) / parts);
        if (first >= end) return;
        var share = new Tiles(first, end, rowTiles, colTiles, panelMajor);
        // The part's bounding block: the panels (or row strips) its first and last tiles lie in.
        int stride = panelMajor ? rowTiles : colTiles;
        int lo = first / stride, hi = (end - 1) / stride + 1;
        if (panelMajor) RunPart(p, 0, p.M, lo * NR, Math.Min(p.N, hi * NR), share, product);
        else RunPart(p, lo * MR, Math.Min(p.M, hi * MR), 0, p.N, share, product);
    }

    /// <summary>Part <paramref name="index"/> of <paramref name="parts"/> near-equal slices of [0, extent), cut at multiples of <paramref name="unit"/>.</summary>
    private static (int Start, int End) Slice(int extent, int unit, int parts, int index)
    {
        int units = (extent + unit - 1) / unit;
        int start = (int)((long)units * index / parts) * unit;
        int end = (int)((long)units * (index + 1) / parts) * unit;
        return (Math.Min(start, extent), Math.Min(end, extent));
    }

    /// <summary>
    /// The (row parts × column parts) factorisation of <paramref name="threads"/> parts with the cheapest busiest
    /// part, and that part's cost: multiply-adds it computes plus the elements it packs.
    /// </summary>
    private static ((int RowParts, int ColParts) Grid, long BusiestCost) ChooseGrid(int m, int n, int k, int threads)
    {
        int rowTiles = (m + MR - 1) / MR, colTiles = (n + NR - 1) / NR;
        var best = (RowParts: 1, ColParts: 1);
        long bestCost = long.MaxValue;
        for (int rowParts = 1; rowParts <= threads; rowParts++)
        {
            if (threads % rowParts != 0) continue;
            int colParts = threads / rowParts;
            if (rowParts > rowTiles || colParts > colTiles) continue;
            // Rows count as they are (edge tiles run height-specialised kernels); columns in whole 16-wide
            // panels. m = 128 on 2 threads: 2 × 64 rows would pack all of B twice; 2 × 200 columns packs A
            // twice, which is smaller. A one-dimensional split shares out tiles, not whole panels or strips
            // (RunGridPart): its arithmetic is an equal share, and it packs the panel or strip on each cut.
            long rows = Math.Min(m, (rowTiles + rowParts - 1) / rowParts * MR);
            long cols = (colTiles + colParts - 1) / colParts * NR;
            long arithmetic = rows * cols * k;
            if (rowParts == 1 || colParts == 1)
            {
                arithmetic = ((long)m * colTiles * NR + threads - 1) / threads * k;
                if (rowParts == 1) cols = Math.Min((long)colTiles * NR, cols + NR);
                else rows = Math.Min(m, rows + MR);
            }
            long packing = PackCost * k * (rows + cols);
            if (arithmetic + packing < bestCost) (bestCost, best) = (arithmetic + packing, (rowParts, colParts));
        }
        return (best, bestCost);
    }
}
