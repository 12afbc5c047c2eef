namespace Workbench.Kernels;

/// <summary>An elementwise kernel over [start, start + length) of arrays it holds (pinned for the call).</summary>
internal interface IChunkKernel
{
    void Run(int start, int length);
}

/// <summary>
/// Splits a large elementwise kernel into contiguous chunks run on the <see cref="WorkerPool"/>. Each element
/// is computed by the same code whichever chunk holds it, so the result is the same for any thread count.
/// </summary>
internal static class ParallelChunks
{
    /// <summary>
    /// Each extra thread needs at least this many elements (~5 µs of a light kernel) to pay for itself: a ReLU's
    /// backward over a 128 × 400 hidden layer (51,200 elements) runs on two threads.
    /// </summary>
    internal const int MinElementsPerPart = 16 * 1024;

    /// <summary>Chunk boundaries fall on multiples of this (one 256-bit vector), so only the last chunk has a tail.</summary>
    private const int Alignment = 8;

    /// <summary>Runs <paramref name="kernel"/> over [0, <paramref name="length"/>), in parallel when it is large.</summary>
    public static void Run<TKernel>(TKernel kernel, int length) where TKernel : struct, IChunkKernel
        => Run(kernel, length, Math.Clamp(length / MinElementsPerPart, 1, Gemm.MaxThreads), Alignment);

    /// <summary>
    /// Runs <paramref name="kernel"/> over items [0, <paramref name="items"/>) (images of a batch, say), each
    /// touching about <paramref name="elementsPerItem"/> elements, in contiguous runs of whole items. The
    /// split depends only on the sizes and the thread bound, never on timing.
    /// </summary>
    public static void RunItems<TKernel>(TKernel kernel, int items, long elementsPerItem) where TKernel : struct, IChunkKernel
    {
        long parts = Math.Clamp(items * Math.Max(1, elementsPerItem) / MinElementsPerPart, 1, Math.Min(Gemm.MaxThreads, Math.Max(1, items)));
        Run(kernel, items, (int)parts, alignment: 1);
    }

    private static void Run<TKernel>(TKernel kernel, int length, int parts, int alignment) where TKernel : struct, IChunkKernel
    {
        if (parts == 1)
        {
            if (length > 0) kernel.Run(0, length);
            return;
        }
        var work = Work<TKernel>.Cached ??= new Work<TKernel>();
        (work.Kernel, work.Length, work.Parts, work.Alignment) = (kernel, length, parts, alignment);
        try
        {
            WorkerPool.Run(work, parts, parts);
        }
        finally
        {
            work.Kernel = default; // drop the pointers into arrays that are pinned only during this call
        }
    }

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> near-equal aligned chunks of [0, <paramref name="length"/>).</summary>
    internal static (int Start, int Length) Chunk(int length, int parts, int part, int alignment = Alignment)
    {
        int units = (length + alignment - 1) / alignment;
        int start = Math.Min(length, (int)((long)units * part / parts) * alignment);
        int end = Math.Min(length, (int)((long)units * (part + 1) / parts) * alignment);
        return (start, end - start);
    }

    private sealed class Work<TKernel> : PartedWork where TKernel : struct, IChunkKernel
    {
        [ThreadStatic] public static Work<TKernel>? Cached;

        public TKernel Kernel;
        public int Length, Parts, Alignment;

        public override void RunPart(int part)
        {
            var (start, length) = Chunk(Length, Parts, part, Alignment);
            if (length > 0) Kernel.Run(start, length);
        }
    }
}
