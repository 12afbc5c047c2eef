using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Tests.Optim;

/// <summary>The fused optimizer kernels give every element the same bits whether it falls in a vector or in the scalar tail.</summary>
public class OptimizerKernelTailTests
{
    public static TheoryData<int> Lengths() => [0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 64, 257];

    private static float[] Random(Rng rng, int n, float scale = 1f, bool positive = false) =>
        Tensor.Randn(rng, Math.Max(n, 1)).ToArray().Take(n).Select(v => (positive ? MathF.Abs(v) : v) * scale).ToArray();

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AdamVariant_WholeArrayAgainstOneElementAtATime_SameBits(int n)
    {
        foreach (bool amsgrad in new[] { false, true })
        {
            var rng = new Rng(21);
            float[] p = Random(rng, n), g = Random(rng, n), m = Random(rng, n, 0.1f), v = Random(rng, n, 0.01f, positive: true);
            float[] vMax = amsgrad ? Random(rng, n, 0.02f, positive: true) : [];
            var (p1, m1, v1, vMax1) = ((float[])p.Clone(), (float[])m.Clone(), (float[])v.Clone(), (float[])vMax.Clone());
            OptimizerKernels.AdamVariant(p, g, m, v, vMax, 0.9f, 0.99f, 1e-6f, 0.01f, 0.995f, 1e-2f, 0.3f);
            for (int i = 0; i < n; i++)
                OptimizerKernels.AdamVariant(p1.AsSpan(i, 1), g.AsSpan(i, 1), m1.AsSpan(i, 1), v1.AsSpan(i, 1),
                    amsgrad ? vMax1.AsSpan(i, 1) : Span<float>.Empty, 0.9f, 0.99f, 1e-6f, 0.01f, 0.995f, 1e-2f, 0.3f);
            Assert.Equal(p1, p);
            Assert.Equal(m1, m);
            Assert.Equal(v1, v);
            Assert.Equal(vMax1, vMax);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void RmsProp_WholeArrayAgainstOneElementAtATime_SameBits(int n)
    {
        foreach (var (centered, momentum) in new[] { (false, 0f), (true, 0f), (false, 0.9f), (true, 0.9f) })
        {
            var rng = new Rng(22);
            float[] p = Random(rng, n), g = Random(rng, n), s = Random(rng, n, 0.5f, positive: true);
            float[] a = centered ? Random(rng, n, 0.1f) : [], b = momentum > 0 ? Random(rng, n, 0.1f) : [];
            var (p1, s1, a1, b1) = ((float[])p.Clone(), (float[])s.Clone(), (float[])a.Clone(), (float[])b.Clone());
            OptimizerKernels.RmsProp(p, g, s, a, b, 1e-2f, 0.95f, 1e-8f, 0.1f, momentum);
            for (int i = 0; i < n; i++)
                OptimizerKernels.RmsProp(p1.AsSpan(i, 1), g.AsSpan(i, 1), s1.AsSpan(i, 1),
                    centered ? a1.AsSpan(i, 1) : Span<float>.Empty, momentum > 0 ? b1.AsSpan(i, 1) : Span<float>.Empty,
                    1e-2f, 0.95f, 1e-8f, 0.1f, momentum);
            Assert.Equal(p1, p);
            Assert.Equal(s1, s);
            Assert.Equal(a1, a);
            Assert.Equal(b1, b);
        }
    }
}
