using System.Numerics.Tensors;
using Workbench.Kernels;

namespace Workbench.Tensors;

// Elementwise math functions with torch's names (torch.log1p, torch.special.*, …). Special functions are
// evaluated in double and rounded once, so float results sit within about an ulp of the true values; the
// backward rule beside each forward multiplies the incoming gradient by the local derivative.
public sealed partial class Tensor
{
    /// <summary>log(1 + x), accurate for tiny x (NaN for x &lt; −1, −∞ at −1). d/dx = 1/(1 + x).</summary>
    public Tensor Log1p()
    {
        var y = Uninitialized(Dims);
        ElementLoops.Map(Storage, y.Storage, new Log1PFunction());
        return RecordElementwise("Log1p", y, new Log1PDerivative(), derivativeOfOutput: false);
    }

    /// <summary>eˣ − 1, accurate for tiny x. d/dx = eˣ, taken as y + 1 (PyTorch's rule).</summary>
    public Tensor Expm1()
    {
        var y = Uninitialized(Dims);
        ElementLoops.Map(Storage, y.Storage, new ExpM1Function());
        return RecordElementwise("Expm1", y, new ExpM1DerivativeFromOutput(), derivativeOfOutput: true);
    }

    /// <summary>sin x (radians). d/dx = cos x.</summary>
    public Tensor Sin()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Sin(Storage, y.Storage);
        return RecordElementwise("Sin", y, new CosFunction(), derivativeOfOutput: false);
    }

    /// <summary>cos x (radians). d/dx = −sin x.</summary>
    public Tensor Cos()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Cos(Storage, y.Storage);
        return RecordElementwise("Cos", y, new NegativeSinFunction(), derivativeOfOutput: false);
    }

    /// <summary>The error function erf x = 2/√π ∫₀ˣ e^−t² dt (vectorised, ≈ 1 ulp). d/dx = 2/√π · e^−x².</summary>
    public Tensor Erf()
    {
        var y = Uninitialized(Dims);
        VectorLoops.Map(Storage, y.Storage, new ErfVector());
        return RecordElementwise("Erf", y, new ErfDerivative(), derivativeOfOutput: false);
    }

    /// <summary>
    /// log |Γ(x)|, also for negative non-integers (by reflection); +∞ at 0, −1, −2, … and at ±∞, as
    /// <c>torch.lgamma</c>. d/dx = ψ(x) (<see cref="Digamma"/>).
    /// </summary>
    public Tensor Lgamma()
    {
        var y = Uninitialized(Dims);
        ElementLoops.Map(Storage, y.Storage, new LogGammaFunction());
        return RecordElementwise("Lgamma", y, new PolygammaFunction(0), derivativeOfOutput: false);
    }

    /// <summary>
    /// ψ(x) = d log Γ(x)/dx, also for negative non-integers (by reflection). As <c>torch.digamma</c>:
    /// ψ(+0) = −∞, ψ(−0) = +∞, NaN at negative integers. d/dx = ψ⁽¹⁾(x), the trigamma function.
    /// </summary>
    public Tensor Digamma() => Polygamma(0);

    /// <summary>
    /// ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function (<c>torch.polygamma(n, x)</c>; n = 0 is
    /// <see cref="Digamma"/>, n = 1 the trigamma function). At 0, −1, −2, … the value is (−1)ⁿ⁺¹·∞ for n ≥ 1.
    /// d/dx = ψ⁽ⁿ⁺¹⁾(x).
    /// </summary>
    public Tensor Polygamma(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Polygamma: the order n must be 0 or more.");
        var y = Uninitialized(Dims);
        ElementLoops.Map(Storage, y.Storage, new PolygammaFunction(n));
        return RecordElementwise(n == 0 ? "Digamma" : "Polygamma", y, new PolygammaFunction(n + 1), derivativeOfOutput: false);
    }

    /// <summary>−x. d/dx = −1.</summary>
    public Tensor Neg()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Negate(Storage, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Neg", [x], g => TensorPrimitives.Subtract(x.GradStorage(), g.Storage, x.GradStorage()));
    }

    /// <summary>1/x (±∞ at ±0). d/dx = −1/x² = −y².</summary>
    public Tensor Reciprocal()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Reciprocal(Storage, y.Storage);
        return RecordElementwise("Reciprocal", y, new ReciprocalDerivativeFromOutput(), derivativeOfOutput: true);
    }

    /// <summary>sign(x) ∈ {−1, 0, 1}, 0 for ±0 and NaN (as PyTorch 1.13). d/dx = 0: the gradient is zeros.</summary>
    public Tensor Sign()
    {
        var y = Uninitialized(Dims);
        ElementLoops.Map(Storage, y.Storage, new SignFunction());
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Sign", [x], _ => x.GradStorage()); // creates x's gradient (zeros) and adds nothing, as torch
    }
}
