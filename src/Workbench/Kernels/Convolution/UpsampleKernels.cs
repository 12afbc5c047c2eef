namespace Workbench.Kernels;

/// <summary>
/// Where each output row (or column) of an upsampling reads from: one source for nearest, two with weights
/// for linear interpolation. Computed in float as PyTorch 1.13's CPU kernels do, so the indices and weights
/// are PyTorch's own.
/// </summary>
internal sealed class AxisSampling
{
    public required int[] Index0 { get; init; }
    public required int[] Index1 { get; init; }
    public required float[] Weight0 { get; init; }
    public required float[] Weight1 { get; init; }

    /// <summary>
    /// PyTorch's 'nearest': source ⌊o·r⌋ (at most inSize − 1), r = 1/scale when a scale factor was given and
    /// inSize/outSize otherwise (as float); the same size maps o → o and twice the size o → o/2 exactly.
    /// </summary>
    public static AxisSampling Nearest(int inSize, int outSize, double? scale)
    {
        var index = new int[outSize];
        float ratio = Ratio(inSize, outSize, scale);
        for (int o = 0; o < outSize; o++)
            index[o] = outSize == inSize ? o : outSize == 2 * inSize ? o >> 1 : Math.Min((int)MathF.Floor(o * ratio), inSize - 1);
        return new AxisSampling { Index0 = index, Index1 = index, Weight0 = [], Weight1 = [] };
    }

    /// <summary>
    /// PyTorch's linear weights: source position t = r·o with <paramref name="alignCorners"/> (r = (in − 1)/(out − 1)),
    /// else t = max(r·(o + ½) − ½, 0) (half-pixel centres, r as for nearest); reads ⌊t⌋ and the next
    /// pixel (the same at the last one) with weights 1 − λ and λ = t − ⌊t⌋. The same size copies.
    /// </summary>
    public static AxisSampling Linear(int inSize, int outSize, bool alignCorners, double? scale)
    {
        var (index0, index1, weight0, weight1) = (new int[outSize], new int[outSize], new float[outSize], new float[outSize]);
        float ratio = alignCorners ? (outSize > 1 ? (float)(inSize - 1) / (outSize - 1) : 0f) : Ratio(inSize, outSize, scale);
        for (int o = 0; o < outSize; o++)
        {
            if (outSize == inSize)
            {
                (index0[o], index1[o], weight0[o], weight1[o]) = (o, o, 1f, 0f);
                continue;
            }
            // PyTorch computes r·(o + 0.5) − 0.5 in double and stores it as float.
            float source = alignCorners ? ratio * o : Math.Max((float)(ratio * (o + 0.5) - 0.5), 0f);
            int first = (int)source;
            float lambda = Math.Clamp(source - first, 0f, 1f);
            (index0[o], index1[o], weight0[o], weight1[o]) = (first, first + (first < inSize - 1 ? 1 : 0), 1f - lambda, lambda);
        }
        return new AxisSampling { Index0 = index0, Index1 = index1, Weight0 = weight0, Weight1 = weight1 };
    }

    private static float Ratio(int inSize, int outSize, double? scale) =>
        scale is > 0 ? (float)(1.0 / scale.Value) : (float)inSize / outSize;
}

/// <summary>
/// Nearest and bilinear upsampling of planes (N·C planes, H × W → Ho × Wo) and their adjoints, split over the
/// kernel worker threads by whole planes. The adjoints add each output's gradient onto its sources in output
/// order, as PyTorch's CPU backward kernels do.
/// </summary>
internal static unsafe class UpsampleKernels
{
    /// <summary>Effectively y[q, oy, ox] = x[q, rows.Index0[oy], columns.Index0[ox]].</summary>
    public static void Nearest(ReadOnlySpan<float> x, int planes, int height, int width, AxisSampling rows, AxisSampling columns, Span<float> y)
        => Run(x, y, planes, height, width, rows, columns, backward: false, bilinear: false, overwrite: false);

    /// <summary>The adjoint of <see cref="Nearest"/>: dx[q, iy, ix] += dy[q, oy, ox] for every output reading (iy, ix).</summary>
    public static void NearestBackward(ReadOnlySpan<float> upstream, int planes, int height, int width, AxisSampling rows, AxisSampling columns, Span<float> gradient, bool overwrite)
        => Run(upstream, gradient, planes, height, width, rows, columns, backward: true, bilinear: false, overwrite);

