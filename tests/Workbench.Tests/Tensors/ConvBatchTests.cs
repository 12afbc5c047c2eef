using Workbench.Kernels;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

/// <summary>
/// The batched convolutions: a batch larger than one column matrix holds is convolved in groups of images,
/// and neither the grouping nor the number of threads may change what each image gets.
/// </summary>
[Collection(Workbench.Tests.Kernels.GemmLogTests.Recording)] // sets the process-wide compute thread count
public class ConvBatchTests
{
    // 1 channel of 64×64 with a 3×3 kernel, stride 1: 9·4096 column entries per image, so a group holds
    // at most ColumnBudget / 36,864 = 5 images and a batch of 120 takes 24 groups of 5.
    private const int Batch = 120, Side = 64;

    [Theory]
    [InlineData(120, 9 * Side * Side, 5)]    // 5 fit: 24 groups of 5
    [InlineData(128, 512 * 49, 7)]           // the conv VAE's second layer: 7 fit, 19 groups (the last of 2)
    [InlineData(128, 16 * 196, 43)]          // its first layer: 62 fit, three groups of 43, 43, 42 rather than 62, 62, 4
    [InlineData(100, 3000, 50)]              // 65 fit: two groups of 50 rather than 65 and 35
    [InlineData(5, Tensor.ColumnBudget + 1, 1)] // an image larger than the budget still makes a group
    public void GroupSize_FewestEqualGroupsWithinTheBudget(int batch, int columnsPerImage, int expected)
    {
        int group = Tensor.GroupSize(batch, columnsPerImage);
        Assert.Equal(expected, group);
        Assert.True(group == 1 || (long)group * columnsPerImage <= Tensor.ColumnBudget);
    }

    [Fact]
    public void Conv2d_BatchSpanningGroups_MatchesEachImageConvolvedAlone()
    {
        Assert.True(Tensor.GroupSize(Batch, 9 * Side * Side) < Batch, "the batch should need more than one group");
        var x = GradCheck.Random(1, Batch, 1, Side, Side);
        var weight = GradCheck.Random(2, 2, 1, 3, 3);
        var bias = GradCheck.Random(3, 2);
        var (y, dx, dw, db) = ForwardBackward(x, weight, bias, transpose: false);

        var expectedDw = new float[dw.Length];
        var expectedDb = new float[db.Length];
        int inSize = Side * Side, outSize = 2 * Side * Side;
        foreach (int n in new[] { 0, 4, 5, 59, 60, 114, 115, 119 }) // first and last images of groups
        {
            var image = Tensor.FromArray(x.Span.Slice(n * inSize, inSize), 1, 1, Side, Side);
            var (yn, dxn, _, _) = ForwardBackward(image, weight, bias, transpose: false);
            Close.Assert(yn, y.AsSpan(n * outSize, outSize), rtol: 1e-5, atol: 1e-6, what: $"y of image {n}");
            Close.Assert(dxn, dx.AsSpan(n * inSize, inSize), rtol: 1e-5, atol: 1e-6, what: $"dx of image {n}");
        }
        // dW and db sum over all images: compare with the sum of per-image gradients (double precision).
        var dwSum = new double[dw.Length];
        var dbSum = new double[db.Length];
        for (int n = 0; n < Batch; n++)
        {
            var image = Tensor.FromArray(x.Span.Slice(n * inSize, inSize), 1, 1, Side, Side);
            var (_, _, dwn, dbn) = ForwardBackward(image, weight, bias, transpose: false);
            for (int i = 0; i < dwn.Length; i++) dwSum[i] += dwn[i];
            for (int i = 0; i < dbn.Length; i++) dbSum[i] += dbn[i];
        }
        Close.Assert(dwSum.Select(v => (float)v).ToArray(), dw, rtol: 1e-4, atol: 1e-3, what: "dW");
        Close.Assert(dbSum.Select(v => (float)v).ToArray(), db, rtol: 1e-4, atol: 1e-3, what: "db");
    }

