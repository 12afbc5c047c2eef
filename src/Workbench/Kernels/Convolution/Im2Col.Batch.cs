using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels;

// The batched forms: a whole group of images shares one column matrix, so a convolution layer is one
// large GEMM per pass instead of one small GEMM per image. The column matrix of `count` images is
// (C·kh·kw, count·OutH·OutW), row-major: image n owns columns [n·P, (n+1)·P), P = OutH·OutW.
// Images are independent, so the work is split over the kernel worker threads by whole images with a
// split fixed by the sizes (ParallelChunks.RunItems); every pixel is summed in the same order as the
// one-image forms, whichever thread runs it.
internal static unsafe partial class Im2Col
{
    /// <summary>Writes the column matrix of <paramref name="count"/> images (count, C, H, W) into <paramref name="columns"/> (C·kh·kw, count·P).</summary>
    public static void UnfoldBatch(in ConvGeometry g, ReadOnlySpan<float> images, int count, Span<float> columns)
    {
        RequireBatch(g, images.Length, columns.Length, count);
        fixed (float* x = images, c = columns)
            ParallelChunks.RunItems(new UnfoldImages(g, x, c, count), count, (long)g.PatchSize * g.Positions);
    }

    /// <summary>
    /// The adjoint of <see cref="UnfoldBatch"/>: adds the column matrix (C·kh·kw, count·P) back onto
    /// <paramref name="count"/> images (count, C, H, W). Unless <paramref name="accumulate"/>, each image is first
    /// set to <paramref name="channelStart"/>[c] over channel c (zero when it is empty), so the result is
    /// written rather than added to.
    /// </summary>
    /// <param name="relu">Then set each image to max(image, 0) (as <c>TensorPrimitives.Max</c>) while it is in cache.</param>
    public static void FoldBatch(in ConvGeometry g, ReadOnlySpan<float> columns, int count, Span<float> images,
        ReadOnlySpan<float> channelStart, bool accumulate, bool relu = false)
    {
        RequireBatch(g, images.Length, columns.Length, count);
        if (!channelStart.IsEmpty && channelStart.Length != g.Channels)
            throw new ArgumentException($"FoldBatch: {channelStart.Length} channel start values for {g.Channels} channels.");
        fixed (float* x = images, c = columns, s = channelStart)
            ParallelChunks.RunItems(new FoldImages(g, c, x, count, channelStart.IsEmpty ? null : s, accumulate, relu), count, (long)g.PatchSize * g.Positions);
    }

    private static void RequireBatch(in ConvGeometry g, int imagesLength, int columnsLength, int count)
    {
        if (imagesLength != count * g.ImageSize || columnsLength != count * g.PatchSize * g.Positions)
            throw new ArgumentException($"Im2Col: {count} images need {count * g.ImageSize} pixels and {count * g.PatchSize * g.Positions} column entries, got {imagesLength} and {columnsLength}.");
    }

    /// <summary>Largest window table (kh·kw·OutH·OutW ints) built on the stack; larger geometries use the row-by-row forms.</summary>
    private const int MaxTableEntries = 8192;

    /// <summary>
    /// table[(i·kw + j)·P + q] = the offset within a channel plane of the pixel that window position q reads
    /// through kernel tap (i, j), or −1 where it falls in the padding. With it a tap's P entries are one
    /// loop, where the row-by-row form pays its set-up for every output row (7 wide in the conv VAE).
    /// </summary>
    private static void BuildTable(in ConvGeometry g, Span<int> table)
    {
        int q0 = 0;
        for (int i = 0; i < g.KernelH; i++)
            for (int j = 0; j < g.KernelW; j++, q0 += g.Positions)
                for (int oy = 0, q = q0; oy < g.OutH; oy++)
                {
                    int iy = oy * g.Stride - g.Padding + i;
                    for (int ox = 0; ox < g.OutW; ox++, q++)
                    {
                        int ix = ox * g.Stride - g.Padding + j;
                        table[q] = (uint)iy < (uint)g.Height && (uint)ix < (uint)g.Width ? iy * g.Width + ix : -1;
                    }
                }
    }

    private static bool UsesTable(in ConvGeometry g) => (long)g.KernelH * g.KernelW * g.Positions <= MaxTableEntries;

