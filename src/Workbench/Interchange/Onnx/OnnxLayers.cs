using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Interchange.Onnx;

/// <summary>
/// The tensor layers the exporter writes as ONNX nodes, each beside the ONNX operators that compute what its
/// forward computes in evaluation mode (dropout is the identity, batch normalisation uses the running statistics).
/// A layer not in <see cref="Emitters"/> has no counterpart here and stops the export, naming it.
/// </summary>
internal static class OnnxLayers
{
    private delegate string Emitter(OnnxGraph graph, Module layer, string name, string input);

    private static readonly Dictionary<Type, Emitter> Emitters = new()
    {
        [typeof(Linear)] = (g, m, n, x) => Linear(g, (Linear)m, n, x),
        [typeof(Conv2d)] = (g, m, n, x) => Conv2d(g, (Conv2d)m, n, x),
        [typeof(ConvTranspose2d)] = (g, m, n, x) => ConvTranspose2d(g, (ConvTranspose2d)m, n, x),
        [typeof(BatchNorm1d)] = (g, m, n, x) => BatchNorm(g, (BatchNormLayer)m, n, x),
        [typeof(BatchNorm2d)] = (g, m, n, x) => BatchNorm(g, (BatchNormLayer)m, n, x),
        [typeof(Flatten)] = (g, m, n, x) => Flatten(g, (Flatten)m, n, x),
        [typeof(Unflatten)] = (g, m, n, x) => g.Node("Reshape", n, [x, g.Int64Vector([0, .. ((Unflatten)m).Shape.Select(d => (long)d)])]),
        [typeof(Dropout)] = (g, _, n, x) => g.Node("Identity", n, [x]),
        [typeof(ReLU)] = (g, _, n, x) => g.Node("Relu", n, [x]),
        [typeof(LeakyReLU)] = (g, m, n, x) => g.Node("LeakyRelu", n, [x], null, ("alpha", ((LeakyReLU)m).Slope)),
        [typeof(Sigmoid)] = (g, _, n, x) => g.Node("Sigmoid", n, [x]),
        [typeof(Tanh)] = (g, _, n, x) => g.Node("Tanh", n, [x]),
        [typeof(ELU)] = (g, m, n, x) => g.Node("Elu", n, [x], null, ("alpha", ((ELU)m).Alpha)),
        [typeof(SiLU)] = (g, _, n, x) => g.Node("Mul", n, [x, g.Node("Sigmoid", n + ".sigmoid", [x])]),
        [typeof(GELU)] = (g, m, n, x) => Gelu(g, (GELU)m, n, x),
        [typeof(Hardtanh)] = (g, m, n, x) => g.Node("Clip", n, [x, g.Scalar(((Hardtanh)m).Min), g.Scalar(((Hardtanh)m).Max)]),
    };

    /// <summary>The layer types the exporter knows, by name, for messages and docs.</summary>
    public static IEnumerable<string> KnownLayers => Emitters.Keys.Select(t => t.Name).Prepend(nameof(Sequential)).Order(StringComparer.Ordinal);

    /// <summary>
    /// Appends the nodes computing <paramref name="layer"/> (named <paramref name="name"/>, its state-dict prefix) applied to
    /// the value <paramref name="input"/>; returns the name of the result. A <see cref="Sequential"/> is its layers in order.
    /// </summary>
    /// <exception cref="OnnxExportException">The layer, or one inside it, has no ONNX counterpart here.</exception>
    public static string Emit(OnnxGraph graph, Module layer, string name, string input)
    {
        if (layer is Sequential sequential)
        {
            string value = input;
            for (int i = 0; i < sequential.Count; i++) value = Emit(graph, sequential[i], Join(name, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), value);
            return value;
        }
        if (!Emitters.TryGetValue(layer.GetType(), out var emit))
            throw new OnnxExportException(
                $"layer '{name}' ({layer.GetType().Name}) has no ONNX counterpart in the exporter, which knows {string.Join(", ", KnownLayers)}.");
        return emit(graph, layer, name, input);
    }

    /// <summary>Dotted names as in a state dict.</summary>
    public static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>y = x Wᵀ + b: Gemm with transB, W (out, in) stored as in the state dict.</summary>
    private static string Linear(OnnxGraph g, Linear layer, string name, string x)
    {
        List<string> inputs = [x, Weight(g, layer.Weight, name + ".weight")];
        if (layer.Bias is { } bias) inputs.Add(Weight(g, bias, name + ".bias"));
        return g.Node("Gemm", name, inputs, null, ("transB", 1L));
    }

