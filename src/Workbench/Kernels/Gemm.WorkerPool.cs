using System.Diagnostics;

namespace Workbench.Kernels;

internal static unsafe partial class Gemm
{
    /// <summary>
    /// A few dedicated threads that help the calling thread with the parts of one multiply. Compared with
    /// the shared thread pool this keeps wake-up latency in the microseconds: after a multiply a worker
    /// polls for the next one for up to a millisecond (training calls GEMM back to back) before it blocks.
    /// </summary>
    /// <remarks>
    /// Parts are claimed from one 64-bit word (generation | part count | next part), so a worker that wakes
    /// late can never claim a part of a newer multiply by mistake, and the caller claims any part a worker
    /// has not reached yet: a multiply never waits for a thread to be scheduled, only for parts in progress.
    /// One multiply uses the pool at a time; a concurrent caller runs its parts on its own thread.
    /// </remarks>
    private static class WorkerPool
    {
        private const long SpinMicroseconds = 1000; // idle spinning before a worker blocks

        private static readonly object Gate = new();     // held by the multiply that owns the pool
        private static readonly object SleepLock = new(); // workers block on it between multiplies
        private static readonly List<Thread> Workers = [];

        private static Problem job;
        private static int rowParts, colParts;
        private static long state;   // generation << 32 | parts << 16 | next part
        private static int pending;  // parts of the current generation not yet finished
        private static Exception? failure;

        /// <summary>Runs parts 0 .. rowParts·colParts−1 of the grid on up to <paramref name="threads"/> threads; returns when all are done.</summary>
        public static void Run(in Problem p, int rows, int cols, int threads)
        {
            int parts = rows * cols;
            if (!Monitor.TryEnter(Gate))
            {
                for (int part = 0; part < parts; part++) RunGridPart(p, rows, cols, part);
                return;
            }
            try
            {
                EnsureWorkers(threads - 1);
                job = p;
                (rowParts, colParts) = (rows, cols);
                failure = null;
                Volatile.Write(ref pending, parts);
                long generation = (Volatile.Read(ref state) >> 32) + 1;
                lock (SleepLock)
                {
                    Volatile.Write(ref state, generation << 32 | (long)parts << 16);
                    Monitor.PulseAll(SleepLock);
                }

                ClaimAndRun(generation);
                // Parts still pending are running on workers; yield so that one preempted on this core can finish.
                while (Volatile.Read(ref pending) != 0) Thread.Yield();
                if (failure is not null) throw new AggregateException("Gemm worker failed.", failure);
            }
            finally
            {
                Monitor.Exit(Gate);
            }
        }

        /// <summary>Claims and runs parts of <paramref name="generation"/> until none are left.</summary>
        private static void ClaimAndRun(long generation)
        {
            while (true)
            {
                long s = Volatile.Read(ref state);
                int parts = (int)(s >> 16) & 0xFFFF, next = (int)s & 0xFFFF;
                if (s >> 32 != generation || next >= parts) return;
                if (Interlocked.CompareExchange(ref state, s + 1, s) != s) continue;
                try
                {
                    RunGridPart(job, rowParts, colParts, next);
                }
                catch (Exception e)
                {
                    failure = e;
                }
                Interlocked.Decrement(ref pending);
            }
        }

        private static void EnsureWorkers(int count)
        {
            while (Workers.Count < count)
            {
                var thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"Gemm worker {Workers.Count + 1}" };
                Workers.Add(thread);
                thread.Start();
            }
        }

        private static void WorkerLoop()
        {
            long seen = Volatile.Read(ref state) >> 32;
            long spinTicks = SpinMicroseconds * Stopwatch.Frequency / 1_000_000;
            while (true)
            {
                // Poll with sched_yield, then block until woken. Yielding matters on a shared machine: a
                // worker that spins with pause instructions on the caller's core starves the caller
                // (measured: 2 threads fell to ~55 GFLOP/s, below 1 thread's ~85, with other builds running),
                // while on an idle core a yield returns at once and costs nothing.
                long idleSince = Stopwatch.GetTimestamp();
                while (Volatile.Read(ref state) >> 32 == seen)
                {
                    if (Stopwatch.GetTimestamp() - idleSince < spinTicks)
                    {
                        Thread.Yield();
                        continue;
                    }
                    lock (SleepLock)
                    {
                        while (Volatile.Read(ref state) >> 32 == seen) Monitor.Wait(SleepLock);
                    }
                }
                seen = Volatile.Read(ref state) >> 32;
                ClaimAndRun(seen);
            }
        }
    }
}
