using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>Vectorised backward rules of activations whose derivative is a mask.</summary>
internal static class ActivationKernels
{
    /// <summary>
    /// max(x, 0) lane by lane, with the values of <c>TensorPrimitives.Max(x, 0)</c>: x ≤ 0 (−0 included) becomes +0,
    /// NaN stays NaN. For kernels that apply a ReLU to values they are writing anyway.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ClampAtZero(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256<float>.Zero), Vector256<float>.Zero, x);

    /// <summary><see cref="ClampAtZero(Vector256{float})"/> on 16 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ClampAtZero(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512<float>.Zero), Vector512<float>.Zero, x);

    /// <summary>
    /// Effectively gradient[i] += upstream[i] where output[i] &gt; 0 (ReLU′ read from its output y = max(x, 0));
    /// with <paramref name="overwrite"/>, gradient[i] = upstream[i] there and 0 elsewhere.
    /// </summary>
    public static unsafe void ReluBackward(ReadOnlySpan<float> upstream, ReadOnlySpan<float> output, Span<float> gradient, bool overwrite = false)
    {
        int n = upstream.Length;
        if (output.Length != n || gradient.Length != n) throw new ArgumentException("ReluBackward: span lengths differ.");
        // Large gradients (a 128 × 3136 layer) are cut into chunks on the kernel worker threads; every element is
        // computed by the same code in any chunk.
        fixed (float* g = upstream, y = output, d = gradient)
            ParallelChunks.Run(new ReluBackwardChunk(g, y, d, overwrite), n);
    }

    private readonly unsafe struct ReluBackwardChunk(float* upstream, float* output, float* gradient, bool overwrite) : IChunkKernel
    {
        public void Run(int start, int length) =>
            ReluBackwardSerial(new ReadOnlySpan<float>(upstream + start, length), new ReadOnlySpan<float>(output + start, length),
                new Span<float>(gradient + start, length), overwrite);
    }

    /// <summary><see cref="ReluBackward"/> on the calling thread, for callers that already share their work out (a plane of a conv group).</summary>
    internal static void ReluBackwardSerial(ReadOnlySpan<float> upstream, ReadOnlySpan<float> output, Span<float> gradient, bool overwrite)
    {
        int n = upstream.Length;
        ref float g = ref MemoryMarshal.GetReference(upstream);
        ref float y = ref MemoryMarshal.GetReference(output);
        ref float d = ref MemoryMarshal.GetReference(gradient);
        int i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var active = Vector256.GreaterThan(Vector256.LoadUnsafe(ref y, (nuint)i), Vector256<float>.Zero);
            var upstreamValues = Vector256.LoadUnsafe(ref g, (nuint)i);
            if (overwrite)
            {
                Vector256.ConditionalSelect(active, upstreamValues, Vector256<float>.Zero).StoreUnsafe(ref d, (nuint)i);
                continue;
            }
            var current = Vector256.LoadUnsafe(ref d, (nuint)i);
            // Select rather than add a masked value, so inactive entries stay bit-for-bit unchanged.
            Vector256.ConditionalSelect(active, current + upstreamValues, current).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            if (overwrite) gradient[i] = output[i] > 0f ? upstream[i] : 0f;
            else if (output[i] > 0f) gradient[i] += upstream[i];
        }
    }
}
