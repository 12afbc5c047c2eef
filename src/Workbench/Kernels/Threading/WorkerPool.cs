using System.Diagnostics;

namespace Workbench.Kernels;

/// <summary>A job cut into independent parts 0 .. parts−1 that may run on any thread in any order.</summary>
internal abstract class PartedWork
{
    public abstract void RunPart(int part);
}

/// <summary>
/// A few dedicated threads that help the calling thread with the parts of one job (a GEMM's grid of C
/// blocks, or the chunks of a large elementwise kernel). Compared with the shared thread pool this keeps
/// wake-up latency in the microseconds: after a job a worker polls for the next one for up to a
/// millisecond (a training step runs kernels back to back) before it blocks.
/// </summary>
/// <remarks>
/// Parts are claimed from one 64-bit word (generation | part count | next part), so a worker that wakes
/// late can never claim a part of a newer job by mistake, and the caller claims any part a worker
/// has not reached yet: a job never waits for a thread to be scheduled, only for parts in progress.
/// One job uses the pool at a time; a concurrent or nested caller runs its parts on its own thread.
/// Which thread runs a part never changes what the part computes, so results do not depend on timing.
/// </remarks>
internal static class WorkerPool
{
    private const long SpinMicroseconds = 1000; // idle spinning before a worker blocks

    private static int owned;                         // 1 while a job owns the pool (taken with one compare-exchange)
    private static readonly object SleepLock = new(); // workers block on it between jobs
    private static readonly List<Thread> Workers = [];

    private static PartedWork? job;
    private static long state;   // generation << 32 | parts << 16 | next part
    private static int sleepers; // workers blocked (or about to block) on SleepLock
    private static int pending;  // parts of the current generation not yet finished
    private static Exception? failure;

    /// <summary>The generation of the job whose part this thread is running, 0 outside one (read by <see cref="GemmLog"/>).</summary>
    [ThreadStatic] internal static long CurrentJob;

    /// <summary>The managed id of the thread that started the job whose part this thread is running.</summary>
    [ThreadStatic] internal static int CurrentJobOwner;

    private static int jobOwner; // the managed id of the thread that started the current job

    /// <summary>Runs parts 0 .. <paramref name="parts"/>−1 of <paramref name="work"/> on up to <paramref name="threads"/> threads; returns when all are done.</summary>
    public static void Run(PartedWork work, int parts, int threads)
    {
        if (parts is < 1 or > 0xFFFF) throw new ArgumentOutOfRangeException(nameof(parts), parts, "WorkerPool: 1 to 65535 parts.");
        if (threads <= 1 || parts == 1 || Interlocked.CompareExchange(ref owned, 1, 0) != 0)
        {
            for (int part = 0; part < parts; part++) work.RunPart(part);
            return;
        }
        try
        {
            EnsureWorkers(threads - 1);
            job = work;
            jobOwner = Environment.CurrentManagedThreadId;
            failure = null;
            Volatile.Write(ref pending, parts);
            long generation = (Volatile.Read(ref state) >> 32) + 1;
            // Publish the job (a full fence), then wake blocked workers; polling workers see it without the lock.
            // A worker counts itself a sleeper (also a full fence) before its last look at the state, so either
            // it sees this job or this thread sees it sleeping and pulses.
            Interlocked.Exchange(ref state, generation << 32 | (long)parts << 16);
            if (Volatile.Read(ref sleepers) > 0)
                lock (SleepLock) Monitor.PulseAll(SleepLock);

            ClaimAndRun(generation);
            // Parts still pending are running on workers; yield so that one preempted on this core can finish.
            while (Volatile.Read(ref pending) != 0) Thread.Yield();
            job = null;
            // A part's own exception, with its stack, as if the part had run on this thread.
            if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
        finally
        {
            Volatile.Write(ref owned, 0);
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
            (CurrentJob, CurrentJobOwner) = (generation, jobOwner);
            try
            {
                job!.RunPart(next);
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                CurrentJob = 0;
            }
            Interlocked.Decrement(ref pending);
        }
    }

    private static void EnsureWorkers(int count)
    {
        while (Workers.Count < count)
        {
            var thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"Kernel worker {Workers.Count + 1}" };
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
            // (measured: 2 GEMM threads fell to ~55 GFLOP/s, below 1 thread's ~85, with other builds running),
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
                    Interlocked.Increment(ref sleepers);
                    while (Volatile.Read(ref state) >> 32 == seen) Monitor.Wait(SleepLock);
                    Interlocked.Decrement(ref sleepers);
                }
            }
            seen = Volatile.Read(ref state) >> 32;
            ClaimAndRun(seen);
        }
    }
}
