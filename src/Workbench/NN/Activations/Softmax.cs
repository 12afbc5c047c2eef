using System.Globalization;
using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>softmax along <see cref="Dim"/> (<c>nn.Softmax(dim)</c>): see <see cref="Tensor.Softmax"/>.</summary>
public sealed class Softmax(int dim) : Module<Tensor, Tensor>
{
    public int Dim { get; } = dim;

    public override Tensor Forward(Tensor input) => input.Softmax(Dim);

    protected override string ExtraRepr() => "dim=" + Dim.ToString(CultureInfo.InvariantCulture);
}

/// <summary>log softmax along <see cref="Dim"/> (<c>nn.LogSoftmax(dim)</c>): see <see cref="Tensor.LogSoftmax"/>.</summary>
public sealed class LogSoftmax(int dim) : Module<Tensor, Tensor>
{
    public int Dim { get; } = dim;

    public override Tensor Forward(Tensor input) => input.LogSoftmax(Dim);

    protected override string ExtraRepr() => "dim=" + Dim.ToString(CultureInfo.InvariantCulture);
}
