using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Reference;

/// <summary>Comparisons against PyTorch-computed tensors.</summary>
internal static class ReferenceAssert
{
    /// <summary>
    /// Shape equal and values within 1e-4 relative; the absolute floor is 1e-5 of the tensor's largest
    /// magnitude, since float32 sums accumulated in another order differ by about that much near zero.
    /// </summary>
    public static void Close(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape {Tensor.ShapeText(actual.Dims)}, expected {Tensor.ShapeText(expected.Dims)}");
        Support.Close.Assert(expected.Span, actual.Span, 1e-4, Floor(expected.Span), what);
    }

    public static double Floor(ReadOnlySpan<float> expected)
    {
        float largest = 0f;
        foreach (float v in expected) largest = Math.Max(largest, Math.Abs(v));
        return Math.Max(1e-6, 1e-5 * largest);
    }

    /// <summary>A scope-free copy of a fixture tensor that requires grad.</summary>
    public static Tensor Leaf(Tensor fixture)
    {
        var t = fixture.Clone();
        t.RequiresGrad = true;
        return t;
    }
}
