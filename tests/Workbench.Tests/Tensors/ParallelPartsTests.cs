using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Tests.Tensors;

/// <summary>Whole pieces of tensor work on the kernel worker threads (ParallelParts).</summary>
public class ParallelPartsTests
{
    [Fact]
    public void Run_EveryPartOnce_InAScopeOfItsOwn_WithTheCallersGradientMode()
    {
        const int parts = 64;
        var runs = new int[parts];
        var sums = new float[parts];
        var gradients = new bool[parts];
        var scoped = new bool[parts];
        using (GradMode.NoGrad())
            ParallelParts.Run(parts, part =>
            {
                Interlocked.Increment(ref runs[part]);
                var t = Tensor.Full(part, 1000) * 2f; // tensors made inside the part come from its scope
                sums[part] = t.Sum().Item();
                gradients[part] = GradMode.IsEnabled;
                scoped[part] = TensorScope.Current is not null;
            });

        Assert.All(runs, r => Assert.Equal(1, r));
        for (int part = 0; part < parts; part++) Assert.Equal(2000f * part, sums[part]);
        Assert.All(gradients, Assert.False);
        Assert.All(scoped, Assert.True);
        Assert.True(GradMode.IsEnabled);
    }

    [Fact]
    public void Run_APartThrows_TheCallerGetsThatExceptionAndThePoolStaysUsable()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ParallelParts.Run(16, part =>
            {
                Thread.Sleep(1);
                if (part == 11) throw new InvalidOperationException("part 11 has no decoder");
            }));
        Assert.Equal("part 11 has no decoder", error.Message);

        int count = 0;
        ParallelParts.Run(16, _ => Interlocked.Increment(ref count));
        Assert.Equal(16, count);
        // The GEMM, which shares the pool, still runs too.
        var c = new float[4];
        Gemm.Multiply(false, false, 2, 2, 2, 1f, [1, 2, 3, 4], 2, [1, 0, 0, 1], 2, 0f, c, 2);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, c);
    }
}
