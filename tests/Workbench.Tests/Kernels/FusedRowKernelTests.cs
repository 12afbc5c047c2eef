using Workbench.Kernels;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Kernels;

/// <summary>
/// The fused kernels of the importance-weighted bound: per-row cross-entropy read through a row map against
/// the elementwise kernel and a double-precision loop, its gradient against finite differences, and the
/// parallel Box–Muller fill against drawing one normal at a time, and the parallel bias broadcast of Linear.
/// </summary>
[Collection(Workbench.Tests.Kernels.GemmLogTests.Recording)] // sets the process-wide compute thread count
public class FusedRowKernelTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(5, 8)]
    [InlineData(9, 17)]
    [InlineData(4096, 784)] // large enough to be split over the worker threads
    public void BinaryCrossEntropyRows_AnyWidth_EqualsSummedElementwiseTermsOfTheMappedTargets(int rows, int width)
    {
        var rng = new Rng((ulong)(rows * 1000 + width));
        int targetCount = 3;
        var logits = Enumerable.Range(0, rows * width).Select(i => i % 5 == 0 ? 40f * (2f * rng.NextFloat() - 1f) : 4f * (float)rng.NextNormal()).ToArray();
        var targets = Enumerable.Range(0, targetCount * width).Select(i => i % 3 == 0 ? MathF.Round(rng.NextFloat()) : rng.NextFloat()).ToArray();
        var map = Enumerable.Range(0, rows).Select(r => (r * 7 + 1) % targetCount).ToArray();

        var sums = new float[rows];
        var derivative = new float[rows * width];
        BinaryCrossEntropyKernels.RowSums(logits, targets, map, width, sums, derivative);

        var gathered = new float[rows * width];
        for (int r = 0; r < rows; r++) targets.AsSpan(map[r] * width, width).CopyTo(gathered.AsSpan(r * width));
        var (terms, expectedDerivative) = (new float[rows * width], new float[rows * width]);
        BinaryCrossEntropyKernels.Forward(logits, gathered, terms, expectedDerivative);
        Assert.Equal(expectedDerivative, derivative); // the same arithmetic, bit for bit
        for (int r = 0; r < rows; r++)
        {
            double expected = 0;
            for (int j = 0; j < width; j++) expected += terms[r * width + j];
            Assert.True(Math.Abs(expected - sums[r]) <= 1e-5 * (1 + Math.Abs(expected)), $"row {r}: fused {sums[r]}, summed terms {expected}");
            double exact = 0, scale = 0; // in double, from the definition; scale bounds float rounding of the terms and their sum
            for (int j = 0; j < width; j++)
            {
                double l = logits[r * width + j], t = targets[map[r] * width + j];
                exact += Math.Max(l, 0) - l * t + Math.Log(1 + Math.Exp(-Math.Abs(l)));
                scale += Math.Abs(l) + 1;
            }
            // The product bound stated at GroupVectors (6e−8 nats per pixel) plus float rounding.
            Assert.True(Math.Abs(exact - sums[r]) <= 6e-8 * width + 1e-6 * scale, $"row {r}: fused {sums[r]}, exact {exact}");
        }

        int threads = Gemm.MaxThreads;
        Gemm.MaxThreads = 1;
        try
        {
            var serial = new float[rows];
            BinaryCrossEntropyKernels.RowSums(logits, targets, map, width, serial);
            Assert.Equal(serial, sums);
        }
        finally
        {
            Gemm.MaxThreads = threads;
        }
    }

    [Fact]
    public void BinaryCrossEntropyRows_TargetRowOutOfRange_ThrowsNamingTheRange()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            BinaryCrossEntropyKernels.RowSums(new float[4], new float[4], [0, 2], 2, new float[2]));
        Assert.Contains("[0, 2)", error.Message);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsRows_Gradient_MatchesFiniteDifferences()
    {
        var rng = new Rng(11);
        var logits = Tensor.Randn(rng, 5, 11);
        var targets = Tensor.Uniform(rng, 0f, 1f, 2, 11);
        GradCheck.AssertGradients(t => Losses.BinaryCrossEntropyWithLogitsRows(t[0], targets, [1, 0, 0, 1, 1]), [logits]);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsRows_TargetsNeedingGradient_GetTheGradientOfTheUnfusedForm()
    {
        var rng = new Rng(12);
        var logits = Tensor.Randn(rng, 4, 9);
        var targets = Tensor.Uniform(rng, 0f, 1f, 2, 9);
        GradCheck.AssertGradients(t => Losses.BinaryCrossEntropyWithLogitsRows(t[0], t[1], [1, 1, 0, 1]), [logits, targets]);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(7, true)]
    [InlineData(4095, false)]
    [InlineData(20001, true)] // > ParallelPairsMin pairs: the transforms run on the worker threads
    public void FillNormal_AnyLength_EqualsOneNextNormalPerElementAndLeavesTheSameState(int n, bool startWithSpare)
    {
        var (bulk, single) = (new Rng(99), new Rng(99));
        if (startWithSpare) (bulk.NextNormal(), single.NextNormal()).ToString();
        var filled = new float[n];
        bulk.FillNormal(filled);
        var expected = Enumerable.Range(0, n).Select(_ => (float)single.NextNormal()).ToArray();
        Assert.Equal(expected, filled);
        Assert.Equal(single.NextNormal(), bulk.NextNormal());
        Assert.Equal(single.SaveState(), bulk.SaveState());
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(3, 1)]
    [InlineData(4096, 784)] // split over the worker threads
    public void RepeatRow_AnySize_SetsEveryRowToTheRowAndRejectsAWrongLength(int rows, int width)
    {
        var row = Enumerable.Range(0, width).Select(j => 0.5f * j - 3f).ToArray();
        var destination = Enumerable.Repeat(float.NaN, rows * width).ToArray();
        Slices.RepeatRow(row, rows, destination);
        for (int r = 0; r < rows; r++) Assert.Equal(row, destination.AsSpan(r * width, width).ToArray());
        Assert.Throws<ArgumentException>(() => Slices.RepeatRow(row, rows + 1, destination));
    }
}
