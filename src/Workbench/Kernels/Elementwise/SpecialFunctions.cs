namespace Workbench.Kernels;

/// <summary>
/// Scalar special functions evaluated in double precision and rounded once to float, so the float
/// results are within about one ulp of the true values for ordinary arguments. The pole and infinity
/// conventions are PyTorch 1.13's (noted per function).
/// </summary>
internal static class SpecialFunctions
{
    /// <summary>log(1 + x), accurate for tiny x (Goldberg's trick cancels the rounding of 1 + x).</summary>
    public static double Log1P(double x)
    {
        double w = 1.0 + x;
        if (w == 1.0) return x;
        if (double.IsPositiveInfinity(w)) return w;
        return Math.Log(w) * (x / (w - 1.0));
    }

    /// <summary>eˣ − 1, accurate for tiny x (Kahan: the rounding of u = eˣ cancels in (u − 1)·x / log u).</summary>
    public static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        if (um1 == -1.0) return -1.0;
        if (double.IsPositiveInfinity(u)) return u;
        return um1 * x / Math.Log(u);
    }

    /// <summary>
    /// log |Γ(x)|: Stirling's series at x + m ≥ 10 after shifting up by the product x(x+1)…, and the
    /// reflection log(π / |sin πx|) − log|Γ(1 − x)| for x &lt; 0.5. +∞ at the poles (0, −1, −2, …) and at ±∞.
    /// </summary>
    public static double LogGamma(double x)
    {
        if (double.IsNaN(x)) return x;
        if (double.IsInfinity(x)) return double.PositiveInfinity;
        if (x <= 0 && x == Math.Floor(x)) return double.PositiveInfinity;
        if (x == 1.0 || x == 2.0) return 0.0;
        if (x < 0.5)
        {
            double fraction = x - Math.Floor(x); // sin πx has the magnitude of sin(π·fraction), fraction in (0, 1)
            return Math.Log(Math.PI / Math.Sin(Math.PI * fraction)) - LogGamma(1.0 - x);
        }
        double product = 1.0;
        while (x < 10.0)
        {
            product *= x;
            x += 1.0;
        }
        double inverse = 1.0 / x, inverse2 = inverse * inverse;
        // Σ B₂ₖ / (2k(2k − 1) x²ᵏ⁻¹) for k = 1..7
        double series = inverse * (1.0 / 12 + inverse2 * (-1.0 / 360 + inverse2 * (1.0 / 1260 + inverse2 * (-1.0 / 1680
            + inverse2 * (1.0 / 1188 + inverse2 * (-691.0 / 360360 + inverse2 * (1.0 / 156)))))));
        return (x - 0.5) * Math.Log(x) - x + 0.91893853320467274178 + series - Math.Log(product); // ½ log 2π
    }

    /// <summary>
    /// ψ(x) = d log Γ(x)/dx: recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series;
    /// reflection ψ(x) = ψ(1 − x) − π/tan(πx) for x &lt; 0. As PyTorch: ψ(±0) = ∓∞, NaN at negative
    /// integers and at −∞, +∞ at +∞.
    /// </summary>
    public static double Digamma(double x)
    {
        if (double.IsNaN(x) || double.IsNegativeInfinity(x)) return double.NaN;
        if (double.IsPositiveInfinity(x)) return x;
        if (x == 0.0) return double.IsNegative(x) ? double.PositiveInfinity : double.NegativeInfinity;
        if (x < 0.0)
        {
            if (x == Math.Floor(x)) return double.NaN;
            double fraction = x - Math.Floor(x); // tan has period π
            return Digamma(1.0 - x) - Math.PI / Math.Tan(Math.PI * fraction);
        }
        double result = 0.0;
        while (x < 10.0)
        {
            result -= 1.0 / x;
            x += 1.0;
        }
        double inverse2 = 1.0 / (x * x);
        // Σ B₂ₖ / (2k x²ᵏ) for k = 1..6
        double series = inverse2 * (1.0 / 12 - inverse2 * (1.0 / 120 - inverse2 * (1.0 / 252 - inverse2 * (1.0 / 240
            - inverse2 * (1.0 / 132 - inverse2 * (691.0 / 32760))))));
        return result + Math.Log(x) - 0.5 / x - series;
    }

    // B₂ₖ for k = 1..10.
    private static readonly double[] Bernoulli =
        [1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6, -3617.0 / 510, 43867.0 / 798, -174611.0 / 330];

    /// <summary>
    /// ψ⁽ⁿ⁾(x), the n-th derivative of ψ (n = 0 is <see cref="Digamma"/>). For n ≥ 1: the recurrence
    /// ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + 1) + (−1)ⁿ⁺¹ n!/xⁿ⁺¹ up to x ≥ n + 10, then the asymptotic series; for x &lt; 0
    /// the reflection ψ⁽ⁿ⁾(x) = (−1)ⁿ ψ⁽ⁿ⁾(1 − x) − πⁿ⁺¹ cot⁽ⁿ⁾(πx). At the poles (0, −1, …) the value is
    /// (−1)ⁿ⁺¹·∞ (PyTorch's sign); 0 at +∞, NaN at −∞.
    /// </summary>
    public static double Polygamma(int n, double x)
    {
        if (n == 0) return Digamma(x);
        if (double.IsNaN(x) || double.IsNegativeInfinity(x)) return double.NaN;
        if (double.IsPositiveInfinity(x)) return 0.0;
        double sign = n % 2 == 1 ? 1.0 : -1.0; // (−1)ⁿ⁺¹
        if (x <= 0.0 && x == Math.Floor(x)) return sign * double.PositiveInfinity;
        if (x < 0.0)
        {
            double fraction = x - Math.Floor(x); // cot has period π
            double cotDerivative = CotDerivative(n, 1.0 / Math.Tan(Math.PI * fraction));
            return -sign * Polygamma(n, 1.0 - x) - Math.Pow(Math.PI, n + 1) * cotDerivative;
        }
        double factorial = 1.0;
        for (int k = 2; k <= n; k++) factorial *= k;
        double shifted = 0.0; // Σ 1/(x + k)ⁿ⁺¹ over the shifts
        double threshold = n + 10.0;
        while (x < threshold)
        {
            shifted += Math.Pow(x, -(n + 1));
            x += 1.0;
        }
        // (n − 1)!/xⁿ + n!/(2xⁿ⁺¹) + Σₖ B₂ₖ (2k + n − 1)!/((2k)! x²ᵏ⁺ⁿ)
        double tail = factorial / n * Math.Pow(x, -n) + factorial / 2.0 * Math.Pow(x, -(n + 1));
        double coefficient = factorial / n; // (2k + n − 1)!/(2k)! built up from k = 0: (n − 1)!
        double power = Math.Pow(x, -n);
        double inverse2 = 1.0 / (x * x);
        for (int k = 1; k <= Bernoulli.Length; k++)
        {
            coefficient *= (2.0 * k + n - 2) * (2.0 * k + n - 1) / ((2.0 * k - 1) * (2.0 * k));
            power *= inverse2;
            tail += Bernoulli[k - 1] * coefficient * power;
        }
        return sign * (factorial * shifted + tail);
    }

    /// <summary>dⁿ cot(u)/duⁿ written as a polynomial in c = cot u: P₀ = c, Pₖ₊₁ = Pₖ′(c)·(−1 − c²).</summary>
    private static double CotDerivative(int n, double c)
    {
        var coefficients = new double[n + 2];
        coefficients[1] = 1.0;
        for (int step = 0; step < n; step++)
        {
            var next = new double[n + 2];
            for (int power = 1; power < coefficients.Length; power++)
            {
                double derivative = power * coefficients[power]; // coefficient of c^(power − 1) in Pₖ′
                if (derivative == 0.0) continue;
                next[power - 1] -= derivative;
                if (power + 1 < next.Length) next[power + 1] -= derivative;
            }
            coefficients = next;
        }
        double value = 0.0;
        for (int power = coefficients.Length - 1; power >= 0; power--) value = value * c + coefficients[power];
        return value;
    }
}
