using System.Numerics.Tensors;

namespace Workbench.Tensors;

// Elementwise functions of one tensor. Each forward is a TensorPrimitives call; the backward rule
// beside it multiplies the incoming gradient by the local derivative, written in terms of the
// input x or the output y, whichever is cheaper.
public sealed partial class Tensor
{
    /// <summary>eˣ. d/dx = y.</summary>
    public Tensor Exp()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Exp(Storage, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Exp", [x], g => TensorPrimitives.FusedMultiplyAdd(g.Storage, y.Storage, x.GradStorage(), x.GradStorage()));
    }

    /// <summary>max(x, 0). d/dx = 1 where x &gt; 0.</summary>
    public Tensor Relu()
    {
        var y = Uninitialized(Dims);
        TensorPrimitives.Max(Storage, 0f, y.Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Relu", [x], g =>
        {
            var gx = x.GradStorage();
            var gs = g.Storage;
            var ys = y.Storage;
            for (int i = 0; i < gx.Length; i++) if (ys[i] > 0f) gx[i] += gs[i];
        });
    }
}
