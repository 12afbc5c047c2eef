using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

// The per-row form the importance-weighted bound needs: k decoder rows share one image, so the targets are
// read through a row map instead of being copied k times, and each row's pixel terms are summed as they are
// made instead of being written out and reduced in a second pass.
internal static partial class BinaryCrossEntropyKernels
{
    /// <summary>
    /// Effectively rowLoss[r] = Σ_j BCE(logits[r, j], targets[targetRows[r], j]) over the <paramref name="width"/>
    /// columns, and, when <paramref name="derivative"/> is not empty, derivative[r, j] = σ(l) − t as in
    /// <see cref="Forward"/>. Rows are split over the worker threads whole, and each row is summed in the
    /// same order (8 lane partial sums, then the lanes) whichever thread runs it. The log1p terms are summed as
    /// logarithms of products of 64 factors (see <see cref="GroupVectors"/>), so a row's sum agrees with the sum of
    /// <see cref="Forward"/>'s terms to float rounding, not bit for bit.
    /// </summary>
    public static unsafe void RowSums(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<int> targetRows, int width,
        Span<float> rowLoss, Span<float> derivative = default)
    {
        int rows = targetRows.Length;
        if (width < 1 || logits.Length != (long)rows * width || rowLoss.Length != rows || targets.Length % width != 0
            || (!derivative.IsEmpty && derivative.Length != logits.Length))
            throw new ArgumentException($"BinaryCrossEntropy rows: {rows} rows of {width} need {rows * width} logits and {rows} sums, got {logits.Length} and {rowLoss.Length} (targets {targets.Length}).");
        int targetCount = targets.Length / width;
        foreach (int t in targetRows)
            if ((uint)t >= (uint)targetCount)
                throw new ArgumentOutOfRangeException(nameof(targetRows), t, $"BinaryCrossEntropy rows: target row must be in [0, {targetCount}).");
        fixed (float* l = logits, t = targets, y = rowLoss, d = derivative)
        fixed (int* map = targetRows)
            ParallelChunks.RunItems(new RowChunk(l, t, map, width, y, derivative.IsEmpty ? null : d), rows, 4L * width);
    }

    /// <summary>
    /// Vectors whose (1 + e^−|l|) factors are multiplied before one logarithm (the product stays below 2⁸).
    /// Rounding each factor and each product to float moves the logarithm by at most 2⁻²⁴ ≈ 6e−8 nats per pixel
    /// (a saturated pixel's e^−|l| below that is lost), so a row of 784 pixels is within 1e−4 nats of the exact
    /// sum and typically within 1e−6, against a float resolution of 3e−5 for a row's sum of a few hundred nats.
    /// </summary>
    private const int GroupVectors = 8;

    /// <summary>ln x for normal x ≥ 1: x = m·2ⁿ with m ∈ [1, 2), ln x = n·ln 2 + log1p(m − 1).</summary>
    private static Vector256<float> LogAtLeastOne(Vector256<float> x)
    {
        var bits = x.AsInt32();
        var n = Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(127));
        var m = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000)).AsSingle();
        // ln 2 split into a part exact in float times small n, and the rest.
        return n * Vector256.Create(0.693359375f) + n * Vector256.Create(-2.12194440e-4f) + VectorMath.Log1PUnit(m - Vector256<float>.One);
    }

    private readonly unsafe struct RowChunk(float* logits, float* targets, int* targetRows, int width, float* rowLoss, float* derivative) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            Span<float> tail = stackalloc float[2 * Lanes];
            Span<float> mask = stackalloc float[Lanes];
            int body = width - width % Lanes;
            for (int q = 0; q < Lanes; q++) mask[q] = q < width - body ? 1f : 0f;
            var tailMask = Vector256.Create<float>(mask);
            for (int r = start; r < start + length; r++)
            {
                float* l = logits + (long)r * width, t = targets + (long)targetRows[r] * width;
                float* d = derivative is null ? null : derivative + (long)r * width;
                // Σ log1p(e^−|l|) is taken as log Π (1 + e^−|l|): one logarithm per GroupVectors vectors instead
                // of one per vector (each factor is in [1, 2], so a group's product stays below 2^GroupVectors).
                var sum = Vector256<float>.Zero;
                var product = Vector256<float>.One;
                int inGroup = 0;
                for (int j = 0; j < body; j += Lanes)
                {
                    var lj = Vector256.Load(l + j);
                    var tj = Vector256.Load(t + j);
                    var (e, w) = ExpNegativeAbs(lj);
                    sum += Vector256.Max(lj, Vector256<float>.Zero) - lj * tj;
                    product *= w;
                    if (++inGroup == GroupVectors)
                    {
                        sum += LogAtLeastOne(product);
                        (product, inGroup) = (Vector256<float>.One, 0);
                    }
                    if (d is not null) (Sigmoid(lj, e, w) - tj).Store(d + j);
                }
                if (body < width)
                {
                    tail.Clear();
                    new ReadOnlySpan<float>(l + body, width - body).CopyTo(tail);
                    new ReadOnlySpan<float>(t + body, width - body).CopyTo(tail[Lanes..]);
                    var (lt, tt) = (Vector256.Create<float>(tail[..Lanes]), Vector256.Create<float>(tail[Lanes..]));
                    var (e, w) = ExpNegativeAbs(lt);
                    sum += (Vector256.Max(lt, Vector256<float>.Zero) - lt * tt) * tailMask;
                    product *= Vector256.ConditionalSelect(Vector256.GreaterThan(tailMask, Vector256<float>.Zero), w, Vector256<float>.One);
                    if (d is not null)
                    {
                        (Sigmoid(lt, e, w) - tt).CopyTo(tail);
                        tail[..(width - body)].CopyTo(new Span<float>(d + body, width - body));
                    }
                }
                sum += LogAtLeastOne(product);
                rowLoss[r] = Vector256.Sum(sum);
            }
        }
    }

    /// <summary>
    /// The chain rule through <see cref="RowSums"/>: effectively gradient[r, j] += upstream[r]·derivative[r, j]
    /// (= with <paramref name="overwrite"/>), rows split over the worker threads.
    /// </summary>
    public static unsafe void RowChain(ReadOnlySpan<float> upstream, ReadOnlySpan<float> derivative, int width, Span<float> gradient, bool overwrite)
    {
        if (derivative.Length != (long)upstream.Length * width || gradient.Length != derivative.Length)
            throw new ArgumentException($"BinaryCrossEntropy rows chain: {upstream.Length} rows of {width} need {upstream.Length * width} values, got {derivative.Length} and {gradient.Length}.");
        fixed (float* g = upstream, d = derivative, dl = gradient)
            ParallelChunks.RunItems(new ChainChunk(g, d, width, dl, overwrite), upstream.Length, width);
    }

    private readonly unsafe struct ChainChunk(float* upstream, float* derivative, int width, float* gradient, bool overwrite) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            for (int r = start; r < start + length; r++)
            {
                var d = new ReadOnlySpan<float>(derivative + (long)r * width, width);
                var dl = new Span<float>(gradient + (long)r * width, width);
                if (overwrite) System.Numerics.Tensors.TensorPrimitives.Multiply(d, upstream[r], dl);
                else System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(d, upstream[r], dl, dl);
            }
        }
    }
}
