using System.Text.Json;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Reference;

/// <summary>
/// Conv1d, pooling, upsampling, ResidualBlock and GatedDense: values and gradients against PyTorch 1.13
/// (Fixtures/layers.safetensors, written by tests/fixtures-gen/layers.py). The scalar differentiated is
/// Σ output ⊙ R with a fixed random R stored in the fixture; each case's hyperparameters are in the metadata.
/// </summary>
public class LayersReferenceTests
{
    private static readonly Workbench.IO.SafeTensorsFile File = FixtureFiles.Load("layers.safetensors");

    [Theory]
    [InlineData("conv1d.strided_dilated")]
    [InlineData("conv1d.plain_nobias")]
    [InlineData("conv1d.stride3_pad2")]
    public void Conv1d_Functional_MatchesPyTorchValuesAndGradients(string name)
    {
        var h = Hyper(name);
        var x = Input(name);
        var weight = ReferenceAssert.Leaf(Fixture(name, "weight"));
        var bias = File.Tensors.ContainsKey($"{name}.bias") ? ReferenceAssert.Leaf(Fixture(name, "bias")) : null;
        var y = Tensor.Conv1d(x, weight, bias, h.GetProperty("stride").GetInt32(), h.GetProperty("padding").GetInt32(), h.GetProperty("dilation").GetInt32());
        AssertCase(name, x, y);
        ReferenceAssert.Close(Fixture(name, "grad.weight"), weight.Grad!, $"{name} grad weight");
        if (bias is not null) ReferenceAssert.Close(Fixture(name, "grad.bias"), bias.Grad!, $"{name} grad bias");
    }

    [Theory]
    [InlineData("conv1d.strided_dilated", true)]
    [InlineData("conv1d.plain_nobias", false)]
    public void Conv1d_Layer_InTrainAndEvalMode_MatchesPyTorch(string name, bool bias)
    {
        var h = Hyper(name);
        var weight = Fixture(name, "weight");
        var layer = new Conv1d(weight.Dim(1), weight.Dim(0), weight.Dim(2), new Rng(1), h.GetProperty("stride").GetInt32(),
            h.GetProperty("padding").GetInt32(), h.GetProperty("dilation").GetInt32(), bias);
        AssertModuleCase(name, layer);
    }

    [Theory]
    [InlineData("maxpool.k2s2_ties")]
    [InlineData("maxpool.k3s2p1_ties")]
    [InlineData("maxpool.k3s1p1")]
    [InlineData("maxpool.k2s3")]
    [InlineData("maxpool.k4s2p2_ties")]
    public void MaxPool2d_MatchesPyTorchValuesAndGradientsIncludingTies(string name)
    {
        var h = Hyper(name);
        var x = Input(name);
        AssertCase(name, x, Tensor.MaxPool2d(x, h.GetProperty("kernel").GetInt32(), h.GetProperty("stride").GetInt32(), h.GetProperty("padding").GetInt32()));
        var layer = new MaxPool2d(h.GetProperty("kernel").GetInt32(), h.GetProperty("stride").GetInt32(), h.GetProperty("padding").GetInt32());
        AssertModuleCase(name, layer);
    }

    [Theory]
    [InlineData("avgpool.k3s2p1_include")]
    [InlineData("avgpool.k3s2p1_exclude")]
    [InlineData("avgpool.k2s2")]
    [InlineData("avgpool.k3s1p1_exclude")]
    [InlineData("avgpool.k4s3p2_include")]
    public void AvgPool2d_MatchesPyTorchValuesAndGradients(string name)
    {
        var h = Hyper(name);
        int k = h.GetProperty("kernel").GetInt32(), s = h.GetProperty("stride").GetInt32(), p = h.GetProperty("padding").GetInt32();
        bool include = h.GetProperty("count_include_pad").GetBoolean();
        var x = Input(name);
        AssertCase(name, x, Tensor.AvgPool2d(x, k, s, p, include));
        AssertModuleCase(name, new AvgPool2d(k, s, p, include));
    }

    [Theory]
    [InlineData("adaptive.7x9_to_3x4")]
    [InlineData("adaptive.global")]
    public void AdaptiveAvgPool2d_MatchesPyTorchValuesAndGradients(string name)
    {
        var size = Hyper(name).GetProperty("output_size").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var x = Input(name);
        AssertCase(name, x, Tensor.AdaptiveAvgPool2d(x, size[0], size[1]));
        AssertModuleCase(name, new AdaptiveAvgPool2d(size[0], size[1]));
    }

