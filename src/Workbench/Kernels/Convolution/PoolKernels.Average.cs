using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

// Average pooling (vectorised over windows through the phase rows, as the max) and adaptive average pooling.
internal static unsafe partial class PoolKernels
{
    /// <summary>
    /// Effectively y[q, oy, ox] = (Σ of the window's pixels inside the plane, row by row) / divisor, the divisor
    /// being k² with <paramref name="countIncludePad"/> (the window's size within the padded plane) and else the
    /// number of pixels inside the plane, as PyTorch's <c>avg_pool2d</c>.
    /// </summary>
    public static void AvgPool(in PoolGeometry g, ReadOnlySpan<float> x, int planes, Span<float> y, bool countIncludePad)
    {
        Require(g, x.Length, y.Length, planes);
        fixed (float* input = x, output = y)
            ParallelChunks.RunItems(new AvgPlanes(g, input, output, countIncludePad), planes, g.PlaneSize + g.OutPlaneSize * g.Kernel * g.Kernel);
    }

    /// <summary>
    /// The adjoint of <see cref="AvgPool"/>: every pixel of a window receives upstream / divisor of that window
    /// (added to <paramref name="gradient"/>, or written with <paramref name="overwrite"/>).
    /// </summary>
    public static void AvgPoolBackward(in PoolGeometry g, ReadOnlySpan<float> upstream, int planes, Span<float> gradient, bool countIncludePad, bool overwrite)
    {
        Require(g, gradient.Length, upstream.Length, planes);
        fixed (float* g0 = upstream, dx = gradient)
            ParallelChunks.RunItems(new AvgBackPlanes(g, g0, dx, countIncludePad, overwrite), planes, g.PlaneSize + g.OutPlaneSize * g.Kernel * g.Kernel);
    }

    /// <summary>The divisor of each of the eight windows from <paramref name="ox"/> in output row <paramref name="oy"/>.</summary>
    private static Vector256<float> Divisors(in PoolGeometry g, int oy, int ox, bool countIncludePad)
    {
        int iy0 = oy * g.Stride - g.Padding;
        var ix0 = Lanes(ox) * g.Stride - Vector256.Create(g.Padding);
        var k = Vector256.Create(g.Kernel);
        Vector256<int> rows, columns;
        if (countIncludePad)
        {
            rows = Vector256.Create(Math.Min(iy0 + g.Kernel, g.Height + g.Padding) - iy0);
            columns = Vector256.Min(ix0 + k, Vector256.Create(g.Width + g.Padding)) - ix0;
        }
        else
        {
            rows = Vector256.Create(Math.Min(iy0 + g.Kernel, g.Height) - Math.Max(iy0, 0));
            columns = Vector256.Min(ix0 + k, Vector256.Create(g.Width)) - Vector256.Max(ix0, Vector256<int>.Zero);
        }
        return Vector256.ConvertToSingle(rows * columns);
    }