    /// <summary>Effectively y = (x[h0, w0]·λw0 + x[h0, w1]·λw1)·λh0 + (x[h1, w0]·λw0 + x[h1, w1]·λw1)·λh1.</summary>
    public static void Bilinear(ReadOnlySpan<float> x, int planes, int height, int width, AxisSampling rows, AxisSampling columns, Span<float> y)
        => Run(x, y, planes, height, width, rows, columns, backward: false, bilinear: true, overwrite: false);

    /// <summary>The adjoint of <see cref="Bilinear"/>: each output's gradient times λh·λw onto its four sources, in the order (h0, w0), (h0, w1), (h1, w0), (h1, w1).</summary>
    public static void BilinearBackward(ReadOnlySpan<float> upstream, int planes, int height, int width, AxisSampling rows, AxisSampling columns, Span<float> gradient, bool overwrite)
        => Run(upstream, gradient, planes, height, width, rows, columns, backward: true, bilinear: true, overwrite);

    /// <summary>Forward: source = images, destination = upsampled; backward: source = upstream gradient, destination = image gradient.</summary>
    private static void Run(ReadOnlySpan<float> source, Span<float> destination, int planes, int height, int width,
        AxisSampling rows, AxisSampling columns, bool backward, bool bilinear, bool overwrite)
    {
        int outH = rows.Index0.Length, outW = columns.Index0.Length;
        int imageLength = backward ? destination.Length : source.Length, upsampledLength = backward ? source.Length : destination.Length;
        if (imageLength != (long)planes * height * width || upsampledLength != (long)planes * outH * outW)
            throw new ArgumentException($"UpsampleKernels: {planes} planes need {planes * height * width} and {planes * outH * outW} values, got {imageLength} and {upsampledLength}.");
        fixed (float* from = source, to = destination)
            ParallelChunks.RunItems(new Planes(backward ? to : from, backward ? from : to, height, width, rows, columns, backward, bilinear, overwrite),
                planes, (long)outH * outW * (bilinear ? 4 : 1));
    }

    private readonly struct Planes(float* x, float* y, int height, int width, AxisSampling rows, AxisSampling columns, bool backward, bool bilinear, bool overwrite)
        : IChunkKernel
    {
        public void Run(int start, int length)
        {
            int outH = rows.Index0.Length, outW = columns.Index0.Length;
            int[] h0 = rows.Index0, h1 = rows.Index1, w0 = columns.Index0, w1 = columns.Index1;
            float[] lh0 = rows.Weight0, lh1 = rows.Weight1, lw0 = columns.Weight0, lw1 = columns.Weight1;
            for (int plane = start; plane < start + length; plane++)
            {
                float* image = x + (long)plane * height * width, output = y + (long)plane * outH * outW;
                if (backward && overwrite) new Span<float>(image, height * width).Clear();
                for (int oy = 0; oy < outH; oy++)
                {
                    float* row0 = image + h0[oy] * width, row1 = image + h1[oy] * width, line = output + oy * outW;
                    if (!bilinear)
                    {
                        if (backward) for (int ox = 0; ox < outW; ox++) row0[w0[ox]] += line[ox];
                        else for (int ox = 0; ox < outW; ox++) line[ox] = row0[w0[ox]];
                        continue;
                    }
                    float top = lh0[oy], bottom = lh1[oy];
                    if (backward)
                        for (int ox = 0; ox < outW; ox++)
                        {
                            float g = line[ox];
                            row0[w0[ox]] += top * lw0[ox] * g;
                            row0[w1[ox]] += top * lw1[ox] * g;
                            row1[w0[ox]] += bottom * lw0[ox] * g;
                            row1[w1[ox]] += bottom * lw1[ox] * g;
                        }
                    else
                        for (int ox = 0; ox < outW; ox++)
                            line[ox] = (row0[w0[ox]] * lw0[ox] + row0[w1[ox]] * lw1[ox]) * top
                                     + (row1[w0[ox]] * lw0[ox] + row1[w1[ox]] * lw1[ox]) * bottom;
                }
            }
        }
    }
}
