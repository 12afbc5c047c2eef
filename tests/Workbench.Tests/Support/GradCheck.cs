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
    /// (L(x + h) − L(x − h)) / 2h, accumulated in double (the library's <see cref="GradientCheck"/>).
    /// </summary>
    public static void AssertGradients(Func<Tensor[], Tensor> f, Tensor[] inputs, float step = 1e-2f,
        double relativeTolerance = 2e-2, double absoluteTolerance = 2e-3, ulong seed = 7)
    {
        var result = GradientCheck.Run(f, inputs, new GradientCheckOptions
        {
            Step = step, RelativeTolerance = relativeTolerance, AbsoluteTolerance = absoluteTolerance, Seed = seed,
        });
        for (int t = 0; t < inputs.Length; t++) Assert.True(inputs[t].Grad is not null, $"input {t} received no gradient");
        Assert.True(result.Passed, string.Join("\n", result.Mismatches.Take(5)));
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
