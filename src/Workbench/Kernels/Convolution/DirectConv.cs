using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels;

/// <summary>
/// A stride-1 convolution with per-side zero padding (PadH ≤ kh − 1, PadW ≤ kw − 1) of an (InC, H, W) image by an
/// (OutC, InC, kh, kw) kernel, giving (OutC, OutH, OutW) with OutH = H + 2·PadH − kh + 1.
/// </summary>
internal readonly record struct DirectGeometry(int InC, int OutC, int Height, int Width, int KernelH, int KernelW, int PadH, int PadW)
{
    public int OutH => Height + 2 * PadH - KernelH + 1;
    public int OutW => Width + 2 * PadW - KernelW + 1;

    /// <summary>Row stride of the padded planes and of the output rows in the padded layout.</summary>
    public int PaddedWidth => Width + 2 * PadW;

    /// <summary>Entries of one output plane in the padded layout, rounded up to whole blocks of four vectors.</summary>
    public int BlockedPositions => (OutH * PaddedWidth + 31) / 32 * 32;

    /// <summary>Floats of one zero-padded input plane: its (H + 2·PadH) rows and enough zeros after them for whole blocks.</summary>
    public int PaddedPlane => ((Height + 2 * PadH) * PaddedWidth + KernelW + 32 + 7) / 8 * 8;

    public int InSize => InC * Height * Width;
    public int OutSize => OutC * OutH * OutW;
    public int WeightSize => OutC * InC * KernelH * KernelW;
}

/// <summary>
/// Direct (no column matrix) stride-1 convolution for layers with very few output channels (a decoder's last
/// 3×3 convolution to one channel), where im2col + GEMM is a matrix-vector product over a column matrix kh·kw
/// times the input's size and so bound by memory. Each input plane is copied zero-padded with row stride
/// W + 2·PadW; an output row in that layout is then the sum over (c, i, j) of the padded planes shifted by
/// i·(W + 2·PadW) + j times W[o, c, i, j], one contiguous multiply-add per tap over the whole plane (the columns
/// past OutW are computed and dropped). Every output sums its terms in (c, i, j) order starting from zero, then
/// adds the bias; images are split over the worker threads whole, so results do not depend on the thread count.
/// </summary>
internal static unsafe class DirectConv
{
    /// <summary>Output channels up to which a stride-1 convolution runs directly.</summary>
    public const int MaxOutChannels = 4;

    /// <summary>
    /// y[n, o] = b[o] + Σ_{c,i,j} W[o, c, i, j] · xpad[n, c, oy + i, ox + j] for <paramref name="count"/> images
    /// (count, InC, H, W) → (count, OutC, OutH, OutW); with <paramref name="accumulate"/> y += the sum instead (no bias),
    /// with <paramref name="relu"/> y = max(y, 0) after the bias.
    /// </summary>
    public static void Forward(in DirectGeometry g, ReadOnlySpan<float> images, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int count, Span<float> output, bool accumulate, bool relu)
    {
        if (images.Length != count * g.InSize || output.Length != count * g.OutSize || weight.Length != g.WeightSize
            || (!bias.IsEmpty && (bias.Length != g.OutC || accumulate)))
            throw new ArgumentException($"DirectConv.Forward: sizes do not match the geometry {g} for {count} images.");
        fixed (float* x = images, w = weight, b = bias, y = output)
            ParallelChunks.RunItems(new ForwardImages(g, x, w, bias.IsEmpty ? null : b, y, accumulate, relu), count,
                (long)g.InC * g.KernelH * g.KernelW * g.OutH * g.OutW);
    }

