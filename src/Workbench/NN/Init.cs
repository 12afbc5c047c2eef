using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// Parameter initialisation as in <c>torch.nn.init</c>, drawing from a seeded <see cref="Rng"/>, so a
/// model built from the same seed has the same weights on every machine.
/// </summary>
public static class Init
{
    /// <summary>
    /// (fan_in, fan_out) exactly as PyTorch's <c>_calculate_fan_in_and_fan_out</c>: for a weight of
    /// shape (d0, d1, k…), fan_in = d1·Πk and fan_out = d0·Πk. For ConvTranspose2d's (Cin, Cout, kh, kw)
    /// weight this makes fan_in = Cout·kh·kw, as PyTorch does.
    /// </summary>
    public static (int FanIn, int FanOut) CalculateFans(IReadOnlyList<int> shape)
    {
        if (shape.Count < 2)
            throw new ArgumentException($"Fan in and fan out need a tensor of rank ≥ 2, got shape ({string.Join(", ", shape)}).");
        int receptiveField = 1;
        for (int d = 2; d < shape.Count; d++) receptiveField *= shape[d];
        return (shape[1] * receptiveField, shape[0] * receptiveField);
    }

    /// <summary>
    /// Kaiming/He uniform initialisation (He et al., "Delving Deep into Rectifiers", 2015) in fan_in mode
    /// with leaky-ReLU gain √(2/(1 + a²)): U(−b, b) with b = gain·√(3/fan_in). PyTorch's layers use
    /// a = √5, which gives b = 1/√fan_in.
    /// </summary>
    public static void KaimingUniform(Tensor weight, Rng rng, double a = 2.23606797749979 /* √5 */)
    {
        var (fanIn, _) = CalculateFans(weight.Shape);
        double gain = Math.Sqrt(2.0 / (1.0 + a * a));
        double bound = fanIn > 0 ? gain * Math.Sqrt(3.0 / fanIn) : 0.0;
        Uniform(weight, rng, -bound, bound);
    }

    /// <summary>
    /// The bias initialisation of PyTorch's Linear and convolution layers: U(−1/√fan_in, 1/√fan_in)
    /// with fan_in taken from the layer's <paramref name="weight"/> (0 when fan_in is 0).
    /// </summary>
    public static void BiasUniform(Tensor bias, Tensor weight, Rng rng)
    {
        var (fanIn, _) = CalculateFans(weight.Shape);
        double bound = fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0.0;
        Uniform(bias, rng, -bound, bound);
    }

    /// <summary>Fills <paramref name="tensor"/> in place with samples from U[low, high).</summary>
    public static void Uniform(Tensor tensor, Rng rng, double low, double high) =>
        rng.FillUniform(tensor.Span, (float)low, (float)high);

    /// <summary>A zero tensor whose storage belongs to the garbage collector, never to a scope: parameters outlive training steps.</summary>
    internal static Tensor Persistent(params int[] shape) =>
        new((int[])shape.Clone(), new float[Tensor.CheckedSize(shape)], null);

    /// <summary>A weight of <paramref name="shape"/> with PyTorch's default layer initialisation (Kaiming uniform, a = √5).</summary>
    internal static Tensor DefaultWeight(Rng rng, params int[] shape)
    {
        var weight = Persistent(shape);
        KaimingUniform(weight, rng);
        return weight;
    }

    /// <summary>A bias of <paramref name="size"/> with PyTorch's default layer initialisation given its layer's weight.</summary>
    internal static Tensor DefaultBias(Rng rng, int size, Tensor weight)
    {
        var bias = Persistent(size);
        BiasUniform(bias, weight, rng);
        return bias;
    }
}
