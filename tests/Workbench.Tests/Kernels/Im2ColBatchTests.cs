using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Tests.Kernels;

/// <summary>The batched im2col/col2im and the channel-major reorders against the one-image forms and index arithmetic.</summary>
public class Im2ColBatchTests
{
    // channels, height, width, kernel, stride, padding. Rows of at most 16 pixels with at most 8 windows take
    // the row-permutation forms (Im2Col.Rows.cs), the others the table or row-by-row forms.
    public static TheoryData<int, int, int, int, int, int> Geometries => new()
    {
        { 1, 28, 28, 4, 2, 1 },
        { 32, 14, 14, 4, 2, 1 },
        { 3, 7, 5, 3, 1, 1 },
        { 2, 9, 9, 5, 2, 2 },
        { 1, 4, 4, 4, 1, 0 },
        { 2, 16, 16, 3, 2, 1 },  // full 16-lane rows, 8 windows per row
        { 1, 6, 6, 3, 3, 2 },    // stride 3, padding wider than a window step
        { 1, 17, 17, 3, 2, 1 },  // one pixel too wide for the row permutations
        { 2, 4, 4, 3, 2, 1 },    // 2 × 2 windows: an 8-lane row store would run past the image's block
        { 3, 28, 28, 3, 2, 1 },  // the batch-norm conv VAE's 3×3 layers at 28 × 28: the table forms, 196 windows (a 4-entry tail)
        { 2, 11, 23, 3, 1, 1 },  // stride 1 in the table forms, 253 windows
        { 3, 12, 12, 2, 2, 0 },  // stride 2 without padding: every tap on pixels of one parity, from the row's start
        { 2, 15, 15, 3, 2, 0 },  // stride 2, odd width: the last pixel reached by one tap only
        { 2, 10, 9, 4, 2, 1 },   // stride 2 on 9-pixel rows: the high half holds one pixel of the row
        { 1, 13, 11, 6, 2, 3 },  // stride 2, a kernel of 6 columns reaching 3 pixels left of the row
        { 2, 32, 32, 4, 2, 1 },  // the widest stride-2 rows: 32 pixels, 16 windows
        { 1, 9, 31, 5, 2, 2 },   // stride 2, 31-pixel rows: 15 windows, the last vector of a row 7 pixels long
        { 2, 8, 20, 2, 2, 0 },   // stride 2, 20-pixel rows: the image's last vector holds nothing of it
    };

