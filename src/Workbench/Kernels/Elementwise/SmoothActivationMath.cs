using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>
/// Eight-lane erf and the normal CDF Φ behind the exact GELU, and the logistic σ behind SiLU.
/// erf follows Norbert Juffa's single-precision erff (max error ≈ 1 ulp): an odd polynomial for
/// |z| ≤ 0.9277 and erfc(|z|) = exp(p(|z|)) beyond, so Φ(x) = ½erfc(−x/√2) for x ≪ 0 comes without
/// the cancellation of ½(1 + erf) (PyTorch's form).
/// </summary>
internal static class SmoothActivationMath
{
    private const float SmallBound = 0.927734375f;

    /// <summary>(erf z for |z| ≤ 0.9277, erfc |z| elsewhere, which lanes are small).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Erf, Vector256<float> Erfc, Vector256<float> Small) ErfParts(Vector256<float> z)
    {
        var t = Vector256.Abs(z);
        var s = z * z;
        var small = Vector256.LessThanOrEqual(t, Vector256.Create(SmallBound));
        // erf z = z + z·p(z²) on |z| ≤ 0.9277
        var p = Vector256.Create(-5.96761703e-4f);
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(4.99119423e-3f));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(-2.67681349e-2f));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(1.12819925e-1f));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(-3.76125336e-1f));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(1.28379166e-1f));
        var erfSmall = Vector256.FusedMultiplyAdd(p, z, z);
        // erfc t = exp(r(t)) beyond
        var r = Vector256.FusedMultiplyAdd(Vector256.Create(-1.72853470e-5f), t, Vector256.Create(3.83197126e-4f));
        var u = Vector256.FusedMultiplyAdd(Vector256.Create(-3.88396438e-3f), t, Vector256.Create(2.42546219e-2f));
        r = Vector256.FusedMultiplyAdd(r, s, u);
        r = Vector256.FusedMultiplyAdd(r, t, Vector256.Create(-1.06777877e-1f));
        r = Vector256.FusedMultiplyAdd(r, t, Vector256.Create(-6.34846687e-1f));
        r = Vector256.FusedMultiplyAdd(r, t, Vector256.Create(-1.28717512e-1f));
        r = Vector256.FusedMultiplyAdd(r, t, -t);
        return (erfSmall, ExpOrZero(r), small);
    }

    /// <summary>
    /// eˣ for x ≤ 0, exactly 0 below the smallest normal result (instead of <see cref="VectorMath.ExpNonPositive"/>'s
    /// floor), NaN for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpOrZero(Vector256<float> x)
    {
        var e = Vector256.ConditionalSelect(Vector256.Equals(x, x), VectorMath.ExpNonPositive(x), x);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-87.33654f)), Vector256<float>.Zero, e);
    }

    /// <summary>erf z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erf(Vector256<float> z)
    {
        var (erf, erfc, small) = ErfParts(z);
        var large = Vector256.ConditionalSelect(Vector256.Create(-0f), z, Vector256<float>.One - erfc); // copysign(1 − erfc|z|, z)
        return Vector256.ConditionalSelect(small, erf, large);
    }

    /// <summary>Φ(x) = ½(1 + erf(x/√2)), the standard normal CDF.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> NormalCdf(Vector256<float> x)
    {
        var half = Vector256.Create(0.5f);
        var (erf, erfc, small) = ErfParts(x * Vector256.Create(0.70710678118654752f));
        var halfErfc = half * erfc;
        var large = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One - halfErfc, halfErfc);
        return Vector256.ConditionalSelect(small, Vector256.FusedMultiplyAdd(half, erf, half), large);
    }

    /// <summary>φ(x) = e^(−x²/2)/√(2π), the standard normal density.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> NormalDensity(Vector256<float> x) =>
        ExpOrZero(x * x * Vector256.Create(-0.5f)) * Vector256.Create(0.39894228040143268f);

    /// <summary>(σ(x), 1 − σ(x)), both from e^−|x| so neither cancels or overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Sigma, Vector256<float> Complement) Sigmoid(Vector256<float> x)
    {
        var e = ExpOrZero(-Vector256.Abs(x));
        var q = Vector256<float>.One / (Vector256<float>.One + e);
        var eq = e * q;
        var nonNegative = Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero);
        return (Vector256.ConditionalSelect(nonNegative, q, eq), Vector256.ConditionalSelect(nonNegative, eq, q));
    }
}

