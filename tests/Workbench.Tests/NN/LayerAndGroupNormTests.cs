using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.NN;

/// <summary>
/// LayerNorm and GroupNorm against PyTorch 1.13 (Fixtures/norm.safetensors, tests/fixtures-gen/norm.py) in training and
/// evaluation mode (the same computation), values and input/weight/bias gradients; finite differences; state-dict names.
/// </summary>
public class LayerAndGroupNormTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, Tensor>> Fixture = new(() => FixtureFiles.Load("norm.safetensors").Tensors);

    private static Tensor F(string name) => Fixture.Value[name];

    private static void CheckStep(Module<Tensor, Tensor> layer, string prefix)
    {
        foreach (var (name, tensor) in layer.NamedState()) tensor.CopyFrom(F($"{prefix}.before_{name}"));
        var x = F($"{prefix}.input").Clone();
        x.RequiresGrad = true;
        layer.ZeroGrad();
        var y = layer.Forward(x);
        (y * F($"{prefix}.output_weights")).Sum().Backward();
        Close.Assert(F($"{prefix}.output").Span, y.Span, 1e-4, 1e-5, $"{prefix} output");
        Close.Assert(F($"{prefix}.grad_input").Span, x.Grad!.Span, 1e-4, 1e-4, $"{prefix} input gradient");
        foreach (var (name, parameter) in layer.NamedParameters())
            Close.Assert(F($"{prefix}.grad_{name}").Span, parameter.Grad!.Span, 1e-4, 1e-4, $"{prefix} {name} gradient");
    }

    public static TheoryData<string> Cases => new() { "layernorm", "layernorm_2d", "groupnorm", "groupnorm_seq" };

    private static Module<Tensor, Tensor> Layer(string name) => name switch
    {
        "layernorm" => new LayerNorm(6),
        "layernorm_2d" => new LayerNorm([3, 5]),
        "groupnorm" => new GroupNorm(2, 6),
        _ => new GroupNorm(3, 3),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_TrainAndEvalMode_MatchesPyTorch(string name)
    {
        var layer = Layer(name);
        CheckStep(layer, $"{name}.train");
        layer.Eval();
        CheckStep(layer, $"{name}.eval");
    }

    [Fact]
    public void LayerNorm_FiniteDifferences_AgreeWithAutograd() =>
        GradCheck.AssertGradients(t => Tensor.LayerNorm(t[0], [3, 4], t[1], t[2]),
            [GradCheck.Random(1, 2, 3, 4), GradCheck.Random(2, 3, 4), GradCheck.Random(3, 3, 4)], step: 1e-2f, relativeTolerance: 3e-2, absoluteTolerance: 3e-3);

    [Fact]
    public void GroupNorm_FiniteDifferences_AgreeWithAutograd() =>
        GradCheck.AssertGradients(t => Tensor.GroupNorm(t[0], 2, t[1], t[2]),
            [GradCheck.Random(4, 2, 4, 3, 3), GradCheck.Random(5, 4), GradCheck.Random(6, 4)], step: 1e-2f, relativeTolerance: 3e-2, absoluteTolerance: 3e-3);

    [Fact]
    public void StateDict_LayerNormAndGroupNorm_HavePyTorchsNames()
    {
        Assert.Equal(["weight", "bias"], new LayerNorm([3, 5]).NamedState().Select(s => s.Name));
        Assert.Equal([3, 5], new LayerNorm([3, 5]).Weight!.Shape);
        Assert.Equal(["weight", "bias"], new GroupNorm(2, 6).NamedState().Select(s => s.Name));
        Assert.Empty(new GroupNorm(2, 6, affine: false).NamedState());
        Assert.Equal("GroupNorm(2, 6, eps=1E-05, affine=True)", new GroupNorm(2, 6).ToString());
    }

    [Fact]
    public void Forward_BadShapesAndArguments_AreRefusedWithTheValue()
    {
        Assert.Contains("got 4", Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNorm(4, 6)).Message);
        Assert.Contains("last dimensions", Assert.Throws<ArgumentException>(() => new LayerNorm(5).Forward(Tensor.Zeros(2, 4))).Message);
        Assert.Contains("(N, 6, *)", Assert.Throws<ArgumentException>(() => new GroupNorm(2, 6).Forward(Tensor.Zeros(2, 4, 3))).Message);
    }
}