    private readonly struct UnfoldImages(ConvGeometry g, float* images, float* columns, int count) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            int ld = count * g.Positions;
            if (UsesRowForms(g))
            {
                UnfoldRows(g, images, columns, count, start, length);
                return;
            }
            if (!UsesTable(g))
            {
                var all = new Span<float>(columns, g.PatchSize * ld);
                for (int n = start; n < start + length; n++)
                    Unfold(g, new ReadOnlySpan<float>(images + (long)n * g.ImageSize, g.ImageSize), all, ld, n * g.Positions);
                return;
            }
            Span<int> table = stackalloc int[g.KernelH * g.KernelW * g.Positions];
            BuildTable(g, table);
            int taps = g.KernelH * g.KernelW, positions = g.Positions, planeSize = g.Height * g.Width;
            fixed (int* t = table)
                for (int n = start; n < start + length; n++)
                    for (int c = 0; c < g.Channels; c++)
                    {
                        float* plane = images + (long)n * g.ImageSize + c * planeSize;
                        for (int tap = 0; tap < taps; tap++)
                        {
                            float* dst = columns + (long)(c * taps + tap) * ld + (long)n * positions;
                            int* index = t + tap * positions;
                            int q = GatherTap(plane, index, dst, positions);
                            for (; q < positions; q++)
                            {
                                int k = index[q];
                                dst[q] = k >= 0 ? plane[k] : 0f;
                            }
                        }
                    }
        }
    }

    /// <summary>
    /// dst[q] = plane[index[q]], or 0 where index[q] &lt; 0, for whole vectors of q with AVX2 masked gathers (lanes
    /// in the padding are never read); returns the first q left for the scalar tail.
    /// </summary>
    private static int GatherTap(float* plane, int* index, float* dst, int positions)
    {
        if (!Avx2.IsSupported) return 0;
        int q = 0;
        for (; q + 8 <= positions; q += 8)
        {
            var k = Avx.LoadVector256(index + q);
            var inside = Avx2.CompareGreaterThan(k, Vector256.Create(-1)).AsSingle();
            Avx.Store(dst + q, Avx2.GatherMaskVector256(Vector256<float>.Zero, plane, k, inside, 4));
        }
        return q;
    }

    private readonly struct FoldImages(ConvGeometry g, float* columns, float* images, int count, float* channelStart, bool accumulate, bool relu) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            if (!accumulate && FoldsByHalves(g))
            {
                // Written in registers from the channel's start value: no clearing or reading of the images first, and the ReLU as rows are stored.
                FoldRowsStride2(g, columns, images, count, start, length, write: true, channelStart, relu);
                return;
            }
            Fold(start, length);
            if (!relu) return;
            for (int n = start; n < start + length; n++)
            {
                var image = new Span<float>(images + (long)n * g.ImageSize, g.ImageSize);
                TensorPrimitives.Max(image, 0f, image);
            }
        }

        private void Fold(int start, int length)
        {
            int ld = count * g.Positions, plane = g.Height * g.Width;
            var all = new ReadOnlySpan<float>(columns, g.PatchSize * ld);
            bool rows = UsesRowForms(g);
            for (int n = start; n < start + length; n++)
            {
                var image = new Span<float>(images + (long)n * g.ImageSize, g.ImageSize);
                if (!accumulate)
                {
                    if (channelStart is null) image.Clear();
                    else for (int c = 0; c < g.Channels; c++) image.Slice(c * plane, plane).Fill(channelStart[c]);
                }
                if (!rows && !UsesTable(g)) FoldAdd(g, all, ld, n * g.Positions, image);
            }
            if (rows)
            {
                FoldRows(g, columns, images, count, start, length);
                return;
            }
            if (!UsesTable(g)) return;
            // Tap by tap in the same order as FoldAdd, so every pixel receives its terms in the same order. Each tap's
            // window positions inside the image are listed once as (position, pixel) pairs, so the adds take no branch.
            int taps = g.KernelH * g.KernelW, positions = g.Positions;
            Span<int> table = stackalloc int[taps * positions];
            Span<int> pixels = stackalloc int[taps * positions];
            Span<int> ends = stackalloc int[taps];
            BuildTable(g, table);
            for (int tap = 0, e = 0; tap < taps; tap++)
            {
                for (int q = 0; q < positions; q++)
                {
                    int k = table[tap * positions + q];
                    if (k < 0) continue;
                    pixels[e] = k;
                    table[e++] = q; // compacted in place: entry e ≤ tap·P + q is never read again
                }
                ends[tap] = e;
            }
            fixed (int* from = table, to = pixels)
                for (int n = start; n < start + length; n++)
                    for (int c = 0; c < g.Channels; c++)
                    {
                        float* target = images + (long)n * g.ImageSize + c * plane;
                        for (int tap = 0, e = 0; tap < taps; tap++)
                        {
                            float* src = columns + (long)(c * taps + tap) * ld + (long)n * positions;
                            for (int end = ends[tap]; e < end; e++) target[to[e]] += src[from[e]];
                        }
                    }
        }
    }
}