    [Theory]
    [InlineData("upsample.nearest_scale2")]
    [InlineData("upsample.nearest_size5x7")]
    [InlineData("upsample.nearest_scale1.4")]
    [InlineData("upsample.nearest_down_size2x3")]
    [InlineData("upsample.bilinear_scale2")]
    [InlineData("upsample.bilinear_scale2_align")]
    [InlineData("upsample.bilinear_size5x7")]
    [InlineData("upsample.bilinear_size5x7_align")]
    [InlineData("upsample.bilinear_scale1.5")]
    [InlineData("upsample.bilinear_down_size2x3")]
    public void Upsample_MatchesPyTorchValuesAndGradients(string name)
    {
        var h = Hyper(name);
        var sizeElement = h.GetProperty("size");
        (int, int)? size = sizeElement.ValueKind == JsonValueKind.Null ? null : (sizeElement[0].GetInt32(), sizeElement[1].GetInt32());
        double? scale = h.GetProperty("scale_factor").ValueKind == JsonValueKind.Null ? null : h.GetProperty("scale_factor").GetDouble();
        var mode = h.GetProperty("mode").GetString() == "nearest" ? UpsampleMode.Nearest : UpsampleMode.Bilinear;
        bool? align = h.GetProperty("align_corners").ValueKind == JsonValueKind.Null ? null : h.GetProperty("align_corners").GetBoolean();
        var x = Input(name);
        AssertCase(name, x, Tensor.Interpolate(x, size, scale, mode, align));
        AssertModuleCase(name, new Upsample(size, scale, mode, align));
    }

    [Theory]
    [InlineData("residual.identity")]
    [InlineData("residual.projection")]
    public void ResidualBlock_Convolutional_MatchesPyTorchValuesAndGradients(string name)
    {
        var h = Hyper(name);
        var block = ResidualBlock.Convolutional(h.GetProperty("in").GetInt32(), h.GetProperty("out").GetInt32(), new Rng(2), h.GetProperty("stride").GetInt32());
        AssertModuleCase(name, block);
    }

    [Theory]
    [InlineData("gated.plain", false)]
    [InlineData("gated.tanh", true)]
    public void GatedDense_MatchesPyTorchValuesAndGradients(string name, bool tanh)
    {
        AssertModuleCase(name, new GatedDense(6, 5, new Rng(3), tanh ? new Tanh() : null));
    }

    /// <summary>
    /// Loads the case's parameters into <paramref name="module"/> by their state-dict names (so the names must be
    /// PyTorch's), then checks output and gradients in training mode and the output again in evaluation mode.
    /// </summary>
    private static void AssertModuleCase(string name, Module<Tensor, Tensor> module)
    {
        string prefix = name + ".";
        var state = File.Tensors
            .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && !kv.Key.StartsWith(prefix + "grad.", StringComparison.Ordinal)
                && kv.Key is var key && !new[] { "input", "output", "output_weights" }.Contains(key[prefix.Length..]))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
        module.LoadStateDict(state, name);
        module.ZeroGrad();
        var x = Input(name);
        module.Train();
        AssertCase(name, x, module.Forward(x));
        foreach (var (parameterName, parameter) in module.NamedParameters())
            ReferenceAssert.Close(Fixture(name, "grad." + parameterName), parameter.Grad!, $"{name} grad {parameterName}");
        module.Eval();
        using (GradMode.NoGrad()) ReferenceAssert.Close(Fixture(name, "output"), module.Forward(x), $"{name} output in eval mode");
    }

    private static void AssertCase(string name, Tensor x, Tensor y)
    {
        ReferenceAssert.Close(Fixture(name, "output"), y, $"{name} output");
        (y * Fixture(name, "output_weights")).Sum().Backward();
        ReferenceAssert.Close(Fixture(name, "grad.input"), x.Grad!, $"{name} grad input");
    }

    private static Tensor Input(string name) => ReferenceAssert.Leaf(Fixture(name, "input"));

    private static Tensor Fixture(string name, string part) => File.Tensors[$"{name}.{part}"];

    private static JsonElement Hyper(string name) => JsonDocument.Parse(File.Metadata[name]).RootElement;
}
