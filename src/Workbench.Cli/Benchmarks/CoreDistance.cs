using System.Diagnostics;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// How far apart two cores are: the round trip of one cache line between two spinning threads. On the 2-core
/// virtual machines of docs/speed.md it is either about 30–110 ns or 300–420 ns, nothing between, as the host runs
/// the two virtual cores close together or apart (in one L3 domain or in two, we take it), and the host moves
/// between the states while a benchmark runs. Apart, a two-thread MLP epoch takes about half as long again
/// (Adam's update, which streams its 10 MB of weights, gradients and moments, several times as long) and its
/// GEMM floor about a tenth, so <c>bench epoch</c> prints the round trip beside each multi-thread epoch.
/// </summary>
internal sealed class CoreDistance : IDisposable
{
    /// <summary>Round trips timed per measurement, after as many untimed ones (waking the echo thread).</summary>
    internal const int RoundTrips = 200;

    /// <summary>A measurement the other thread does not answer within this long gives NaN.</summary>
    private static readonly long Patience = Stopwatch.Frequency / 20;

    private const long Done = -2;

    private long _flag = Done; // odd: a ping; the echo answers with the next even number
    private readonly Thread _echo;
    private readonly SemaphoreSlim _go = new(0);
    private volatile bool _disposed;

    public CoreDistance()
    {
        _echo = new Thread(Echo) { IsBackground = true, Name = "Core distance echo" };
        _echo.Start();
    }

    /// <summary>
    /// The mean round trip in nanoseconds of <see cref="RoundTrips"/> pings to the echo thread, which the OS runs
    /// on another core when one is idle; NaN when it is not running within 50 ms (a busy machine).
    /// </summary>
    public double MeasureNanoseconds()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Volatile.Write(ref _flag, 0);
        _go.Release();
        long start = 0, deadline = Stopwatch.GetTimestamp() + Patience;
        bool answered = true;
        for (long i = 0; i < 2 * RoundTrips && answered; i++)
        {
            if (i == RoundTrips) start = Stopwatch.GetTimestamp();
            Volatile.Write(ref _flag, 2 * i + 1);
            answered = Await(ref _flag, 2 * i + 2, deadline);
        }
        long end = Stopwatch.GetTimestamp();
        Volatile.Write(ref _flag, Done);
        return answered ? (end - start) * 1e9 / Stopwatch.Frequency / RoundTrips : double.NaN;
    }

    private void Echo()
    {
        while (true)
        {
            _go.Wait();
            if (_disposed) return;
            long deadline = Stopwatch.GetTimestamp() + Patience;
            for (int spins = 0; ; spins++)
            {
                long v = Volatile.Read(ref _flag);
                if (v == Done) break;
                if ((v & 1) == 1) Volatile.Write(ref _flag, v + 1);
                else if ((spins & 1023) == 0 && Stopwatch.GetTimestamp() > deadline) break;
            }
        }
    }

    /// <summary>Spins until <paramref name="flag"/> holds <paramref name="value"/>; false if the deadline passes first.</summary>
    private static bool Await(ref long flag, long value, long deadline)
    {
        for (int spins = 0; Volatile.Read(ref flag) != value; spins++)
            if ((spins & 1023) == 0 && Stopwatch.GetTimestamp() > deadline) return false;
        return true;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _go.Release();
        _echo.Join();
        _go.Dispose();
    }
}