/// <summary>
/// Moves a batch between the image-major layout of tensors, (N, C, P), and the channel-major layout of a
/// batched GEMM operand or result, (C, N·P), where P is the pixels of one channel plane.
/// </summary>
internal static unsafe class ChannelMajor
{
    /// <summary>
    /// Effectively destination[c, n·P + p] = source[n, c, p], or, given a <paramref name="reluOutput"/> of the
    /// source's shape, source[n, c, p] where reluOutput[n, c, p] &gt; 0 and 0 elsewhere (a gradient taken
    /// back through a ReLU, as its backward rule computes it).
    /// </summary>
    public static void Gather(ReadOnlySpan<float> source, int count, int channels, int positions, Span<float> destination,
        ReadOnlySpan<float> reluOutput = default)
    {
        Require(source.Length, destination.Length, count, channels, positions);
        if (!reluOutput.IsEmpty && reluOutput.Length != source.Length)
            throw new ArgumentException($"ChannelMajor.Gather: the ReLU output has {reluOutput.Length} values for {source.Length}.");
        fixed (float* s = source, d = destination, y = reluOutput)
            ParallelChunks.RunItems(new GatherImages(s, d, count, channels, positions, reluOutput.IsEmpty ? null : y), count, (long)channels * positions);
    }

    /// <summary>
    /// Effectively destination[n, c, p] = source[c, n·P + p] + bias[c] (no bias when it is empty), or
    /// destination[n, c, p] += source[c, n·P + p] when <paramref name="accumulate"/>.
    /// </summary>
    /// <param name="relu">Then destination[n, c, :] = max(destination[n, c, :], 0) (as <c>TensorPrimitives.Max</c>).</param>
    public static void Scatter(ReadOnlySpan<float> source, int count, int channels, int positions, Span<float> destination,
        ReadOnlySpan<float> bias, bool accumulate, bool relu = false)
    {
        Require(destination.Length, source.Length, count, channels, positions);
        if (!bias.IsEmpty && (bias.Length != channels || accumulate))
            throw new ArgumentException($"ChannelMajor.Scatter: bias needs {channels} values and a written (not accumulated) destination.");
        fixed (float* s = source, d = destination, b = bias)
            ParallelChunks.RunItems(new ScatterImages(s, d, count, channels, positions, bias.IsEmpty ? null : b, accumulate, relu), count, (long)channels * positions);
    }

    private static void Require(int imageMajorLength, int channelMajorLength, int count, int channels, int positions)
    {
        long needed = (long)count * channels * positions;
        if (imageMajorLength != needed || channelMajorLength != needed)
            throw new ArgumentException($"ChannelMajor: {count} images of {channels} × {positions} need {needed} values on both sides, got {imageMajorLength} and {channelMajorLength}.");
    }

    private readonly struct GatherImages(float* source, float* destination, int count, int channels, int positions, float* reluOutput) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            long ld = (long)count * positions;
            for (int n = start; n < start + length; n++)
                for (int c = 0; c < channels; c++)
                {
                    long plane = ((long)n * channels + c) * positions;
                    float* to = destination + c * ld + (long)n * positions;
                    if (reluOutput is null) WritePlane(source + plane, to, positions, 0f, addBias: false, accumulate: false, relu: false);
                    else ActivationKernels.ReluBackwardSerial(new ReadOnlySpan<float>(source + plane, positions),
                        new ReadOnlySpan<float>(reluOutput + plane, positions), new Span<float>(to, positions), overwrite: true);
                }
        }
    }

    private readonly struct ScatterImages(float* source, float* destination, int count, int channels, int positions, float* bias, bool accumulate, bool relu) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            long ld = (long)count * positions;
            for (int n = start; n < start + length; n++)
                for (int c = 0; c < channels; c++)
                    WritePlane(source + c * ld + (long)n * positions, destination + ((long)n * channels + c) * positions, positions,
                        bias is null ? 0f : bias[c], bias is not null, accumulate, relu);
        }
    }

    /// <summary>
    /// to[p] = from[p] (+ bias, or + to[p] when accumulating), then clamped at 0 when <paramref name="relu"/>: the bits
    /// of <c>TensorPrimitives.Add</c> followed by <c>TensorPrimitives.Max(to, 0)</c> (a NaN stays NaN, −0 becomes +0),
    /// in one pass written out for planes of a few dozen pixels, where two calls per plane cost more than the plane's work.
    /// </summary>
    private static void WritePlane(float* from, float* to, int n, float bias, bool addBias, bool accumulate, bool relu)
    {
        int p = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var b16 = Vector512.Create(bias);
            for (; p + 16 <= n; p += 16)
            {
                var v = Vector512.Load(from + p);
                if (accumulate) v = Vector512.Load(to + p) + v;
                else if (addBias) v += b16;
                if (relu) v = ActivationKernels.ClampAtZero(v);
                v.Store(to + p);
            }
        }
        var b = Vector256.Create(bias);
        for (; p + 8 <= n; p += 8)
        {
            var v = Vector256.Load(from + p);
            if (accumulate) v = Vector256.Load(to + p) + v;
            else if (addBias) v += b;
            if (relu) v = ActivationKernels.ClampAtZero(v);
            v.Store(to + p);
        }
        for (; p < n; p++)
        {
            float v = from[p];
            if (accumulate) v = to[p] + v;
            else if (addBias) v += bias;
            if (relu && v <= 0f) v = 0f;
            to[p] = v;
        }
    }
}
