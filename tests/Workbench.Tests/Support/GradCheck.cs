using Workbench.Tensors;

namespace Workbench.Tests.Support;

/// <summary>
/// Finite-difference gradient checks. The scalar checked is L = Σ f(inputs) ⊙ R with a fixed random
/// R, so every output element's gradient matters and sign errors cannot cancel.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Compares autograd gradients of every input with central differences
    /// (L(x + h) − L(x − h)) / 2h, accumulated in double.
    /// </summary>
    public static void AssertGradients(Func<Tensor[], Tensor> f, Tensor[] inputs, float step = 1e-2f,
        double relativeTolerance = 2e-2, double absoluteTolerance = 2e-3, ulong seed = 7)
    {
        foreach (var x in inputs) x.RequiresGrad = true;
        var output = f(inputs);
        var weights = Tensor.Randn(new Rng(seed), output.Shape.ToArray());
        (output * weights).Sum().Backward();

        for (int t = 0; t < inputs.Length; t++)
        {
            var x = inputs[t];
            Assert.True(x.Grad is not null, $"input {t} received no gradient");
            var analytic = x.Grad!.ToArray();
            var values = x.Span;
            for (int i = 0; i < x.Size; i++)
            {
                float original = values[i];
                values[i] = original + step;
                double plus = WeightedSum(f, inputs, weights);
                values[i] = original - step;
                double minus = WeightedSum(f, inputs, weights);
                values[i] = original;
                double numeric = (plus - minus) / (2 * step);
                double tolerance = absoluteTolerance + relativeTolerance * Math.Abs(numeric);
                Assert.True(Math.Abs(analytic[i] - numeric) <= tolerance,
                    $"input {t} element {i}: autograd {analytic[i]:G6} vs finite difference {numeric:G6} (shape {Tensor.ShapeText(x.Dims)})");
            }
        }
    }

    private static double WeightedSum(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor weights)
    {
        using var _ = GradMode.NoGrad();
        var y = f(inputs).Span;
        var w = weights.Span;
        double sum = 0;
        for (int i = 0; i < y.Length; i++) sum += (double)y[i] * w[i];
        return sum;
    }

    /// <summary>A random tensor of the given shape from a fixed seed.</summary>
    public static Tensor Random(ulong seed, params int[] shape) => Tensor.Randn(new Rng(seed), shape);
}

/// <summary>Tolerance helpers for comparing float arrays.</summary>
public static class Close
{
    /// <summary>Asserts |a − e| ≤ atol + rtol·|e| elementwise, naming the first mismatch.</summary>
    public static void Assert(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rtol = 1e-4, double atol = 1e-6, string what = "values")
    {
        Xunit.Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)actual[i] - expected[i]);
            if (!(diff <= atol + rtol * Math.Abs(expected[i])))
                Xunit.Assert.Fail($"{what}[{i}]: {actual[i]:G9}, expected {expected[i]:G9} (|diff| {diff:G3})");
        }
    }
}
