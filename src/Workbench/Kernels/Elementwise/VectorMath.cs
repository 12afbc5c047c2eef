using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>
/// Single-precision 8-lane functions on restricted ranges, several times cheaper here than the general
/// Vector256.Exp and Log (measured in isolation on the 2-core Zen box: 74 vs 497 µs and 65 vs 358 µs per
/// 100,352 values): the range limits are what the losses need, and each is accurate to a few ulp there.
/// </summary>
internal static class VectorMath
{
    /// <summary>
    /// eˣ for x ≤ 0 (e^−|l| in the losses): x = n·ln2 + r with |r| ≤ ½ln2, eʳ by the degree-7 Taylor-like
    /// polynomial of Cephes' expf (relative error ≈ 1e−7), scaled by 2ⁿ through the exponent bits.
    /// Inputs below −87.3 give ≈ 1.2e−38 instead of an underflow towards 0 (callers add it to O(1) values).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpNonPositive(Vector256<float> x)
    {
        x = Vector256.Max(x, Vector256.Create(-87.33654f)); // keeps 2ⁿ a normal number
        var n = Vector256.Round(x * Vector256.Create(1.44269504088896341f));
        var r = x - n * Vector256.Create(0.693359375f) - n * Vector256.Create(-2.12194440e-4f);
        var p = Vector256.Create(1.9875691500E-4f);
        p = p * r + Vector256.Create(1.3981999507E-3f);
        p = p * r + Vector256.Create(8.3334519073E-3f);
        p = p * r + Vector256.Create(4.1665795894E-2f);
        p = p * r + Vector256.Create(1.6666665459E-1f);
        p = p * r + Vector256.Create(5.0000001201E-1f);
        var y = p * (r * r) + r + Vector256<float>.One;
        // n is a whole number in [−126, 0] here, so the plain conversion gives what the saturating one would, without its fix-ups.
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
        return y * scale;
    }

    /// <summary>
    /// log(1 + u) for 0 ≤ u ≤ 1, as 2·atanh(s) with s = u/(2 + u) ≤ ⅓ summed to s¹⁵ (truncation below
    /// 2e−9 relative): one divide, no cancellation, and ≈ u for tiny u without any special case.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log1PUnit(Vector256<float> u)
    {
        var s = u / (Vector256.Create(2f) + u);
        var s2 = s * s;
        var p = Vector256.Create(1f / 15f);
        p = p * s2 + Vector256.Create(1f / 13f);
        p = p * s2 + Vector256.Create(1f / 11f);
        p = p * s2 + Vector256.Create(1f / 9f);
        p = p * s2 + Vector256.Create(1f / 7f);
        p = p * s2 + Vector256.Create(1f / 5f);
        p = p * s2 + Vector256.Create(1f / 3f);
        var twoS = s + s;
        return twoS * (p * s2) + twoS;
    }
}