    internal static ConvGeometry Geometry(int c, int h, int w, int k, int s, int p) =>
        new(c, h, w, k, k, s, p, (h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1);

    [Fact]
    public void RowPermutes_TakenExactlyByNarrowGeometries()
    {
        Assert.True(Im2Col.UsesRowPermutes(Geometry(32, 14, 14, 4, 2, 1)) || !System.Runtime.Intrinsics.X86.Avx2.IsSupported);
        Assert.True(Im2Col.UsesRowPermutes(Geometry(2, 16, 16, 3, 2, 1)) || !System.Runtime.Intrinsics.X86.Avx2.IsSupported);
        Assert.False(Im2Col.UsesRowPermutes(Geometry(1, 17, 17, 3, 2, 1)));
        Assert.False(Im2Col.UsesRowPermutes(Geometry(1, 28, 28, 4, 2, 1)));
        Assert.True(Im2Col.UsesStride2Rows(Geometry(1, 28, 28, 4, 2, 1)) || !System.Runtime.Intrinsics.X86.Avx2.IsSupported);
        Assert.True(Im2Col.UsesStride2Rows(Geometry(2, 32, 32, 4, 2, 1)) || !System.Runtime.Intrinsics.X86.Avx2.IsSupported);
        Assert.False(Im2Col.UsesStride2Rows(Geometry(1, 33, 33, 4, 2, 1)));
        Assert.False(Im2Col.UsesStride2Rows(Geometry(1, 28, 28, 3, 1, 1)));
    }

    internal static float[] Random(int length, ulong seed)
    {
        var values = new float[length];
        new Rng(seed).FillUniform(values, -1f, 1f);
        return values;
    }

    /// <summary>As <see cref="Random"/> with every 7th entry −0 and every 11th NaN: the entries whose bits an add of zero would change.</summary>
    internal static float[] RandomWithSpecials(int length, ulong seed)
    {
        var values = Random(length, seed);
        for (int i = 0; i < length; i += 7) values[i] = -0f;
        for (int i = 5; i < length; i += 11) values[i] = float.NaN;
        return values;
    }

    internal static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < bits.Length; i++) bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        return bits;
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void UnfoldBatch_EachImageBlock_EqualsThatImagesOwnColumnMatrix(int c, int h, int w, int k, int s, int p)
    {
        var g = Geometry(c, h, w, k, s, p);
        const int count = 5;
        var images = RandomWithSpecials(count * g.ImageSize, 1);
        var batch = Enumerable.Repeat(float.NaN, g.PatchSize * count * g.Positions).ToArray();

        Im2Col.UnfoldBatch(g, images, count, batch);

        var single = new float[g.PatchSize * g.Positions];
        for (int n = 0; n < count; n++)
        {
            Im2Col.Unfold(g, images.AsSpan(n * g.ImageSize, g.ImageSize), single);
            for (int row = 0; row < g.PatchSize; row++)
                Assert.Equal(Bits(single.AsSpan(row * g.Positions, g.Positions)),
                    Bits(batch.AsSpan(row * count * g.Positions + n * g.Positions, g.Positions)));
        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void FoldBatch_MatchesOneImageFoldAdd_WrittenFromChannelStartOrAccumulated_ThenRectified(int c, int h, int w, int k, int s, int p)
    {
        var g = Geometry(c, h, w, k, s, p);
        const int count = 4;
        var columns = RandomWithSpecials(g.PatchSize * count * g.Positions, 2);
        var start = Random(c, 3);
        start[0] = -0f;
        var existing = RandomWithSpecials(count * g.ImageSize, 4);

        var written = Enumerable.Repeat(float.NaN, count * g.ImageSize).ToArray();
        Im2Col.FoldBatch(g, columns, count, written, start, accumulate: false);
        var cleared = Enumerable.Repeat(float.NaN, count * g.ImageSize).ToArray();
        Im2Col.FoldBatch(g, columns, count, cleared, default, accumulate: false);
        var accumulated = (float[])existing.Clone();
        Im2Col.FoldBatch(g, columns, count, accumulated, default, accumulate: true);
        var rectified = Enumerable.Repeat(float.NaN, count * g.ImageSize).ToArray();
        Im2Col.FoldBatch(g, columns, count, rectified, start, accumulate: false, relu: true);

        var block = new float[g.PatchSize * g.Positions];
        for (int n = 0; n < count; n++)
        {
            for (int row = 0; row < g.PatchSize; row++)
                columns.AsSpan(row * count * g.Positions + n * g.Positions, g.Positions).CopyTo(block.AsSpan(row * g.Positions));
            var fromStart = new float[g.ImageSize];
            for (int ch = 0; ch < c; ch++) fromStart.AsSpan(ch * h * w, h * w).Fill(start[ch]);
            var fromZero = new float[g.ImageSize];
            var onExisting = existing.AsSpan(n * g.ImageSize, g.ImageSize).ToArray();
            Im2Col.FoldAdd(g, block, fromStart);
            Im2Col.FoldAdd(g, block, fromZero);
            Im2Col.FoldAdd(g, block, onExisting);
            Assert.Equal(Bits(fromStart), Bits(written.AsSpan(n * g.ImageSize, g.ImageSize)));
            Assert.Equal(Bits(fromZero), Bits(cleared.AsSpan(n * g.ImageSize, g.ImageSize)));
            Assert.Equal(Bits(onExisting), Bits(accumulated.AsSpan(n * g.ImageSize, g.ImageSize)));
            System.Numerics.Tensors.TensorPrimitives.Max(fromStart, 0f, fromStart);
            Assert.Equal(Bits(fromStart), Bits(rectified.AsSpan(n * g.ImageSize, g.ImageSize)));
        }
    }

    [Fact]
    public void ChannelMajor_GatherAndScatter_MoveEveryValueToItsIndex()
    {
        const int count = 3, channels = 4, positions = 7;
        var imageMajor = Random(count * channels * positions, 5);
        var bias = Random(channels, 6);
        var gathered = new float[imageMajor.Length];
        ChannelMajor.Gather(imageMajor, count, channels, positions, gathered);
        var scattered = Enumerable.Repeat(float.NaN, imageMajor.Length).ToArray();
        ChannelMajor.Scatter(gathered, count, channels, positions, scattered, bias, accumulate: false);
        var accumulated = Enumerable.Repeat(1f, imageMajor.Length).ToArray();
        ChannelMajor.Scatter(gathered, count, channels, positions, accumulated, default, accumulate: true);

        for (int n = 0; n < count; n++)
            for (int c = 0; c < channels; c++)
                for (int q = 0; q < positions; q++)
                {
                    float x = imageMajor[(n * channels + c) * positions + q];
                    Assert.Equal(x, gathered[c * count * positions + n * positions + q]);
                    Assert.Equal(x + bias[c], scattered[(n * channels + c) * positions + q]);
                    Assert.Equal(1f + x, accumulated[(n * channels + c) * positions + q]);
                }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(49)]  // the conv VAE's 7 × 7 planes: one plane is 3 whole 16-lane vectors and a 1-pixel tail
    [InlineData(196)] // its 14 × 14 planes
    public void ChannelMajor_WithReluAndBias_HasTheBitsOfAddThenMaxAndOfTheReluBackward(int positions)
    {
        const int count = 3, channels = 4;
        var values = Random(count * channels * positions, 7);
        // Entries the ReLU treats specially: NaN stays NaN, −0 and exact cancellations against the bias become +0.
        var bias = new[] { 0.25f, -0.5f, 0f, 1f };
        for (int i = 0; i < values.Length; i += 3) values[i] = i % 2 == 0 ? -0f : float.NaN;
        for (int i = 1; i < values.Length; i += 5) values[i] = -bias[i / positions % channels];

        var written = new float[values.Length];
        ChannelMajor.Scatter(values, count, channels, positions, written, bias, accumulate: false, relu: true);
        var start = Random(values.Length, 8);
        var accumulated = (float[])start.Clone();
        ChannelMajor.Scatter(values, count, channels, positions, accumulated, default, accumulate: true, relu: true);
        var masked = new float[values.Length];
        ChannelMajor.Gather(values, count, channels, positions, masked, reluOutput: start.Select(v => v - 0.5f).ToArray());

        for (int n = 0; n < count; n++)
            for (int c = 0; c < channels; c++)
            {
                var from = new float[positions];
                for (int q = 0; q < positions; q++) from[q] = values[c * count * positions + n * positions + q];
                var expected = new float[positions];
                System.Numerics.Tensors.TensorPrimitives.Add(from, bias[c], expected);
                System.Numerics.Tensors.TensorPrimitives.Max(expected, 0f, expected);
                var sum = start.AsSpan((n * channels + c) * positions, positions).ToArray();
                System.Numerics.Tensors.TensorPrimitives.Add(sum, from, sum);
                System.Numerics.Tensors.TensorPrimitives.Max(sum, 0f, sum);
                var plane = values.AsSpan((n * channels + c) * positions, positions).ToArray();
                var mask = start.AsSpan((n * channels + c) * positions, positions).ToArray().Select(v => v - 0.5f).ToArray();
                var gradient = new float[positions];
                ActivationKernels.ReluBackward(plane, mask, gradient, overwrite: true);
                for (int q = 0; q < positions; q++)
                {
                    int at = (n * channels + c) * positions + q;
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected[q]), BitConverter.SingleToInt32Bits(written[at]));
                    Assert.Equal(BitConverter.SingleToInt32Bits(sum[q]), BitConverter.SingleToInt32Bits(accumulated[at]));
                    Assert.Equal(BitConverter.SingleToInt32Bits(gradient[q]), BitConverter.SingleToInt32Bits(masked[c * count * positions + n * positions + q]));
                }
            }
    }

