using System.Numerics.Tensors;

namespace Workbench.Tensors;

// Reductions over all elements or along one axis.
public sealed partial class Tensor
{
    /// <summary>Σ of all elements, as a rank-0 tensor.</summary>
    public Tensor Sum()
    {
        var y = Uninitialized([]);
        y.Storage[0] = TensorPrimitives.Sum(Storage);
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Sum", [x], g => TensorPrimitives.Add(x.GradStorage(), g.Storage[0], x.GradStorage()));
    }

    /// <summary>Mean of all elements, as a rank-0 tensor.</summary>
    public Tensor Mean()
    {
        var y = Uninitialized([]);
        float scale = Size == 0 ? float.NaN : 1f / Size;
        y.Storage[0] = TensorPrimitives.Sum(Storage) * scale;
        if (!Tracks(this)) return y;
        var x = this;
        return y.Record("Mean", [x], g => TensorPrimitives.Add(x.GradStorage(), g.Storage[0] * scale, x.GradStorage()));
    }
}
