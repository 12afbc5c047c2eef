using System.Numerics.Tensors;

namespace Workbench.Tensors;

// TEMPORARY: plain implementations of Sigmoid, Tanh, LeakyRelu, Reshape and Flatten so the nn layers
// build on this branch. The tensor-op family files provide the real ones under the same names; this
// file is deleted when those land.
public sealed partial class Tensor
{
    /// <summary>1 / (1 + e⁻ˣ). d/dx = y(1 − y).</summary>
    public Tensor Sigmoid()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Sigmoid(Storage, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Sigmoid", [x], g =>
        {
            var gx = x.GradStorage();
            for (int i = 0; i < gx.Length; i++) gx[i] += g.Storage[i] * y.Storage[i] * (1f - y.Storage[i]);
        });
    }

    /// <summary>tanh x. d/dx = 1 − y².</summary>
    public Tensor Tanh()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Tanh(Storage, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Tanh", [x], g =>
        {
            var gx = x.GradStorage();
            for (int i = 0; i < gx.Length; i++) gx[i] += g.Storage[i] * (1f - y.Storage[i] * y.Storage[i]);
        });
    }

    /// <summary>x for x &gt; 0, slope·x otherwise. d/dx = 1 or slope.</summary>
    public Tensor LeakyRelu(float negativeSlope = 0.01f)
    {
        var y = Uninitialized(Dims);
        var xs = Storage;
        for (int i = 0; i < xs.Length; i++) y.Storage[i] = xs[i] > 0f ? xs[i] : negativeSlope * xs[i];
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("LeakyRelu", [x], g =>
        {
            var gx = x.GradStorage();
            for (int i = 0; i < gx.Length; i++) gx[i] += x.Storage[i] > 0f ? g.Storage[i] : negativeSlope * g.Storage[i];
        });
    }

    /// <summary>The same elements with another shape (a view); one entry may be −1 (inferred).</summary>
    public Tensor Reshape(params int[] shape)
    {
        var dims = (int[])shape.Clone();
        int inferred = Array.IndexOf(dims, -1);
        if (inferred >= 0)
        {
            int known = 1;
            for (int d = 0; d < dims.Length; d++) if (d != inferred) known *= dims[d];
            if (known == 0 || Size % known != 0)
                throw new ArgumentException($"Reshape: cannot infer -1 in {ShapeText(shape)} for {Size} elements.");
            dims[inferred] = Size / known;
        }
        if (CheckedSize(dims) != Size)
            throw new ArgumentException($"Reshape: shape {ShapeText(shape)} does not hold the {Size} elements of {ShapeText(Dims)}.");
        var y = View(dims);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Reshape", [x], g => TensorPrimitives.Add(x.GradStorage(), g.Storage, x.GradStorage()));
    }

    /// <summary>Merges the axes from <paramref name="startAxis"/> to the last into one (a view).</summary>
    public Tensor Flatten(int startAxis = 1)
    {
        int start = NormalizeAxis(startAxis, Rank);
        int merged = 1;
        for (int d = start; d < Rank; d++) merged *= Dims[d];
        return Reshape([.. Dims.AsSpan(0, start), merged]);
    }
}