    /// <summary>Conv with W (out, in, k, k), square kernel, equal strides and padding on every side.</summary>
    private static string Conv2d(OnnxGraph g, Conv2d layer, string name, string x)
    {
        List<string> inputs = [x, Weight(g, layer.Weight, name + ".weight")];
        if (layer.Bias is { } bias) inputs.Add(Weight(g, bias, name + ".bias"));
        return g.Node("Conv", name, inputs, null,
            ("kernel_shape", new long[] { layer.KernelSize, layer.KernelSize }), ("strides", new long[] { layer.Stride, layer.Stride }),
            ("pads", new long[] { layer.Padding, layer.Padding, layer.Padding, layer.Padding }));
    }

    /// <summary>ConvTranspose with W (in, out, k, k), ONNX's own layout, and output_padding as PyTorch's.</summary>
    private static string ConvTranspose2d(OnnxGraph g, ConvTranspose2d layer, string name, string x)
    {
        List<string> inputs = [x, Weight(g, layer.Weight, name + ".weight")];
        if (layer.Bias is { } bias) inputs.Add(Weight(g, bias, name + ".bias"));
        return g.Node("ConvTranspose", name, inputs, null,
            ("kernel_shape", new long[] { layer.KernelSize, layer.KernelSize }), ("strides", new long[] { layer.Stride, layer.Stride }),
            ("pads", new long[] { layer.Padding, layer.Padding, layer.Padding, layer.Padding }),
            ("output_padding", new long[] { layer.OutputPadding, layer.OutputPadding }));
    }

    /// <summary>BatchNormalization in inference mode: (x − running mean) / √(running var + ε) · γ + β; γ = 1, β = 0 without affine parameters.</summary>
    private static string BatchNorm(OnnxGraph g, BatchNormLayer layer, string name, string x)
    {
        if (layer.RunningMean is null || layer.RunningVar is null)
            throw new OnnxExportException($"layer '{name}' ({layer.GetType().Name}) tracks no running statistics, so in evaluation it normalises each batch by its own; ONNX's BatchNormalization needs fixed statistics.");
        int c = layer.Features;
        string scale = layer.Weight is { } weight ? Weight(g, weight, name + ".weight") : g.Weight(name + ".weight", Enumerable.Repeat(1f, c).ToArray(), [c]);
        string shift = layer.Bias is { } bias ? Weight(g, bias, name + ".bias") : g.Weight(name + ".bias", new float[c], [c]);
        return g.Node("BatchNormalization", name, [x, scale, shift, Weight(g, layer.RunningMean, name + ".running_mean"), Weight(g, layer.RunningVar, name + ".running_var")],
            null, ("epsilon", (float)layer.Eps));
    }

    /// <summary>(B, d₁, …) → (B, d₁·…): ONNX's Flatten at axis 1 is PyTorch's flatten from axis 1.</summary>
    private static string Flatten(OnnxGraph g, Flatten layer, string name, string x) => layer.StartAxis == 1
        ? g.Node("Flatten", name, [x], null, ("axis", 1L))
        : throw new OnnxExportException($"layer '{name}' (Flatten) starts at axis {layer.StartAxis}; the exporter writes flattening from axis 1 only.");

    /// <summary>
    /// GELU from Erf (exact: ½x(1 + erf(x/√2))) or Tanh (approximate: ½x(1 + tanh(√(2/π)(x + 0.044715x³)))), as PyTorch's two forms;
    /// the Gelu operator itself arrived only in opset 20.
    /// </summary>
    private static string Gelu(OnnxGraph g, GELU layer, string name, string x)
    {
        string inner;
        if (layer.Approximate == "tanh")
        {
            string cube = g.Node("Mul", name + ".x3", [g.Node("Mul", name + ".x2", [x, x]), x]);
            string sum = g.Node("Add", name + ".sum", [x, g.Node("Mul", name + ".cubic", [cube, g.Scalar(0.044715f)])]);
            inner = g.Node("Tanh", name + ".tanh", [g.Node("Mul", name + ".scaled", [sum, g.Scalar(MathF.Sqrt(2f / MathF.PI))])]);
        }
        else inner = g.Node("Erf", name + ".erf", [g.Node("Mul", name + ".scaled", [x, g.Scalar(1f / MathF.Sqrt(2f))])]);
        string half = g.Node("Mul", name + ".half", [x, g.Scalar(0.5f)]);
        return g.Node("Mul", name, [half, g.Node("Add", name + ".one", [inner, g.Scalar(1f)])]);
    }

    /// <summary>A parameter or buffer as an initializer of its own shape and name.</summary>
    public static string Weight(OnnxGraph g, Tensor tensor, string tensorName) => g.Weight(tensorName, tensor.Span[..tensor.Size], tensor.Shape);
}