    /// <summary>
    /// Per image n the weight gradient Σ_{oy,ox} dY[n, o, oy, ox] · xpad[n, c, oy + i, ox + j] into
    /// <paramref name="weightParts"/>[n] (count, OutC·InC·kh·kw) and Σ dY[n, o] into <paramref name="biasParts"/>[n]
    /// (count, OutC) when it is not empty. <paramref name="gradient"/> (count, OutC, OutH, OutW) is first masked by
    /// y &gt; 0 when <paramref name="reluOutput"/> is given.
    /// </summary>
    public static void ParameterGradients(in DirectGeometry g, ReadOnlySpan<float> images, ReadOnlySpan<float> gradient, ReadOnlySpan<float> reluOutput,
        int count, Span<float> weightParts, Span<float> biasParts)
    {
        if (images.Length != count * g.InSize || gradient.Length != count * g.OutSize || weightParts.Length != count * g.WeightSize
            || (!reluOutput.IsEmpty && reluOutput.Length != gradient.Length) || (!biasParts.IsEmpty && biasParts.Length != count * g.OutC))
            throw new ArgumentException($"DirectConv.ParameterGradients: sizes do not match the geometry {g} for {count} images.");
        fixed (float* x = images, dy = gradient, mask = reluOutput, dw = weightParts, db = biasParts)
            ParallelChunks.RunItems(new GradientImages(g, x, dy, reluOutput.IsEmpty ? null : mask, dw, biasParts.IsEmpty ? null : db), count,
                (long)g.InC * g.KernelH * g.KernelW * g.OutH * g.OutW);
    }

    /// <summary>Copies plane (H, W) into the zero-padded layout (H + 2·PadH rows of W + 2·PadW, then zeros) of <paramref name="padded"/>.</summary>
    private static void PadPlane(in DirectGeometry g, float* plane, float* padded, float* mask)
    {
        int wp = g.PaddedWidth;
        new Span<float>(padded, g.PaddedPlane).Clear();
        for (int r = 0; r < g.Height; r++)
        {
            float* dst = padded + (long)(r + g.PadH) * wp + g.PadW, src = plane + (long)r * g.Width;
            if (mask is null) Buffer.MemoryCopy(src, dst, g.Width * sizeof(float), g.Width * sizeof(float));
            else
            {
                float* m = mask + (long)r * g.Width;
                for (int k = 0; k < g.Width; k++) dst[k] = m[k] > 0f ? src[k] : 0f;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        => Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>
    /// out[o, q] = Σ_{c,i,j} w[o, c, i, j] · padded[c, q + i·Wp + j] for q in [0, BlockedPositions), each in (c, i, j) order from zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Correlate(in DirectGeometry g, float* padded, float* w, float* output)
    {
        int wp = g.PaddedWidth, taps = g.KernelH * g.KernelW, plane = g.PaddedPlane, positions = g.BlockedPositions;
        for (int o = 0; o < g.OutC; o++)
        {
            float* wo = w + (long)o * g.InC * taps;
            float* outo = output + (long)o * positions;
            for (int q = 0; q < positions; q += 32)
            {
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int c = 0; c < g.InC; c++)
                {
                    float* src = padded + (long)c * plane + q;
                    float* wc = wo + c * taps;
                    for (int i = 0; i < g.KernelH; i++)
                        for (int j = 0; j < g.KernelW; j++)
                        {
                            var weight = Vector256.Create(wc[i * g.KernelW + j]);
                            float* s = src + i * wp + j;
                            a0 = MultiplyAdd(Vector256.Load(s), weight, a0);
                            a1 = MultiplyAdd(Vector256.Load(s + 8), weight, a1);
                            a2 = MultiplyAdd(Vector256.Load(s + 16), weight, a2);
                            a3 = MultiplyAdd(Vector256.Load(s + 24), weight, a3);
                        }
                }
                a0.Store(outo + q);
                a1.Store(outo + q + 8);
                a2.Store(outo + q + 16);
                a3.Store(outo + q + 24);
            }
        }
    }

    private readonly struct ForwardImages(DirectGeometry g, float* x, float* w, float* b, float* y, bool accumulate, bool relu) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            var padded = ThreadScratch.First(g.InC * g.PaddedPlane);
            var sums = ThreadScratch.Second(g.OutC * g.BlockedPositions);
            int planeIn = g.Height * g.Width, outH = g.OutH, outW = g.OutW, wp = g.PaddedWidth;
            fixed (float* p = padded, s = sums)
                for (int n = start; n < start + length; n++)
                {
                    for (int c = 0; c < g.InC; c++) PadPlane(g, x + (long)n * g.InSize + (long)c * planeIn, p + (long)c * g.PaddedPlane, null);
                    Correlate(g, p, w, s);
                    for (int o = 0; o < g.OutC; o++)
                    {
                        float bias = b is null ? 0f : b[o];
                        float* dst = y + (long)n * g.OutSize + (long)o * outH * outW;
                        float* src = s + (long)o * g.BlockedPositions;
                        for (int oy = 0; oy < outH; oy++, dst += outW, src += wp)
                            for (int ox = 0; ox < outW; ox++)
                            {
                                if (accumulate) dst[ox] += src[ox];
                                else
                                {
                                    float v = src[ox] + bias;
                                    dst[ox] = relu ? Math.Max(v, 0f) : v;
                                }
                            }
                    }
                }
        }
    }

