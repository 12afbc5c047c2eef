using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Tests.Kernels;

/// <summary>
/// Im2Col.PackPatches (colsᵀ packed straight from the images for a convolution's dW) against the column matrix of
/// UnfoldBatch packed by PackedMatrix.Pack, bit for bit, and the dW product on both paths.
/// </summary>
public class Im2ColPatchesTests
{
    // channels, height, width, stride, padding, images; every kernel 4 × 4.
    public static TheoryData<int, int, int, int, int, int> Geometries => new()
    {
        { 32, 14, 14, 2, 1, 7 },   // the conv VAE's second layer, one backward group
        { 1, 28, 28, 2, 1, 43 },   // its first layer: 8,428 windows, 22 rank-KC blocks of depth
        { 3, 9, 13, 1, 0, 3 },     // stride 1, no padding: every window inside
        { 2, 4, 4, 1, 0, 2 },      // the image is one window
        { 2, 5, 4, 3, 2, 2 },      // stride 3, padding 2: windows overhanging both sides
        { 1, 6, 7, 2, 4, 3 },      // padding 4: windows wholly outside the image (shifts beyond a run)
        { 1, 4, 5, 1, 3, 2 },      // padding 3 on 5-pixel rows: every shift from −3 to 3
        { 256, 4, 4, 2, 1, 2 },    // 4,096 taps: two column blocks (NC = 4,080)
    };

    private static ConvGeometry Geometry(int c, int h, int w, int s, int p) => Im2ColBatchTests.Geometry(c, h, w, 4, s, p);

    [Fact]
    public void PacksPatches_OnlyFourByFourKernelsOnRowsOfFourOrMore()
    {
        Assert.Equal(Gemm.HasFma, Im2Col.PacksPatches(Geometry(32, 14, 14, 2, 1)));
        Assert.False(Im2Col.PacksPatches(new ConvGeometry(3, 28, 28, 3, 3, 2, 1, 14, 14)));
        Assert.False(Im2Col.PacksPatches(new ConvGeometry(1, 8, 8, 4, 2, 1, 0, 5, 7)));
        Assert.False(Im2Col.PacksPatches(new ConvGeometry(1, 8, 3, 4, 4, 1, 2, 5, 4)));
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void PackPatches_HoldsThePanelsOfTheTransposedColumnMatrix(int c, int h, int w, int s, int p, int count)
    {
        var g = Geometry(c, h, w, s, p);
        if (!Im2Col.PacksPatches(g)) return; // no AVX2 + FMA: the unrolled path is the only one
        int depth = count * g.Positions;
        var images = Im2ColBatchTests.RandomWithSpecials(count * g.ImageSize, (ulong)(c * h + w));
        var columns = new float[g.PatchSize * depth];
        Im2Col.UnfoldBatch(g, images, count, columns);

        var expected = new Gemm.PackedMatrix();
        expected.Pack(transB: true, depth, g.PatchSize, columns, depth);
        var packed = new Gemm.PackedMatrix();
        Im2Col.PackPatches(g, images, count, packed);

        Assert.Equal((expected.Depth, expected.Columns, expected.BlockDepth, expected.BlockColumns), (packed.Depth, packed.Columns, packed.BlockDepth, packed.BlockColumns));
        Assert.Equal(Im2ColBatchTests.Bits(expected.PackedFloats), Im2ColBatchTests.Bits(packed.PackedFloats));
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void WeightGradientProduct_FromPackedPatches_HasTheBitsOfTheUnrolledProduct(int c, int h, int w, int s, int p, int count)
    {
        var g = Geometry(c, h, w, s, p);
        if (!Im2Col.PacksPatches(g)) return;
        int depth = count * g.Positions;
        // Enough output channels for the blocked path, the one the backward pass packs patches for (below
        // Gemm.SmallProblemVolume, Multiply sums without packing, in another order).
        int outC = Math.Max(24, (int)(Gemm.SmallProblemVolume / ((long)g.PatchSize * depth)) + 1);
        var images = Im2ColBatchTests.RandomWithSpecials(count * g.ImageSize, 3);
        var upstream = new float[outC * depth];
        new Rng(4).FillUniform(upstream, -1f, 1f);
        var columns = new float[g.PatchSize * depth];
        Im2Col.UnfoldBatch(g, images, count, columns);
        var expected = new float[outC * g.PatchSize];
        Gemm.Multiply(Gemm.Kernel.Best, 1, false, true, outC, g.PatchSize, depth, 1f, upstream, depth, columns, depth, 0f, expected, g.PatchSize);

        var packed = new Gemm.PackedMatrix();
        Im2Col.PackPatches(g, images, count, packed);
        var actual = Enumerable.Repeat(float.NaN, outC * g.PatchSize).ToArray();
        Gemm.MultiplyPacked(outC, upstream, depth, packed, 0f, actual, g.PatchSize);
        Assert.Equal(Im2ColBatchTests.Bits(expected), Im2ColBatchTests.Bits(actual));
    }

    [Fact]
    public void PackPatches_TooFewImageValues_Refused()
    {
        var g = Geometry(2, 6, 6, 2, 1);
        if (!Im2Col.PacksPatches(g)) return;
        var error = Assert.Throws<ArgumentException>(() => Im2Col.PackPatches(g, new float[2 * g.ImageSize - 1], 2, new Gemm.PackedMatrix()));
        Assert.Contains("need 144", error.Message);
    }
}
