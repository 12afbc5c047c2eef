using Workbench.Tensors;

namespace Workbench.NN;

// Parameter-free activations beyond ReLU/Tanh, as modules with PyTorch's names and print format.

/// <summary>GELU(x) = x·Φ(x), or its tanh approximation (<c>nn.GELU(approximate=…)</c>): see <see cref="Tensor.Gelu"/>.</summary>
public sealed class GELU : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; <paramref name="approximate"/> is "none" (exact) or "tanh".</summary>
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh"))
            throw new ArgumentException($"GELU: approximate must be \"none\" or \"tanh\", got \"{approximate}\".", nameof(approximate));
        Approximate = approximate;
    }

    public string Approximate { get; }

    public override Tensor Forward(Tensor input) => input.Gelu(Approximate);

    protected override string ExtraRepr() => $"approximate='{Approximate}'";
}

/// <summary>SiLU(x) = x·σ(x) (<c>nn.SiLU</c>): see <see cref="Tensor.Silu"/>.</summary>
public sealed class SiLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Silu();
}

/// <summary>ELU(x) = x for x &gt; 0, α(eˣ − 1) otherwise (<c>nn.ELU(alpha)</c>): see <see cref="Tensor.Elu"/>.</summary>
public sealed class ELU(float alpha = 1f) : Module<Tensor, Tensor>
{
    public float Alpha { get; } = alpha;

    public override Tensor Forward(Tensor input) => input.Elu(Alpha);

    protected override string ExtraRepr() => "alpha=" + PythonRepr.Float(Alpha);
}

/// <summary>
/// min(max(x, min), max) with zero gradient at the bounds (<c>nn.Hardtanh(min_val, max_val)</c>): see <see cref="Tensor.Hardtanh"/>.
/// </summary>
public sealed class Hardtanh : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; <paramref name="min"/> must be below <paramref name="max"/>, as PyTorch asserts.</summary>
    public Hardtanh(float min = -1f, float max = 1f)
    {
        if (!(min < max)) throw new ArgumentException($"Hardtanh: min ({min}) must be below max ({max}).");
        Min = min;
        Max = max;
    }

    public float Min { get; }

    public float Max { get; }

    public override Tensor Forward(Tensor input) => input.Hardtanh(Min, Max);

    protected override string ExtraRepr() => $"min_val={PythonRepr.Float(Min)}, max_val={PythonRepr.Float(Max)}";
}
