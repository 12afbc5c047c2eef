namespace Workbench.Kernels;

/// <summary>A scalar function applied elementwise (a forward map or a local derivative).</summary>
/// <remarks>A small readonly struct per function, so the generic loops below specialise and inline it.</remarks>
internal interface IElementFunction
{
    float At(float value);
}

/// <summary>Elementwise loops for functions TensorPrimitives does not provide, and for backward rules.</summary>
internal static class ElementLoops
{
    /// <summary>y[i] = f(x[i]).</summary>
    public static void Map<TFunction>(ReadOnlySpan<float> x, Span<float> y, TFunction f) where TFunction : struct, IElementFunction
    {
        if (y.Length < x.Length) throw new ArgumentException("Destination is too short.", nameof(y));
        for (int i = 0; i < x.Length; i++) y[i] = f.At(x[i]);
    }

    /// <summary>gradient[i] += upstream[i] · f′(value[i]): the chain rule for an elementwise op.</summary>
    public static void AccumulateChain<TDerivative>(ReadOnlySpan<float> upstream, ReadOnlySpan<float> values, Span<float> gradient, TDerivative derivative)
        where TDerivative : struct, IElementFunction
    {
        if (values.Length != upstream.Length || gradient.Length != upstream.Length) throw new ArgumentException("Span lengths differ.");
        for (int i = 0; i < upstream.Length; i++) gradient[i] += upstream[i] * derivative.At(values[i]);
    }
}

/// <summary>Numerically stable scalar building blocks shared by activations and losses.</summary>
internal static class StableMath
{
    /// <summary>
    /// log(1 + u) accurate also for tiny u (Goldberg's trick: the rounding error of 1 + u cancels in
    /// log(w)·u/(w − 1)), where a plain log(1 + u) would return 0.
    /// </summary>
    public static float Log1P(float u)
    {
        float w = 1f + u;
        return w == 1f ? u : MathF.Log(w) * (u / (w - 1f));
    }

    /// <summary>softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^−|x|): never overflows, accurate for x ≪ 0.</summary>
    public static float Softplus(float x) => MathF.Max(x, 0f) + Log1P(MathF.Exp(-MathF.Abs(x)));

    /// <summary>σ(x) = 1 / (1 + e^−x), evaluated through e^−|x| so nothing overflows.</summary>
    public static float Sigmoid(float x)
    {
        float e = MathF.Exp(-MathF.Abs(x));
        return x >= 0f ? 1f / (1f + e) : e / (1f + e);
    }
}

internal readonly struct SoftplusFunction : IElementFunction
{
    public float At(float x) => StableMath.Softplus(x);
}

/// <summary>softplus′(x) = σ(x).</summary>
internal readonly struct SigmoidFunction : IElementFunction
{
    public float At(float x) => StableMath.Sigmoid(x);
}

internal readonly struct LeakyReluFunction(float negativeSlope) : IElementFunction
{
    public float At(float x) => x > 0f ? x : negativeSlope * x;
}

internal readonly struct LeakyReluDerivative(float negativeSlope) : IElementFunction
{
    public float At(float x) => x > 0f ? 1f : negativeSlope;
}

/// <summary>d ln x / dx = 1/x.</summary>
internal readonly struct ReciprocalFunction : IElementFunction
{
    public float At(float x) => 1f / x;
}

/// <summary>dσ/dx written with the output y = σ(x): y(1 − y).</summary>
internal readonly struct SigmoidDerivativeFromOutput : IElementFunction
{
    public float At(float y) => y * (1f - y);
}

/// <summary>d tanh/dx written with the output y = tanh(x): 1 − y².</summary>
internal readonly struct TanhDerivativeFromOutput : IElementFunction
{
    public float At(float y) => 1f - y * y;
}

/// <summary>d x²/dx = 2x.</summary>
internal readonly struct SquareDerivative : IElementFunction
{
    public float At(float x) => 2f * x;
}

/// <summary>d √x/dx written with the output y = √x: 1/(2y).</summary>
internal readonly struct SqrtDerivativeFromOutput : IElementFunction
{
    public float At(float y) => 0.5f / y;
}

/// <summary>d xᵖ/dx = p·xᵖ⁻¹ (0 for p = 0, as in PyTorch).</summary>
internal readonly struct PowDerivative(float exponent) : IElementFunction
{
    public float At(float x) => exponent == 0f ? 0f : exponent * MathF.Pow(x, exponent - 1f);
}

/// <summary>d|x|/dx = sign(x), 0 at 0 (PyTorch's subgradient).</summary>
internal readonly struct AbsDerivative : IElementFunction
{
    public float At(float x) => x > 0f ? 1f : x < 0f ? -1f : 0f;
}

/// <summary>d clamp(x, min, max)/dx = 1 inside [min, max] (bounds included, as in PyTorch), else 0.</summary>
internal readonly struct ClampDerivative(float min, float max) : IElementFunction
{
    public float At(float x) => x >= min && x <= max ? 1f : 0f;
}
