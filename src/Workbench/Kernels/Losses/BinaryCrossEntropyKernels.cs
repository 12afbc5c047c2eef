using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>
/// Vectorised binary cross-entropy with logits, the Bernoulli VAE's per-pixel loss and its derivative.
/// Every element, tail included, goes through the same 8-lane arithmetic (the tail through a padded
/// stack copy), so a value never depends on where it sits in the span; large spans are split across
/// the kernel worker threads (<see cref="ParallelChunks"/>) without changing any value.
/// </summary>
/// <remarks>
/// e^−|l| and log1p come from <see cref="VectorMath"/> (a few ulp, cheaper than Vector256.Exp and Log),
/// so results can differ from a scalar MathF loop in the last places.
/// </remarks>
internal static partial class BinaryCrossEntropyKernels
{
    private static int Lanes => Vector256<float>.Count;

    /// <summary>
    /// Effectively loss[i] = max(l, 0) − l·t + log1p(e^−|l|) with l = logits[i], t = targets[i], and, when
    /// <paramref name="derivative"/> is not empty, derivative[i] = σ(l) − t (∂loss/∂l, from the same e^−|l|,
    /// equal bit for bit to what <see cref="Backward"/> computes).
    /// </summary>
    public static unsafe void Forward(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> loss, Span<float> derivative = default)
    {
        int n = logits.Length;
        if (targets.Length != n || loss.Length != n || (!derivative.IsEmpty && derivative.Length != n))
            throw new ArgumentException("BinaryCrossEntropy: span lengths differ.");
        fixed (float* l = logits, t = targets, y = loss, d = derivative)
            ParallelChunks.Run(new ForwardChunk(l, t, y, derivative.IsEmpty ? null : d), n);
    }

    private readonly unsafe struct ForwardChunk(float* logits, float* targets, float* loss, float* derivative) : IChunkKernel
    {
        public void Run(int start, int length) =>
            ForwardSerial(new ReadOnlySpan<float>(logits + start, length), new ReadOnlySpan<float>(targets + start, length),
                new Span<float>(loss + start, length), derivative is null ? default : new Span<float>(derivative + start, length));
    }

    private static void ForwardSerial(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> loss, Span<float> derivative)
    {
        int n = logits.Length;
        bool withDerivative = !derivative.IsEmpty;
        ref float l = ref MemoryMarshal.GetReference(logits);
        ref float t = ref MemoryMarshal.GetReference(targets);
        ref float y = ref MemoryMarshal.GetReference(loss);
        ref float d = ref MemoryMarshal.GetReference(derivative);
        int i = 0;
        for (; i <= n - Lanes; i += Lanes)
        {
            var li = Vector256.LoadUnsafe(ref l, (nuint)i);
            var ti = Vector256.LoadUnsafe(ref t, (nuint)i);
            var (e, w) = ExpNegativeAbs(li);
            Term(li, ti, e).StoreUnsafe(ref y, (nuint)i);
            if (withDerivative) (Sigmoid(li, e, w) - ti).StoreUnsafe(ref d, (nuint)i);
        }
        if (i == n) return;
        Span<float> tail = stackalloc float[2 * Lanes];
        logits[i..].CopyTo(tail);
        targets[i..].CopyTo(tail[Lanes..]);
        var (lt, tt) = (Vector256.Create<float>(tail[..Lanes]), Vector256.Create<float>(tail[Lanes..]));
        var (et, wt) = ExpNegativeAbs(lt);
        Term(lt, tt, et).CopyTo(tail);
        tail[..(n - i)].CopyTo(loss[i..]);
        if (!withDerivative) return;
        (Sigmoid(lt, et, wt) - tt).CopyTo(tail);
        tail[..(n - i)].CopyTo(derivative[i..]);
    }

