namespace Workbench.Kernels;

/// <summary>
/// The shapes of the matrix products a piece of work (one training step, say) runs, recorded while
/// <see cref="Gemm.Log"/> holds this log, so a benchmark can time those products alone and print the
/// work's time beside this GEMM floor.
/// </summary>
/// <remarks>
/// A product run as a part of a <see cref="WorkerPool"/> job (a convolution's group of images, each
/// multiplied on one thread) is recorded with the job it belonged to, and <see cref="Replay"/> runs the
/// products of one job as one job again, on the same threads, so the floor keeps the work's parallel
/// structure and charges it nothing else: no unrolling, bias, activation or waiting for other ops.
/// </remarks>
internal sealed class GemmLog
{
    /// <param name="Threads">The thread bound the product was called with.</param>
    /// <param name="Job">The worker-pool job it ran in as one part, 0 when it was called outside one.</param>
    internal readonly record struct Call(bool TransA, bool TransB, int M, int N, int K, int Threads, long Job)
    {
        public double Flops => 2.0 * M * N * K;
    }

    private readonly List<Call> calls = [];
    private readonly Dictionary<(int Thread, bool, bool, int, int, int, int Role), float[]> operands = [];
    private (Call Call, Parts? Job)[]? plan;

    public IReadOnlyList<Call> Calls
    {
        get
        {
            lock (calls) return calls.ToArray();
        }
    }

    public double Flops => Calls.Sum(c => c.Flops);

    private readonly int recordingThread = Environment.CurrentManagedThreadId;

    /// <summary>Records a product called on the recording thread, or in a part of a job that thread started; others are not its work.</summary>
    internal void Add(bool transA, bool transB, int m, int n, int k, int threads)
    {
        long job = WorkerPool.CurrentJob;
        if ((job == 0 ? Environment.CurrentManagedThreadId : WorkerPool.CurrentJobOwner) != recordingThread) return;
        var call = new Call(transA, transB, m, n, k, threads, job);
        lock (calls) calls.Add(call);
    }

    /// <summary>Records the products <paramref name="work"/> runs on this thread and in the jobs it starts.</summary>
    public static GemmLog Record(Action work)
    {
        var recording = Begin(out var log);
        using (recording) work();
        return log;
    }

    /// <summary>
    /// Starts recording the products this thread runs (and the jobs it starts run) until the returned handle is disposed:
    /// for work that happens between two callbacks (a training step between two progress events).
    /// </summary>
    public static IDisposable Begin(out GemmLog log)
    {
        log = new GemmLog();
        if (Interlocked.CompareExchange(ref Gemm.Log, log, null) is not null)
            throw new InvalidOperationException("GemmLog: another recording is in progress (one at a time per process).");
        return new Stop();
    }

    private sealed class Stop : IDisposable
    {
        public void Dispose() => Volatile.Write(ref Gemm.Log, null);
    }

    /// <summary>
    /// Runs the recorded products once, in order, on operands of the same shapes (random values, β = 0, no bias or
    /// activation): products recorded outside a job with the thread bound they were called with, the parts of one
    /// job as one job of single-threaded products on up to <paramref name="threads"/> threads.
    /// </summary>
    /// <remarks>
    /// Products of different shapes get operands of their own, as the work's products read their own weights and
    /// activations and write their own results; products of one shape share a set (per thread in a job), as the groups of
    /// a convolution reuse their thread's scratch.
    /// </remarks>
    public void Replay(int threads)
    {
        foreach (var (call, job) in plan ??= Plan())
        {
            if (job is null) Run(call, call.Threads, inPart: false);
            else WorkerPool.Run(job, job.Count, threads);
        }
    }

    /// <summary>The replay's steps, built once so a replay allocates nothing: a product of its own, or one job's parts.</summary>
    private (Call Call, Parts? Job)[] Plan()
    {
        var recorded = Calls;
        var steps = new List<(Call, Parts?)>();
        var jobs = new HashSet<long>();
        for (int i = 0; i < recorded.Count; i++)
        {
            var call = recorded[i];
            if (call.Job == 0) steps.Add((call, null));
            else if (jobs.Add(call.Job)) steps.Add((call, new Parts(this, recorded.Where(c => c.Job == call.Job).ToArray())));
        }
        return steps.ToArray();
    }

    /// <param name="inPart">Running as a part of a job: the operands are the running thread's.</param>
    private void Run(in Call call, int threads, bool inPart)
    {
        var (m, n, k) = (call.M, call.N, call.K);
        int thread = inPart ? Environment.CurrentManagedThreadId : 0;
        float[] a = Operand(thread, call, 0, m * k), b = Operand(thread, call, 1, k * n), c = Operand(thread, call, 2, m * n);
        Gemm.Multiply(Gemm.Kernel.Best, threads, call.TransA, call.TransB, m, n, k, 1f,
            a, call.TransA ? m : k, b, call.TransB ? k : n, 0f, c, n);
    }

    /// <summary>One operand buffer per thread (0 outside a job), shape and role (A, B, C), values in [−1, 1].</summary>
    private float[] Operand(int thread, in Call call, int role, int length)
    {
        var key = (thread, call.TransA, call.TransB, call.M, call.N, call.K, role);
        lock (operands)
        {
            if (operands.TryGetValue(key, out var buffer) && buffer.Length >= length) return buffer;
            buffer = new float[Math.Max(length, 1)];
            var rng = new Random(role + 1);
            for (int i = 0; i < buffer.Length; i++) buffer[i] = (float)(rng.NextDouble() * 2 - 1);
            operands[key] = buffer;
            return buffer;
        }
    }

    private sealed class Parts(GemmLog log, Call[] calls) : PartedWork
    {
        public int Count => calls.Length;

        public override void RunPart(int part) => log.Run(calls[part], 1, inPart: true);
    }
}
