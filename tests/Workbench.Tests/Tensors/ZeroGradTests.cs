using Workbench.Kernels;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

/// <summary>ZeroGrad defers its clearing; every way of reading or filling the gradient must still see zeros first.</summary>
public class ZeroGradTests
{
    private static (Tensor X, Tensor W, Tensor B) LinearInputs()
    {
        var w = GradCheck.Random(2, 5, 7);
        var b = GradCheck.Random(3, 5);
        w.RequiresGrad = b.RequiresGrad = true;
        return (GradCheck.Random(1, 4, 7), w, b);
    }

    [Fact]
    public void ZeroGrad_ThenBackwardThroughLinear_EqualsAFreshBackwardBitForBit()
    {
        var (x, w, b) = LinearInputs();
        Tensor.Linear(x, w, b).Sum().Backward();
        var (freshW, freshB) = (w.Grad!.ToArray(), b.Grad!.ToArray());
        Tensor.Linear(x * 3f, w, b).Square().Sum().Backward(); // something else accumulated in between
        w.ZeroGrad();
        b.ZeroGrad();
        Tensor.Linear(x, w, b).Sum().Backward();
        Assert.Equal(freshW, w.Grad!.ToArray());
        Assert.Equal(freshB, b.Grad!.ToArray());
    }

    [Fact]
    public void ZeroGrad_ThenRead_GivesZeros()
    {
        var (x, w, b) = LinearInputs();
        Tensor.Linear(x, w, b).Sum().Backward();
        w.ZeroGrad();
        Assert.All(w.Grad!.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ZeroGrad_ThenWeightUsedTwice_AccumulatesBothUses()
    {
        var (x, w, b) = LinearInputs();
        Tensor.Linear(x, w, b).Sum().Backward();
        var once = w.Grad!.ToArray();
        w.ZeroGrad();
        b.ZeroGrad();
        (Tensor.Linear(x, w, b).Sum() + Tensor.Linear(x, w, b).Sum()).Backward();
        Close.Assert(once.Select(v => 2f * v).ToArray(), w.Grad!.ToArray(), rtol: 1e-6, atol: 0, what: "weight used twice");
        Assert.All(b.Grad!.ToArray(), v => Assert.Equal(8f, v)); // 2 uses × 4 rows
    }

    [Fact]
    public void ZeroGrad_ThenAnotherOpAddsFirst_StartsFromZero()
    {
        var (x, w, b) = LinearInputs();
        Tensor.Linear(x, w, b).Sum().Backward();
        w.ZeroGrad();
        (w * 2f).Sum().Backward();
        Assert.All(w.Grad!.ToArray(), v => Assert.Equal(2f, v));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 17)]
    [InlineData(7, 40)]
    [InlineData(128, 257)]
    public void AccumulateColumnSums_AddOrOverwrite_MatchesRowByRowLoop(int rows, int cols)
    {
        var rng = new Rng((ulong)(rows * 1000 + cols));
        var x = Enumerable.Range(0, rows * cols).Select(_ => (float)rng.NextNormal()).ToArray();
        var start = Enumerable.Range(0, cols).Select(_ => (float)rng.NextNormal()).ToArray();
        foreach (bool overwrite in new[] { false, true })
        {
            var expected = overwrite ? new float[cols] : (float[])start.Clone();
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < cols; j++) expected[j] += x[r * cols + j];
            var actual = (float[])start.Clone();
            AxisReduction.AccumulateColumnSums(x, rows, cols, actual, overwrite);
            Assert.Equal(expected, actual);
        }
    }
}