/// <summary>eˣ for x ≤ 0 (the shifted logits of a softmax), 0 where it underflows, NaN for NaN.</summary>
internal readonly struct ExpNonPositiveVector : IVectorFunction
{
    public Vector256<float> At(Vector256<float> x) => SmoothActivationMath.ExpOrZero(x);
}

/// <summary>erf x.</summary>
internal readonly struct ErfVector : IVectorFunction
{
    public Vector256<float> At(Vector256<float> x) => SmoothActivationMath.Erf(x);
}

/// <summary>GELU(x) = x·Φ(x) (Hendrycks &amp; Gimpel, 2016), PyTorch's approximate="none".</summary>
internal readonly struct GeluVector : IVectorFunction
{
    public Vector256<float> At(Vector256<float> x) => x * SmoothActivationMath.NormalCdf(x);
}

/// <summary>d GELU/dx = Φ(x) + x·φ(x).</summary>
internal readonly struct GeluDerivativeVector : IVectorFunction
{
    public Vector256<float> At(Vector256<float> x) =>
        Vector256.FusedMultiplyAdd(x, SmoothActivationMath.NormalDensity(x), SmoothActivationMath.NormalCdf(x));
}

/// <summary>
/// GELU's tanh form ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³) (PyTorch's approximate="tanh"), evaluated as
/// x·σ(2u) (the same function, since 1 + tanh u = 2σ(2u)) so nothing cancels where tanh u → −1.
/// </summary>
internal readonly struct GeluTanhVector : IVectorFunction
{
    public Vector256<float> At(Vector256<float> x) => x * SmoothActivationMath.Sigmoid(GeluTanhTerms.TwiceInner(x)).Sigma;
}

/// <summary>d/dx of the tanh form: σ + 2x·σ(1 − σ)·√(2/π)(1 + 3·0.044715x²) with σ = σ(2u) (= ½(1 + tanh u), 1 − tanh² u = 4σ(1 − σ)).</summary>
internal readonly struct GeluTanhDerivativeVector : IVectorFunction
{
    public Vector256<float> At(Vector256<float> x)
    {
        var (sigma, complement) = SmoothActivationMath.Sigmoid(GeluTanhTerms.TwiceInner(x));
        var innerDerivative = Vector256.Create(GeluTanhTerms.Beta) * Vector256.FusedMultiplyAdd(Vector256.Create(3f * GeluTanhTerms.Kappa), x * x, Vector256<float>.One);
        return Vector256.FusedMultiplyAdd(Vector256.Create(2f) * x * sigma * complement, innerDerivative, sigma);
    }
}

internal static class GeluTanhTerms
{
    public const float Beta = 0.7978845608028654f; // √(2/π)
    public const float Kappa = 0.044715f;

    /// <summary>2u = 2√(2/π)(x + κx³), x³ formed as x·x·x as PyTorch does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> TwiceInner(Vector256<float> x) =>
        Vector256.Create(2f * Beta) * (x + Vector256.Create(Kappa) * (x * x * x));
}

/// <summary>SiLU(x) = x·σ(x) (Elfwing et al., 2018; "swish").</summary>
internal readonly struct SiluVector : IVectorFunction
{
    public Vector256<float> At(Vector256<float> x) => x * SmoothActivationMath.Sigmoid(x).Sigma;
}

/// <summary>d SiLU/dx = σ(x)·(1 + x·(1 − σ(x))).</summary>
internal readonly struct SiluDerivativeVector : IVectorFunction
{
    public Vector256<float> At(Vector256<float> x)
    {
        var (sigma, complement) = SmoothActivationMath.Sigmoid(x);
        return sigma * Vector256.FusedMultiplyAdd(x, complement, Vector256<float>.One);
    }
}