    [Fact]
    public void RunItems_SplitsWholeItemsOnlyAndCoversEveryItemOnce()
    {
        foreach (int items in new[] { 0, 1, 2, 3, 128, 1000 })
            for (int parts = 1; parts <= 4; parts++)
            {
                int next = 0;
                for (int part = 0; part < parts; part++)
                {
                    var (start, length) = ParallelChunks.Chunk(items, parts, part, alignment: 1);
                    Assert.Equal(next, start);
                    next = start + length;
                }
                Assert.Equal(items, next);
            }
    }

    [Fact]
    public void BatchKernels_WrongLengths_Throw()
    {
        var g = Geometry(1, 4, 4, 2, 2, 0);
        Assert.Throws<ArgumentException>(() => Im2Col.UnfoldBatch(g, new float[2 * g.ImageSize], 2, new float[g.PatchSize * g.Positions]));
        Assert.Throws<ArgumentException>(() => Im2Col.FoldBatch(g, new float[g.PatchSize * g.Positions], 1, new float[g.ImageSize], new float[2], accumulate: false));
        Assert.Throws<ArgumentException>(() => ChannelMajor.Gather(new float[6], 1, 2, 3, new float[5]));
        Assert.Throws<ArgumentException>(() => ChannelMajor.Scatter(new float[6], 1, 2, 3, new float[6], new float[2], accumulate: true));
    }
}