    private readonly struct AvgPlanes(PoolGeometry g, float* x, float* y, bool countIncludePad) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            int s = g.Stride, k = g.Kernel, phaseLength = g.PhaseLength;
            fixed (float* phases = ThreadScratch.First(g.PhaseSize))
                for (int plane = start; plane < start + length; plane++)
                {
                    SplitPhases(g, x + (long)plane * g.PlaneSize, phases, 0f);
                    float* output = y + (long)plane * g.OutPlaneSize;
                    for (int oy = 0; oy < g.OutH; oy++)
                    {
                        int iy0 = oy * s - g.Padding, rowLo = Math.Max(iy0, 0), rowHi = Math.Min(iy0 + k, g.Height);
                        for (int ox = 0; ox < g.OutW; ox += 8)
                        {
                            // Row by row, tap by tap as PyTorch sums; the padding's zeros leave the sum unchanged.
                            var sum = Vector256<float>.Zero;
                            for (int iy = rowLo; iy < rowHi; iy++)
                            {
                                float* row = phases + (long)iy * s * phaseLength + ox;
                                for (int j = 0; j < k; j++) sum += Vector256.Load(row + (j % s) * phaseLength + j / s);
                            }
                            Store(sum / Divisors(g, oy, ox, countIncludePad), output + oy * g.OutW + ox, g.OutW - ox);
                        }
                    }
                }
        }
    }

    private readonly struct AvgBackPlanes(PoolGeometry g, float* upstream, float* gradient, bool countIncludePad, bool overwrite) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            int s = g.Stride, k = g.Kernel, p = g.Padding, phaseLength = g.PhaseLength;
            Span<float> tail = stackalloc float[8];
            fixed (float* phases = ThreadScratch.First(g.PhaseSize))
                for (int plane = start; plane < start + length; plane++)
                {
                    new Span<float>(phases, g.PhaseSize).Clear();
                    float* source = upstream + (long)plane * g.OutPlaneSize;
                    for (int oy = 0; oy < g.OutH; oy++)
                    {
                        int iy0 = oy * s - p, rowLo = Math.Max(iy0, 0), rowHi = Math.Min(iy0 + k, g.Height);
                        for (int ox = 0; ox < g.OutW; ox += 8)
                        {
                            Vector256<float> upstreamValues;
                            if (ox + 8 <= g.OutW) upstreamValues = Vector256.Load(source + oy * g.OutW + ox);
                            else
                            {
                                tail.Clear(); // windows past the row's end give nothing
                                new ReadOnlySpan<float>(source + oy * g.OutW + ox, g.OutW - ox).CopyTo(tail);
                                upstreamValues = Vector256.Create<float>(tail);
                            }
                            var delta = upstreamValues / Divisors(g, oy, ox, countIncludePad);
                            delta = Vector256.ConditionalSelect(Vector256.LessThan(Lanes(ox), Vector256.Create(g.OutW)).AsSingle(), delta, Vector256<float>.Zero);
                            for (int iy = rowLo; iy < rowHi; iy++)
                            {
                                float* row = phases + (long)iy * s * phaseLength + ox;
                                for (int j = 0; j < k; j++)
                                {
                                    float* target = row + (j % s) * phaseLength + j / s;
                                    (Vector256.Load(target) + delta).Store(target);
                                }
                            }
                        }
                    }
                    // Back from the phase rows onto the plane; the padding's entries are dropped.
                    float* image = gradient + (long)plane * g.PlaneSize;
                    for (int iy = 0; iy < g.Height; iy++)
                        for (int ix = 0; ix < g.Width; ix++)
                        {
                            int column = ix + p;
                            float value = phases[((long)iy * s + column % s) * phaseLength + column / s];
                            if (overwrite) image[iy * g.Width + ix] = value;
                            else image[iy * g.Width + ix] += value;
                        }
                }
        }
    }

    /// <summary>
    /// Adaptive average pooling as PyTorch's <c>adaptive_avg_pool2d</c>: output cell (oy, ox) of an (outH, outW) grid
    /// averages rows [⌊oy·H/outH⌋, ⌈(oy + 1)·H/outH⌉) and the columns alike, y = (Σ row by row) / kh / kw.
    /// </summary>
    public static void AdaptiveAvgPool(ReadOnlySpan<float> x, int planes, int height, int width, int outH, int outW, Span<float> y)
    {
        for (int plane = 0; plane < planes; plane++)
        {
            var image = x.Slice(plane * height * width, height * width);
            var output = y.Slice(plane * outH * outW, outH * outW);
            for (int oy = 0; oy < outH; oy++)
            {
                var (rowLo, rowHi) = AdaptiveRange(oy, height, outH);
                for (int ox = 0; ox < outW; ox++)
                {
                    var (columnLo, columnHi) = AdaptiveRange(ox, width, outW);
                    float sum = 0f;
                    for (int iy = rowLo; iy < rowHi; iy++)
                        for (int ix = columnLo; ix < columnHi; ix++) sum += image[iy * width + ix];
                    output[oy * outW + ox] = sum / (rowHi - rowLo) / (columnHi - columnLo);
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="AdaptiveAvgPool"/>: each cell's pixels receive upstream / kh / kw (added to <paramref name="gradient"/>).</summary>
    public static void AdaptiveAvgPoolBackward(ReadOnlySpan<float> upstream, int planes, int height, int width, int outH, int outW, Span<float> gradient)
    {
        for (int plane = 0; plane < planes; plane++)
        {
            var image = gradient.Slice(plane * height * width, height * width);
            var source = upstream.Slice(plane * outH * outW, outH * outW);
            for (int oy = 0; oy < outH; oy++)
            {
                var (rowLo, rowHi) = AdaptiveRange(oy, height, outH);
                for (int ox = 0; ox < outW; ox++)
                {
                    var (columnLo, columnHi) = AdaptiveRange(ox, width, outW);
                    float delta = source[oy * outW + ox] / (rowHi - rowLo) / (columnHi - columnLo);
                    for (int iy = rowLo; iy < rowHi; iy++)
                        for (int ix = columnLo; ix < columnHi; ix++) image[iy * width + ix] += delta;
                }
            }
        }
    }

    /// <summary>[⌊o·n/m⌋, ⌈(o + 1)·n/m⌉): the input range of output cell <paramref name="o"/> of <paramref name="outSize"/> over <paramref name="inSize"/>.</summary>
    private static (int Lo, int Hi) AdaptiveRange(int o, int inSize, int outSize) =>
        ((int)((long)o * inSize / outSize), (int)(((long)(o + 1) * inSize + outSize - 1) / outSize));
}