    /// <summary>
    /// Effectively gradient[i] += g·derivative[i], with g the upstream gradient at i (the chain rule through a
    /// stored ∂loss/∂l); with <paramref name="overwrite"/>, gradient[i] = g·derivative[i] (same bits as adding into zeros).
    /// A large span (a batch of 128 images of 784 pixels) is cut into chunks on the kernel worker threads; each element
    /// is one multiply (and add) whichever chunk holds it.
    /// </summary>
    public static unsafe void AccumulateChain(UpstreamGradient upstream, ReadOnlySpan<float> derivative, Span<float> gradient, bool overwrite = false)
    {
        int n = derivative.Length;
        if (gradient.Length != n || (upstream.PerElement && upstream.Values.Length < n)) throw new ArgumentException("BinaryCrossEntropy chain: span lengths differ.");
        fixed (float* g = upstream.Values, d = derivative, dl = gradient)
            ParallelChunks.Run(new ElementChainChunk(g, upstream.Scale, upstream.PerElement, d, dl, overwrite), n);
    }

    private readonly unsafe struct ElementChainChunk(float* upstream, float scale, bool perElement, float* derivative, float* gradient, bool overwrite) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            ref float d = ref *(derivative + start);
            ref float dl = ref *(gradient + start);
            ref float g = ref *(upstream + (perElement ? start : 0));
            var scaleVector = Vector256.Create(scale);
            var shared = Vector256.Create(*upstream * scale);
            int i = 0;
            for (; i <= length - Lanes; i += Lanes)
            {
                var gi = perElement ? Vector256.LoadUnsafe(ref g, (nuint)i) * scaleVector : shared;
                var term = gi * Vector256.LoadUnsafe(ref d, (nuint)i);
                (overwrite ? term : Vector256.LoadUnsafe(ref dl, (nuint)i) + term).StoreUnsafe(ref dl, (nuint)i);
            }
            for (; i < length; i++)
            {
                float term = (perElement ? Unsafe.Add(ref g, i) * scale : *upstream * scale) * Unsafe.Add(ref d, i);
                Unsafe.Add(ref dl, i) = overwrite ? term : Unsafe.Add(ref dl, i) + term;
            }
        }
    }

    /// <summary>
    /// Effectively logitsGradient[i] += g·(σ(l) − t) and targetsGradient[i] −= g·l, with g the upstream
    /// gradient at i; an empty gradient span is skipped.
    /// </summary>
    public static unsafe void Backward(UpstreamGradient upstream, ReadOnlySpan<float> logits, ReadOnlySpan<float> targets,
        Span<float> logitsGradient, Span<float> targetsGradient)
    {
        int n = logits.Length;
        if (targets.Length != n || (!logitsGradient.IsEmpty && logitsGradient.Length != n) || (!targetsGradient.IsEmpty && targetsGradient.Length != n)
            || (upstream.PerElement && upstream.Values.Length < n))
            throw new ArgumentException("BinaryCrossEntropy backward: span lengths differ.");
        float shared = upstream.PerElement ? 0f : upstream.Values[0] * upstream.Scale;
        fixed (float* g = upstream.Values, l = logits, t = targets, dl = logitsGradient, dt = targetsGradient)
            ParallelChunks.Run(new BackwardChunk(upstream.PerElement ? g : null, upstream.Scale, shared, l, t,
                logitsGradient.IsEmpty ? null : dl, targetsGradient.IsEmpty ? null : dt), n);
    }

    /// <summary>One chunk of the backward pass; a null upstream pointer means the shared value, a null gradient pointer is skipped.</summary>
    private readonly unsafe struct BackwardChunk(float* upstream, float scale, float shared, float* logits, float* targets,
        float* logitsGradient, float* targetsGradient) : IChunkKernel
    {
        public void Run(int start, int length) => BackwardSerial(
            upstream is null ? default : new ReadOnlySpan<float>(upstream + start, length), scale, shared,
            new ReadOnlySpan<float>(logits + start, length), new ReadOnlySpan<float>(targets + start, length),
            logitsGradient is null ? default : new Span<float>(logitsGradient + start, length),
            targetsGradient is null ? default : new Span<float>(targetsGradient + start, length));
    }

    /// <param name="perElement">Upstream values (times <paramref name="scale"/>), or empty to use <paramref name="sharedValue"/> everywhere.</param>
    private static void BackwardSerial(ReadOnlySpan<float> perElement, float scale, float sharedValue, ReadOnlySpan<float> logits, ReadOnlySpan<float> targets,
        Span<float> logitsGradient, Span<float> targetsGradient)
    {
        int n = logits.Length;
        bool hasPerElement = !perElement.IsEmpty;
        var scaleVector = Vector256.Create(scale);
        var shared = Vector256.Create(sharedValue);
        Span<float> gTail = stackalloc float[Lanes], lTail = stackalloc float[Lanes], tTail = stackalloc float[Lanes];
        Span<float> dlTail = stackalloc float[Lanes], dtTail = stackalloc float[Lanes];
        for (int i = 0; i < n; i += Lanes)
        {
            int count = Math.Min(Lanes, n - i);
            Vector256<float> g, l, t, dl = default, dt = default;
            if (count == Lanes)
            {
                g = hasPerElement ? Vector256.Create(perElement.Slice(i, Lanes)) * scaleVector : shared;
                l = Vector256.Create(logits.Slice(i, Lanes));
                t = Vector256.Create(targets.Slice(i, Lanes));
                if (!logitsGradient.IsEmpty) dl = Vector256.Create<float>(logitsGradient.Slice(i, Lanes));
                if (!targetsGradient.IsEmpty) dt = Vector256.Create<float>(targetsGradient.Slice(i, Lanes));
            }
            else
            {
                g = hasPerElement ? Padded(perElement.Slice(i, count), gTail) * scaleVector : shared;
                l = Padded(logits.Slice(i, count), lTail);
                t = Padded(targets.Slice(i, count), tTail);
                if (!logitsGradient.IsEmpty) dl = Padded(logitsGradient.Slice(i, count), dlTail);
                if (!targetsGradient.IsEmpty) dt = Padded(targetsGradient.Slice(i, count), dtTail);
            }
            if (!logitsGradient.IsEmpty) Store(dl + g * (Sigmoid(l) - t), logitsGradient.Slice(i, count), dlTail);
            if (!targetsGradient.IsEmpty) Store(dt - g * l, targetsGradient.Slice(i, count), dtTail);
        }
    }

    /// <summary>e = e^−|l| and w = 1 + e, shared by the loss and σ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> E, Vector256<float> W) ExpNegativeAbs(Vector256<float> l)
    {
        var e = VectorMath.ExpNonPositive(-Vector256.Abs(l));
        return (e, Vector256<float>.One + e);
    }

    /// <summary>max(l, 0) − l·t + log1p(e^−|l|), log1p accurate for tiny e^−|l| too (<see cref="VectorMath.Log1PUnit"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Term(Vector256<float> l, Vector256<float> t, Vector256<float> e) =>
        Vector256.Max(l, Vector256<float>.Zero) - l * t + VectorMath.Log1PUnit(e);

    /// <summary>σ(l) = 1/(1 + e^−l) through e^−|l|, so nothing overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Sigmoid(Vector256<float> l)
    {
        var (e, w) = ExpNegativeAbs(l);
        return Sigmoid(l, e, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Sigmoid(Vector256<float> l, Vector256<float> e, Vector256<float> w)
    {
        // 1/w or e/w lane by lane: the numerator is chosen first, so one division serves both cases.
        var nonNegative = Vector256.GreaterThanOrEqual(l, Vector256<float>.Zero);
        return Vector256.ConditionalSelect(nonNegative, Vector256<float>.One, e) / w;
    }

    /// <summary>The first <c>values.Length</c> lanes from <paramref name="values"/>, the rest zero.</summary>
    private static Vector256<float> Padded(ReadOnlySpan<float> values, Span<float> scratch)
    {
        scratch.Clear();
        values.CopyTo(scratch);
        return Vector256.Create<float>(scratch);
    }

    private static void Store(Vector256<float> value, Span<float> destination, Span<float> scratch)
    {
        if (destination.Length == Lanes)
        {
            value.CopyTo(destination);
            return;
        }
        value.CopyTo(scratch);
        scratch[..destination.Length].CopyTo(destination);
    }
}
