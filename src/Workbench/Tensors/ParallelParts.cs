using Workbench.Kernels;

namespace Workbench.Tensors;

/// <summary>
/// Whole pieces of tensor work (runs of samples, say) shared out among the kernel worker threads: parts
/// 0 .. n−1 are claimed as threads come free, and each runs start to finish on one thread, inside a
/// <see cref="TensorScope"/> of that thread's own buffer pool and with the calling thread's gradient mode.
/// Ops inside a part run single-threaded, so a part's tensors stay in its thread's cache and no thread
/// waits for another between ops. Which thread runs a part never changes what it computes.
/// </summary>
internal static class ParallelParts
{
    /// <summary>Runs <paramref name="part"/>(0 .. <paramref name="parts"/>−1); returns when all are done.</summary>
    public static void Run(int parts, Action<int> part)
    {
        if (parts < 1) return;
        var work = new Work(part, GradMode.IsEnabled);
        WorkerPool.Run(work, parts, Math.Min(parts, Gemm.MaxThreads));
    }

    private sealed class Work(Action<int> part, bool gradients) : PartedWork
    {
        /// <summary>Each thread's tensors for its parts come from its own pool, refilled part after part.</summary>
        [ThreadStatic] private static BufferPool? threadPool;

        public override void RunPart(int index)
        {
            using var scope = TensorScope.Begin(threadPool ??= new BufferPool());
            if (gradients)
            {
                part(index);
                return;
            }
            using var noGrad = GradMode.NoGrad();
            part(index);
        }
    }
}
