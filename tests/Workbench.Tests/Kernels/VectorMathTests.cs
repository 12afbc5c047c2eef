using System.Runtime.Intrinsics;
using Workbench.Kernels;

namespace Workbench.Tests.Kernels;

public class VectorMathTests
{
    private static float[] Apply(Func<Vector256<float>, Vector256<float>> f, float[] x)
    {
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i += 8)
        {
            var chunk = new float[8];
            Array.Copy(x, i, chunk, 0, Math.Min(8, x.Length - i));
            var r = f(Vector256.Create(chunk));
            for (int j = 0; j < 8 && i + j < x.Length; j++) y[i + j] = r[j];
        }
        return y;
    }

    [Fact]
    public void ExpNonPositive_FromZeroToMinus87_IsWithinTwoTenthsOfAMillionthRelative()
    {
        var x = Enumerable.Range(0, 20_000).Select(i => -87.3f * i / 19_999f).Concat([0f, -1e-30f, -0.5f * MathF.Log(2f), -MathF.Log(2f), -20f]).ToArray();
        var y = Apply(VectorMath.ExpNonPositive, x);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Math.Exp(x[i]);
            Assert.True(Math.Abs(y[i] - expected) <= 2e-7 * expected, $"exp({x[i]}) = {y[i]}, expected {expected}");
        }
    }

    [Fact]
    public void ExpNonPositive_VeryNegative_IsTinyAndNonNegative()
    {
        var y = Apply(VectorMath.ExpNonPositive, [-88f, -100f, -1e6f, float.NegativeInfinity]);
        Assert.All(y, v => Assert.InRange(v, 0f, 1.2e-38f));
    }

    [Fact]
    public void Log1PUnit_OverTheUnitInterval_IsWithinThreeTenthsOfAMillionthRelative()
    {
        var u = Enumerable.Range(0, 20_000).Select(i => i / 19_999f)
            .Concat([1e-30f, 1e-10f, 1e-7f, 6e-8f, 1e-3f, 1.2e-38f]).ToArray();
        var y = Apply(VectorMath.Log1PUnit, u);
        for (int i = 0; i < u.Length; i++)
        {
            double expected = Math.Log(1 + (double)u[i]);
            if (u[i] < 1e-6f) expected = u[i] - (double)u[i] * u[i] / 2; // log(1 + u) in double loses tiny u
            Assert.True(Math.Abs(y[i] - expected) <= 3e-7 * expected + 1e-45, $"log1p({u[i]}) = {y[i]}, expected {expected}");
        }
        Assert.Equal(0f, Apply(VectorMath.Log1PUnit, [0f])[0]);
    }
}
