using System.Globalization;
using Workbench.Tensors;

namespace Workbench.NN;

// Parameter-free elementwise activations as modules, so they can sit inside a Sequential.

/// <summary>max(x, 0).</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>x for x &gt; 0, slope·x otherwise (PyTorch's default slope 0.01).</summary>
public sealed class LeakyReLU(float slope = 0.01f) : Module<Tensor, Tensor>
{
    public float Slope { get; } = slope;

    public override Tensor Forward(Tensor input) => input.LeakyRelu(Slope);

    protected override string ExtraRepr() => "negative_slope=" + Slope.ToString(CultureInfo.InvariantCulture);
}

/// <summary>1 / (1 + e⁻ˣ).</summary>
public sealed class Sigmoid : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary>tanh x.</summary>
public sealed class Tanh : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Tanh();
}