    private readonly struct GradientImages(DirectGeometry g, float* x, float* dy, float* mask, float* dw, float* db) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            int wp = g.PaddedWidth, taps = g.KernelH * g.KernelW, positions = g.BlockedPositions, outH = g.OutH, outW = g.OutW;
            int planeIn = g.Height * g.Width, planeOut = outH * outW;
            var padded = ThreadScratch.First(g.InC * g.PaddedPlane);
            var grads = ThreadScratch.Second(g.OutC * positions);
            fixed (float* p = padded, d = grads)
                for (int n = start; n < start + length; n++)
                {
                    for (int c = 0; c < g.InC; c++) PadPlane(g, x + (long)n * g.InSize + (long)c * planeIn, p + (long)c * g.PaddedPlane, null);
                    // dY (masked) in the padded-row layout, zero past OutW and past the last row.
                    new Span<float>(d, g.OutC * positions).Clear();
                    for (int o = 0; o < g.OutC; o++)
                    {
                        long at = (long)n * g.OutSize + (long)o * planeOut;
                        float sum = 0f;
                        for (int oy = 0; oy < outH; oy++)
                        {
                            float* dst = d + (long)o * positions + oy * wp;
                            for (int ox = 0; ox < outW; ox++)
                            {
                                long k = at + oy * outW + ox;
                                float v = mask is null || mask[k] > 0f ? dy[k] : 0f;
                                dst[ox] = v;
                                sum += v;
                            }
                        }
                        if (db is not null) db[(long)n * g.OutC + o] = sum;
                    }
                    float* parts = dw + (long)n * g.WeightSize;
                    for (int o = 0; o < g.OutC; o++)
                        for (int c = 0; c < g.InC; c++)
                            for (int i = 0; i < g.KernelH; i++)
                                for (int j = 0; j < g.KernelW; j++)
                                    parts[((long)o * g.InC + c) * taps + i * g.KernelW + j] =
                                        Dot(d + (long)o * positions, p + (long)c * g.PaddedPlane + i * wp + j, positions);
                }
        }

        /// <summary>Σ a[q]·b[q] over q in [0, length) (a multiple of 32), in four vector sums combined in a fixed order.</summary>
        private static float Dot(float* a, float* b, int length)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int q = 0; q < length; q += 32)
            {
                s0 = MultiplyAdd(Vector256.Load(a + q), Vector256.Load(b + q), s0);
                s1 = MultiplyAdd(Vector256.Load(a + q + 8), Vector256.Load(b + q + 8), s1);
                s2 = MultiplyAdd(Vector256.Load(a + q + 16), Vector256.Load(b + q + 16), s2);
                s3 = MultiplyAdd(Vector256.Load(a + q + 24), Vector256.Load(b + q + 24), s3);
            }
            return Vector256.Sum((s0 + s1) + (s2 + s3));
        }
    }
}
