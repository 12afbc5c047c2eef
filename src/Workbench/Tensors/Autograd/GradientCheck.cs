namespace Workbench.Tensors;

/// <summary>
/// Compares the gradients autograd computes with central finite differences, as PyTorch's
/// <c>torch.autograd.gradcheck</c>, in float32: the scalar checked is L = Σ f(inputs) ⊙ R with a fixed
/// random R (so every output element's gradient matters and sign errors cannot cancel), each input
/// element is moved by ±<see cref="GradientCheckOptions.Step"/>, and L is summed in double.
/// </summary>
/// <remarks>
/// The tolerance is stated per element: |autograd − numeric| ≤ absolute + relative·|numeric|. Float32
/// differences of step 1e-2 are accurate to about 1e-3 for inputs and outputs of order one; a function with
/// kinks (ReLU, max, clamp) must be checked at inputs further than the step from its kinks.
/// </remarks>
public static class GradientCheck
{
    /// <summary>Checks every element of every input and returns what was found (nothing thrown on a mismatch).</summary>
    /// <param name="function">The function of the inputs; called once with gradients and 2·(elements) times without.</param>
    /// <param name="inputs">Leaves; their <see cref="Tensor.RequiresGrad"/> is set and their gradients are replaced.</param>
    public static GradientCheckResult Run(Func<Tensor[], Tensor> function, Tensor[] inputs, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new GradientCheckOptions();
        options.Validate();
        foreach (var x in inputs)
        {
            if (!x.IsLeaf) throw new ArgumentException("GradientCheck: every input must be a leaf tensor (create it, or Detach() it, outside the function).", nameof(inputs));
            x.RequiresGrad = true;
            x.ZeroGrad();
        }
        if (!GradMode.IsEnabled) throw new InvalidOperationException("GradientCheck needs gradient recording: call it outside GradMode.NoGrad().");
        var output = function(inputs);
        var weights = Tensor.Randn(new Rng(options.Seed), output.Shape.ToArray());
        (output * weights).Sum().Backward();

        var failures = new List<GradientMismatch>();
        double worst = 0;
        for (int t = 0; t < inputs.Length; t++)
        {
            var x = inputs[t];
            var analytic = x.Grad?.ToArray() ?? new float[x.Size]; // no gradient reached it: zero
            var values = x.Span;
            for (int i = 0; i < x.Size; i++)
            {
                float original = values[i];
                values[i] = original + options.Step;
                double plus = WeightedSum(function, inputs, weights);
                values[i] = original - options.Step;
                double minus = WeightedSum(function, inputs, weights);
                values[i] = original;
                double numeric = (plus - minus) / (2.0 * options.Step);
                double error = Math.Abs(analytic[i] - numeric);
                double allowed = options.AbsoluteTolerance + options.RelativeTolerance * Math.Abs(numeric);
                worst = Math.Max(worst, double.IsNaN(error) ? double.PositiveInfinity : error / allowed);
                if (!(error <= allowed)) failures.Add(new GradientMismatch(t, i, analytic[i], numeric, Tensor.ShapeText(x.Dims)));
            }
        }
        return new GradientCheckResult(failures, worst);
    }

    /// <summary>As <see cref="Run"/>, throwing <see cref="GradientCheckException"/> naming the first mismatches.</summary>
    public static void Assert(Func<Tensor[], Tensor> function, Tensor[] inputs, GradientCheckOptions? options = null)
    {
        var result = Run(function, inputs, options);
        if (!result.Passed) throw new GradientCheckException(result);
    }

    private static double WeightedSum(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor weights)
    {
        using var _ = GradMode.NoGrad();
        var y = function(inputs).Span;
        var w = weights.Span;
        double sum = 0;
        for (int i = 0; i < y.Length; i++) sum += (double)y[i] * w[i];
        return sum;
    }
}

/// <summary>Settings of <see cref="GradientCheck"/>.</summary>
public sealed record GradientCheckOptions
{
    /// <summary>h of the central difference (f(x + h) − f(x − h)) / 2h.</summary>
    public float Step { get; init; } = 1e-2f;

    /// <summary>Allowed error relative to |numeric gradient|.</summary>
    public double RelativeTolerance { get; init; } = 2e-2;

    /// <summary>Allowed absolute error.</summary>
    public double AbsoluteTolerance { get; init; } = 2e-3;

    /// <summary>Seed of the random output weights R.</summary>
    public ulong Seed { get; init; } = 7;

    internal void Validate()
    {
        if (!(Step > 0) || !float.IsFinite(Step)) throw new ArgumentOutOfRangeException(nameof(Step), $"GradientCheck: Step must be a finite number > 0 (got {Step}).");
        if (!(RelativeTolerance >= 0) || !(AbsoluteTolerance >= 0))
            throw new ArgumentOutOfRangeException(nameof(RelativeTolerance), $"GradientCheck: tolerances must be ≥ 0 (got relative {RelativeTolerance}, absolute {AbsoluteTolerance}).");
    }
}

/// <summary>One element whose autograd gradient disagrees with the finite difference.</summary>
/// <param name="Input">Index of the input.</param>
/// <param name="Element">Row-major index of the element in that input.</param>
public sealed record GradientMismatch(int Input, int Element, double Autograd, double Numeric, string Shape)
{
    public override string ToString() =>
        $"input {Input} {Shape} element {Element}: autograd {Autograd:G6} vs finite difference {Numeric:G6}";
}

/// <summary>What <see cref="GradientCheck.Run"/> found.</summary>
/// <param name="Mismatches">Every element outside the tolerance.</param>
/// <param name="WorstErrorRatio">The largest error divided by its allowed error (≤ 1 passes).</param>
public sealed record GradientCheckResult(IReadOnlyList<GradientMismatch> Mismatches, double WorstErrorRatio)
{
    /// <summary>True when every element is within the tolerance.</summary>
    public bool Passed => Mismatches.Count == 0;
}

/// <summary>Thrown by <see cref="GradientCheck.Assert"/>: the gradients disagree with finite differences.</summary>
public sealed class GradientCheckException(GradientCheckResult result) : Exception(
    $"{result.Mismatches.Count} gradient element(s) disagree with finite differences; first: " +
    string.Join("; ", result.Mismatches.Take(3)))
{
    public GradientCheckResult Result { get; } = result;
}