    [Fact]
    public void ConvTranspose2d_BatchSpanningGroups_MatchesEachImageAlone()
    {
        // The transpose unfolds its (1, 64, 64) output: the same 36,864 column entries per image.
        var x = GradCheck.Random(4, Batch, 2, Side, Side);
        var weight = GradCheck.Random(5, 2, 1, 3, 3);
        var bias = GradCheck.Random(6, 1);
        var (y, dx, _, _) = ForwardBackward(x, weight, bias, transpose: true, padding: 1);
        int inSize = 2 * Side * Side, outSize = Side * Side;
        foreach (int n in new[] { 0, 4, 5, 115, 119 })
        {
            var image = Tensor.FromArray(x.Span.Slice(n * inSize, inSize), 1, 2, Side, Side);
            var (yn, dxn, _, _) = ForwardBackward(image, weight, bias, transpose: true, padding: 1);
            Close.Assert(yn, y.AsSpan(n * outSize, outSize), rtol: 1e-5, atol: 1e-6, what: $"y of image {n}");
            Close.Assert(dxn, dx.AsSpan(n * inSize, inSize), rtol: 1e-5, atol: 1e-6, what: $"dx of image {n}");
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void ConvOps_OneThreadAndAllThreads_GiveTheSameBits(bool transpose, bool outerLayer)
    {
        // The conv VAE's second layer at batch 128: big enough to split every kernel and GEMM over threads; its
        // forward runs 19 groups of images on one thread and 20 on two. Its outer layers (1 ↔ 32 channels on 28 × 28):
        // 3 groups on one thread, 4 on two.
        var x = outerLayer
            ? transpose ? GradCheck.Random(7, 128, 32, 14, 14) : GradCheck.Random(7, 128, 1, 28, 28)
            : transpose ? GradCheck.Random(7, 128, 64, 7, 7) : GradCheck.Random(7, 128, 32, 14, 14);
        var weight = outerLayer ? GradCheck.Random(8, 32, 1, 4, 4) : GradCheck.Random(8, 64, 32, 4, 4);
        var bias = GradCheck.Random(9, outerLayer ? (transpose ? 1 : 32) : (transpose ? 32 : 64));
        var parallel = ForwardBackward(x, weight, bias, transpose, stride: 2, padding: 1);
        int threads = Gemm.MaxThreads;
        Gemm.MaxThreads = 1;
        try
        {
            var serial = ForwardBackward(x, weight, bias, transpose, stride: 2, padding: 1);
            Assert.Equal(serial.Y, parallel.Y);
            Assert.Equal(serial.Dx, parallel.Dx);
            Assert.Equal(serial.Dw, parallel.Dw);
            Assert.Equal(serial.Db, parallel.Db);
        }
        finally
        {
            Gemm.MaxThreads = threads;
        }
    }

    [Fact]
    public void Conv2d_InsideAScope_TakesItsScratchFromTheScopesPool()
    {
        var x = GradCheck.Random(10, 16, 3, 12, 12);
        var weight = GradCheck.Random(11, 4, 3, 4, 4);
        weight.RequiresGrad = true;
        var pool = new BufferPool();
        for (int step = 0; step < 3; step++)
        {
            using var scope = TensorScope.Begin(pool);
            Tensor.Conv2d(x, weight, null, 2, 1).Sum().Backward();
        }
        int held = pool.Count;
        long before = GC.GetAllocatedBytesForCurrentThread();
        using (TensorScope.Begin(pool)) Tensor.Conv2d(x, weight, null, 2, 1).Sum().Backward();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(held, pool.Count);
        // Column matrix 48 × 576 floats (110 KB): a steady-state step must not allocate it again.
        Assert.True(allocated < 16 * 1024, $"a pooled conv step allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConvOps_GradientsOfSomeInputsOnly_EqualThoseTakenWithAll(bool transpose)
    {
        // The conv VAE's inner layers at batch 128 (Conv2d's dW packed straight from the images): with the input or
        // the weight frozen (a GAN's alternating updates), the other gradients keep their bits.
        var x = transpose ? GradCheck.Random(12, 128, 64, 7, 7) : GradCheck.Random(12, 128, 32, 14, 14);
        var weight = GradCheck.Random(13, 64, 32, 4, 4);
        var bias = GradCheck.Random(14, transpose ? 32 : 64);
        var all = ForwardBackward(x, weight, bias, transpose, stride: 2, padding: 1);
        var inputOnly = ForwardBackward(x, weight, bias, transpose, stride: 2, padding: 1, weightGrad: false);
        var weightOnly = ForwardBackward(x, weight, bias, transpose, stride: 2, padding: 1, inputGrad: false);
        Assert.Equal(all.Y, inputOnly.Y);
        Assert.Equal(all.Dx, inputOnly.Dx);
        Assert.Equal(all.Db, inputOnly.Db);
        Assert.Empty(inputOnly.Dw);
        Assert.Equal(all.Dw, weightOnly.Dw);
        Assert.Equal(all.Db, weightOnly.Db);
        Assert.Empty(weightOnly.Dx);
    }

    private static (float[] Y, float[] Dx, float[] Dw, float[] Db) ForwardBackward(Tensor x, Tensor weight, Tensor bias, bool transpose, int stride = 1, int padding = 1,
        bool inputGrad = true, bool weightGrad = true)
    {
        var (xi, wi, bi) = (x.Clone(), weight.Clone(), bias.Clone());
        (xi.RequiresGrad, wi.RequiresGrad, bi.RequiresGrad) = (inputGrad, weightGrad, true);
        var y = transpose ? Tensor.ConvTranspose2d(xi, wi, bi, stride, padding, stride - 1) : Tensor.Conv2d(xi, wi, bi, stride, padding);
        // A loss whose gradient differs per element: Σ y² / 2 → dy = y.
        (y.Square() * 0.5f).Sum().Backward();
        return (y.ToArray(), xi.Grad?.ToArray() ?? [], wi.Grad?.ToArray() ?? [], bi.Grad!.ToArray());
    }
}
