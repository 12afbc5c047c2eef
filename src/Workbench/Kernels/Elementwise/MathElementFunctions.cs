namespace Workbench.Kernels;

// Forward maps and local derivatives of the elementwise math ops (Tensor.Math.cs, Tensor.Activations.cs),
// one small struct each so ElementLoops specialises them. Special functions are evaluated in double.

/// <summary>log(1 + x).</summary>
internal readonly struct Log1PFunction : IElementFunction
{
    public float At(float x) => (float)SpecialFunctions.Log1P(x);
}

/// <summary>d log(1 + x)/dx = 1/(1 + x).</summary>
internal readonly struct Log1PDerivative : IElementFunction
{
    public float At(float x) => (float)(1.0 / (1.0 + x));
}

/// <summary>eˣ − 1.</summary>
internal readonly struct ExpM1Function : IElementFunction
{
    public float At(float x) => (float)SpecialFunctions.ExpM1(x);
}

/// <summary>d(eˣ − 1)/dx = eˣ, written with the output y = eˣ − 1 as y + 1.</summary>
internal readonly struct ExpM1DerivativeFromOutput : IElementFunction
{
    public float At(float y) => y + 1f;
}

/// <summary>d sin x/dx = cos x.</summary>
internal readonly struct CosFunction : IElementFunction
{
    public float At(float x) => MathF.Cos(x);
}

/// <summary>d cos x/dx = −sin x.</summary>
internal readonly struct NegativeSinFunction : IElementFunction
{
    public float At(float x) => -MathF.Sin(x);
}

/// <summary>d erf x/dx = 2/√π · e^−x².</summary>
internal readonly struct ErfDerivative : IElementFunction
{
    public float At(float x) => (float)(1.1283791670955126 * Math.Exp(-(double)x * x));
}

/// <summary>log |Γ(x)|.</summary>
internal readonly struct LogGammaFunction : IElementFunction
{
    public float At(float x) => (float)SpecialFunctions.LogGamma(x);
}

/// <summary>ψ⁽ⁿ⁾(x); n = 0 is the digamma function ψ = d log Γ/dx.</summary>
internal readonly struct PolygammaFunction(int order) : IElementFunction
{
    public float At(float x) => (float)SpecialFunctions.Polygamma(order, x);
}

/// <summary>d(1/x)/dx = −1/x², written with the output y = 1/x as −y².</summary>
internal readonly struct ReciprocalDerivativeFromOutput : IElementFunction
{
    public float At(float y) => -y * y;
}

/// <summary>sign(x) ∈ {−1, 0, 1}; 0 for ±0 and for NaN (PyTorch 1.13's (0 &lt; x) − (x &lt; 0)).</summary>
internal readonly struct SignFunction : IElementFunction
{
    public float At(float x) => x > 0f ? 1f : x < 0f ? -1f : 0f;
}

/// <summary>x for x &gt; 0, α(eˣ − 1) otherwise (Clevert et al., 2016).</summary>
internal readonly struct EluFunction(float alpha) : IElementFunction
{
    public float At(float x) => x > 0f ? x : alpha * (float)SpecialFunctions.ExpM1(x);
}

/// <summary>d elu/dx = 1 for x &gt; 0, αeˣ for x ≤ 0 (so α at 0, as PyTorch).</summary>
internal readonly struct EluDerivative(float alpha) : IElementFunction
{
    public float At(float x) => x > 0f ? 1f : alpha * MathF.Exp(x);
}

/// <summary>d hardtanh/dx = 1 strictly inside (min, max), 0 elsewhere including at the bounds (PyTorch's rule; Clamp passes the bounds).</summary>
internal readonly struct HardtanhDerivative(float min, float max) : IElementFunction
{
    public float At(float x) => x > min && x < max ? 1f : 0f;
}
