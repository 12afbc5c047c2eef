using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

/// <summary>
/// The PyTorch 1.13 oracle for the math ops, comparisons, softmax family and classification losses
/// (Fixtures/ops_math.safetensors, from tests/fixtures-gen/ops_math.py), and comparisons that accept equal
/// non-finite values (a NaN where PyTorch has NaN, the same infinity).
/// </summary>
internal static class OpsMathFixture
{
    private static readonly Lazy<Workbench.IO.SafeTensorsFile> File = new(() => FixtureFiles.Load("ops_math.safetensors"));

    public static Tensor Get(string name) =>
        File.Value.Tensors.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"ops_math.safetensors has no tensor '{name}'.");

    public static string Metadata(string key) => File.Value.Metadata[key];

    /// <summary>A scope-free copy that requires grad.</summary>
    public static Tensor Leaf(string name)
    {
        var t = Get(name).Clone();
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>Targets stored as floats, back as class indices.</summary>
    public static int[] Targets(string name) => Get(name).ToArray().Select(v => (int)v).ToArray();

    /// <summary>
    /// Same shape, and each value within atol + rtol·|expected| with atol = 1e-5 of the largest finite expected
    /// magnitude (float sums in another order differ by about that near zero); equal non-finite values match.
    /// </summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what, double rtol = 1e-4)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape {Tensor.ShapeText(actual.Dims)}, expected {Tensor.ShapeText(expected.Dims)}");
        var e = expected.Span;
        var a = actual.Span;
        float largest = 0f;
        foreach (float v in e) if (float.IsFinite(v)) largest = Math.Max(largest, Math.Abs(v));
        double atol = Math.Max(1e-6, 1e-5 * largest);
        for (int i = 0; i < e.Length; i++)
        {
            if (!float.IsFinite(e[i]) || !float.IsFinite(a[i]))
            {
                Assert.True(e[i].Equals(a[i]), $"{what}[{i}]: {a[i]}, expected {e[i]}");
                continue;
            }
            double diff = Math.Abs((double)a[i] - e[i]);
            Assert.True(diff <= atol + rtol * Math.Abs(e[i]), $"{what}[{i}]: {a[i]:G9}, expected {e[i]:G9} (|diff| {diff:G3})");
        }
    }

    /// <summary>
    /// Each value within <paramref name="maxUlps"/> units in the last place of the exact value (plus
    /// <paramref name="atol"/>), skipping positions where the exact value is undefined (NaN in the fixture).
    /// Inputs below <paramref name="tailBelow"/> are held to <paramref name="tailRtol"/> relative instead.
    /// </summary>
    public static void AssertUlps(Tensor exact, Tensor input, Tensor actual, double maxUlps, string what, double atol = 0,
        float tailBelow = float.NegativeInfinity, double tailRtol = 0)
    {
        var e = exact.Span;
        var a = actual.Span;
        var x = input.Span;
        for (int i = 0; i < e.Length; i++)
        {
            if (float.IsNaN(e[i])) continue;
            if (float.IsInfinity(e[i]))
            {
                Assert.True(e[i].Equals(a[i]), $"{what}({x[i]:G9}): {a[i]}, exact {e[i]}");
                continue;
            }
            double ulp = MathF.BitIncrement(Math.Abs(e[i])) - Math.Abs(e[i]);
            double diff = Math.Abs((double)a[i] - e[i]);
            double allowed = x[i] < tailBelow ? tailRtol * Math.Abs(e[i]) : maxUlps * ulp;
            Assert.True(diff <= allowed + atol,
                $"{what}({x[i]:G9}): {a[i]:G9}, exact {e[i]:G9} ({diff / ulp:F1} ulp, allowed {maxUlps})");
        }
    }
}
