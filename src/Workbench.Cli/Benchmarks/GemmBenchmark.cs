using System.Diagnostics;
using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// Throughput of <c>Gemm.Multiply</c> against OpenBLAS on the products of one VAE training step
/// (batch 128, 784-400-20 encoder/decoder), with the transposes Linear and its backward pass use, plus a
/// 1024³ square product.
/// </summary>
internal static class GemmBenchmark
{
    /// <summary>One product C (m × n) = op(A)·op(B) + β·C with op(A) (m × k).</summary>
    internal sealed record Shape(string Name, bool TransA, bool TransB, int M, int N, int K, float Beta);

    /// <summary>Linear forward is x·Wᵀ (NT), dX = G·W (NN), dW = Gᵀ·X (TN); backward accumulates (β = 1).</summary>
    internal static readonly Shape[] Shapes =
    [
        new("enc fwd  x·Wt 784->400", false, true, 128, 400, 784, 1f),
        new("dec fwd  h·Wt 400->784", false, true, 128, 784, 400, 1f),
        new("enc dX   G·W  400->784", false, false, 128, 784, 400, 1f),
        new("dec dX   G·W  784->400", false, false, 128, 400, 784, 1f),
        new("enc dW   Gt·X (400,784)", true, false, 400, 784, 128, 1f),
        new("dec dW   Gt·H (784,400)", true, false, 784, 400, 128, 1f),
        new("head fwd h·Wt 400->20", false, true, 128, 20, 400, 1f),
        new("head dX  G·W  20->400", false, false, 128, 400, 20, 1f),
        new("head dW  Gt·H (20,400)", true, false, 20, 400, 128, 1f),
        new("dec in   z·Wt 20->400", false, true, 128, 400, 20, 1f),
        new("square   1024^3", false, false, 1024, 1024, 1024, 0f),
    ];

    /// <summary>
    /// Measures the shapes whose name contains <paramref name="filter"/> (all when empty) and prints the table;
    /// <paramref name="repeats"/> timed rounds per shape. <paramref name="threads"/> &gt; 0 sets both libraries'
    /// thread counts, otherwise each uses its default.
    /// </summary>
    public static void Run(int repeats, int threads, string filter, TextWriter output)
    {
        var openBlas = OpenBlas.TryLoad(out var problem);
        string envThreads = Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS") ?? "unset";
        if (threads > 0)
        {
            Gemm.MaxThreads = threads;
            if (openBlas is not null) openBlas.Threads = threads;
        }
        output.WriteLine($"Managed GEMM: {(Gemm.HasFma ? "AVX2+FMA 6x16 kernel" : "portable kernel")}, " +
            $"up to {Gemm.MaxThreads} threads; {Environment.ProcessorCount} logical CPUs.");
        if (openBlas is null)
            output.WriteLine($"OpenBLAS not available ({problem}): showing managed numbers only.");
        else
            output.WriteLine($"OpenBLAS: {openBlas.Config.Trim()}; {openBlas.Threads} threads (OPENBLAS_NUM_THREADS={envThreads}" +
                (threads > 0 ? $", set to {threads} by --threads)." : ")."));
        output.WriteLine($"Median of {repeats} rounds; each round times a batch of calls of >= 20 ms, alternating managed and OpenBLAS" +
            (openBlas is null ? "." : $" with a {SettleMilliseconds} ms pause before each batch so the other library's polling threads are asleep."));
        output.WriteLine();

        // GFLOP/s = 2·m·n·k / seconds per call / 1e9. Medians first; the best round shows what an idle machine gives.
        const string Row = "{0,-24} {1,-2} {2,14} | {3,9} {4,9} {5,6} | {6,9} {7,9} {8,6}";
        output.WriteLine(Row, "", "", "", "median:", "", "", "best:", "", "");
        output.WriteLine(Row, "shape", "op", "m x n x k", "ours", "OpenBLAS", "ratio", "ours", "OpenBLAS", "ratio");
        foreach (var shape in Shapes)
        {
            if (filter.Length > 0 && !shape.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            var (ours, theirs) = Measure(shape, openBlas, repeats);
            string Ratio(double x, double y) => openBlas is null ? "-" : $"{x / y:P0}";
            string Theirs(double y) => openBlas is null ? "-" : $"{y:F1}";
            output.WriteLine(Row, shape.Name, $"{(shape.TransA ? "T" : "N")}{(shape.TransB ? "T" : "N")}", $"{shape.M}x{shape.N}x{shape.K}",
                $"{ours.Median:F1}", Theirs(theirs.Median), Ratio(ours.Median, theirs.Median),
                $"{ours.Best:F1}", Theirs(theirs.Best), Ratio(ours.Best, theirs.Best));
        }
    }

    /// <summary>Median and best GFLOP/s of the managed kernel and of OpenBLAS (NaN when absent) on one shape.</summary>
    private static ((double Median, double Best) Ours, (double Median, double Best) Theirs) Measure(Shape s, OpenBlas? openBlas, int repeats)
    {
        var rng = new Rng(42);
        var a = new float[s.M * s.K];
        var b = new float[s.K * s.N];
        var c = new float[s.M * s.N];
        rng.FillUniform(a, -1f, 1f);
        rng.FillUniform(b, -1f, 1f);
        int lda = s.TransA ? s.M : s.K, ldb = s.TransB ? s.K : s.N;
        // β = 1 would let C grow without bound over many calls; scale it so values stay put on average.
        float beta = s.Beta == 0 ? 0f : 0.5f;

        Action ours = () => Gemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, beta, c, s.N);
        Action? theirs = openBlas is null ? null : () => openBlas.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, beta, c, s.N);

