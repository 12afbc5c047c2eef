using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Tests.Kernels;

/// <summary>
/// Im2Col.MultiplyColumns (a convolution's forward product with the column matrix packed block by block straight
/// from the images) against the column matrix of UnfoldBatch packed by PackedMatrix.Pack, bit for bit, and the
/// product on both paths.
/// </summary>
public class Im2ColWindowsTests
{
    // channels, height, width, kernel, stride, padding, images
    public static TheoryData<int, int, int, int, int, int, int> Geometries => new()
    {
        { 32, 14, 14, 4, 2, 1, 7 },   // the conv VAE's second layer (and its first transposed layer's backward), one group
        { 32, 14, 14, 4, 2, 1, 23 },  // 1,127 windows: two stagings of up to 1,024, the second starting inside an image
        { 1, 28, 28, 4, 2, 1, 43 },   // its first layer: 8,428 windows in three column blocks, none starting with an image
        { 50, 8, 8, 3, 1, 1, 5 },     // stride 1: 450 taps in two depth blocks of 232, the cut inside a kernel row
        { 2, 16, 16, 3, 2, 1, 3 },    // full 16-pixel rows, 8 windows per row
        { 1, 6, 6, 3, 3, 2, 4 },      // stride 3, padding wider than a window step
        { 2, 4, 4, 3, 2, 1, 9 },      // 2 × 2 windows: a whole window row would run past the image's block
        { 1, 9, 31, 5, 2, 2, 3 },     // stride 2, 31-pixel rows, a kernel of 5 reaching 2 pixels into the padding
        { 2, 32, 32, 4, 2, 1, 2 },    // the widest stride-2 rows: 32 pixels, 16 windows
    };

    [Fact]
    public void PacksWindows_TheGeometriesOfTheRowForms()
    {
        if (!Gemm.HasFma) return;
        Assert.True(Im2Col.PacksWindows(Im2ColBatchTests.Geometry(32, 14, 14, 4, 2, 1)));
        Assert.True(Im2Col.PacksWindows(Im2ColBatchTests.Geometry(1, 28, 28, 4, 2, 1)));
        Assert.False(Im2Col.PacksWindows(Im2ColBatchTests.Geometry(3, 34, 34, 3, 2, 1))); // 17 windows per row: the table forms
        Assert.False(Im2Col.PacksWindows(Im2ColBatchTests.Geometry(1, 33, 33, 4, 2, 1)));
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void EveryBlock_HoldsThePanelsOfTheColumnMatrix(int c, int h, int w, int k, int s, int p, int count)
    {
        var g = Im2ColBatchTests.Geometry(c, h, w, k, s, p);
        if (!Im2Col.PacksWindows(g)) return; // no AVX2 + FMA: the unrolled path is the only one
        int columns = count * g.Positions;
        var images = Im2ColBatchTests.RandomWithSpecials(count * g.ImageSize, (ulong)(c * h + w + count));
        var matrix = new float[g.PatchSize * columns];
        Im2Col.UnfoldBatch(g, images, count, matrix);
        var expected = new Gemm.PackedMatrix();
        expected.Pack(transB: false, g.PatchSize, columns, matrix, columns);
        var panels = Im2ColBatchTests.Bits(expected.PackedFloats);

        // The blocks in the order the blocked loops visit them, each as the product would pack it.
        int offset = 0, blocks = 0;
        for (int jc = 0; jc < columns; jc += expected.BlockColumns)
        {
            int nc = Math.Min(expected.BlockColumns, columns - jc);
            for (int pc = 0; pc < g.PatchSize; pc += expected.BlockDepth, blocks++)
            {
                int kc = Math.Min(expected.BlockDepth, g.PatchSize - pc), length = Gemm.PanelColumns(nc) * kc;
                var block = Enumerable.Repeat(float.NaN, length).ToArray();
                Im2Col.PackWindowBlock(g, images, count, pc, kc, jc, nc, block);
                Assert.True(panels.AsSpan(offset, length).SequenceEqual(Im2ColBatchTests.Bits(block)),
                    $"block (rows {pc}+{kc}, columns {jc}+{nc}) differs from the packed column matrix");
                offset += length;
            }
        }
        Assert.Equal(panels.Length, offset);
        if (columns > 8000) Assert.Equal(3, blocks);
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Product_FromPackedWindows_HasTheBitsOfTheUnrolledProduct(int c, int h, int w, int k, int s, int p, int count)
    {
        var g = Im2ColBatchTests.Geometry(c, h, w, k, s, p);
        if (!Im2Col.PacksWindows(g)) return;
        int columns = count * g.Positions;
        // Enough output channels for the blocked path, the one the convolutions pack windows for.
        int outC = Math.Max(13, (int)(Gemm.SmallProblemVolume / ((long)g.PatchSize * columns)) + 1);
        var images = Im2ColBatchTests.RandomWithSpecials(count * g.ImageSize, 5);
        var weights = Im2ColBatchTests.Random(outC * g.PatchSize, 6);
        var matrix = new float[g.PatchSize * columns];
        Im2Col.UnfoldBatch(g, images, count, matrix);
        var expected = new float[outC * columns];
        Gemm.Multiply(Gemm.Kernel.Best, 1, false, false, outC, columns, g.PatchSize, 1f, weights, g.PatchSize, matrix, columns, 0f, expected, columns);

        var actual = Enumerable.Repeat(float.NaN, outC * columns).ToArray();
        Im2Col.MultiplyColumns(g, outC, weights, g.PatchSize, images, count, 0f, actual, columns);
        Assert.Equal(Im2ColBatchTests.Bits(expected), Im2ColBatchTests.Bits(actual));
    }

    [Fact]
    public void MultiplyColumns_WrongImageCountOrGeometry_Refused()
    {
        var g = Im2ColBatchTests.Geometry(2, 6, 6, 4, 2, 1);
        if (!Im2Col.PacksWindows(g)) return;
        var weights = new float[4 * g.PatchSize];
        var error = Assert.Throws<ArgumentException>(() =>
            Im2Col.MultiplyColumns(g, 4, weights, g.PatchSize, new float[2 * g.ImageSize - 1], 2, 0f, new float[4 * 2 * g.Positions], 2 * g.Positions));
        Assert.Contains("need 144", error.Message);
        var table = Im2ColBatchTests.Geometry(3, 34, 34, 3, 2, 1);
        error = Assert.Throws<ArgumentException>(() =>
            Im2Col.MultiplyColumns(table, 4, new float[4 * table.PatchSize], table.PatchSize, new float[table.ImageSize], 1, 0f, new float[4 * table.Positions], table.Positions));
        Assert.Contains("3×3 kernel at stride 2 on 34×34", error.Message);
    }
}