        // Warm up (JIT, thread pools, packing buffers) and size the batches to ~20 ms.
        int batch = BatchSize(ours);
        int theirBatch = theirs is null ? 0 : BatchSize(theirs);

        var oursTimes = new List<double>();
        var theirTimes = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            Settle(openBlas, ours, batch);
            oursTimes.Add(SecondsPerCall(ours, batch));
            if (theirs is null) continue;
            Settle(openBlas, theirs, theirBatch);
            theirTimes.Add(SecondsPerCall(theirs, theirBatch));
        }
        double flops = 2.0 * s.M * s.N * s.K;
        (double, double) Gflops(List<double> times) =>
            times.Count == 0 ? (double.NaN, double.NaN) : (flops / PeerComparison.Median(times) / 1e9, flops / times.Min() / 1e9);
        return (Gflops(oursTimes), Gflops(theirTimes));
    }

    /// <summary>
    /// Lets both libraries' idle worker threads go to sleep before the next timed batch. OpenBLAS's workers
    /// keep polling for new work after a call (by default for ~2^28 cycles, ~0.1 s); left polling, one
    /// occupies the second core while the managed kernel runs. On this 2-core box that held the managed
    /// 2-thread numbers near 1-thread level; with OPENBLAS_NUM_THREADS=1 they reached ~1.5-1.9×.
    /// Then a quarter batch of untimed calls wakes the next library's threads and lets the scheduler spread
    /// them over the cores, so the timed batch sees back-to-back calls as in training.
    /// </summary>
    private static void Settle(OpenBlas? openBlas, Action next, int batch)
    {
        if (openBlas is null) return;
        Thread.Sleep(SettleMilliseconds);
        for (int i = 0; i < Math.Max(1, batch / 4); i++) next();
    }

    private const int SettleMilliseconds = 150;

    private static int BatchSize(Action call)
    {
        for (int i = 0; i < 3; i++) call();
        double one = SecondsPerCall(call, 3);
        return (int)Math.Clamp(0.02 / Math.Max(one, 1e-9), 1, 100_000);
    }

    private static double SecondsPerCall(Action call, int calls)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++) call();
        return Stopwatch.GetElapsedTime(start).TotalSeconds / calls;
    }
}
