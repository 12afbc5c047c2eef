using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;
using Workbench.Tests.Tensors;

namespace Workbench.Tests.NN;

public class SmoothActivationModuleTests
{
    public static TheoryData<string> Modules => new() { "gelu", "gelu_tanh", "silu", "elu", "elu_alpha", "hardtanh", "hardtanh_custom", "softmax", "log_softmax" };

    private static Module<Tensor, Tensor> Create(string name) => name switch
    {
        "gelu" => new GELU(),
        "gelu_tanh" => new GELU("tanh"),
        "silu" => new SiLU(),
        "elu" => new ELU(),
        "elu_alpha" => new ELU(0.25f),
        "hardtanh" => new Hardtanh(),
        "hardtanh_custom" => new Hardtanh(-0.5f, 2f),
        "softmax" => new Workbench.NN.Softmax(1),
        _ => new Workbench.NN.LogSoftmax(-1),
    };

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_Printed_MatchesPyTorchRepr(string name) =>
        Assert.Equal(OpsMathFixture.Metadata($"repr.{name}"), Create(name).ToString());

    [Theory]
    [InlineData("gelu")]
    [InlineData("gelu_tanh")]
    [InlineData("silu")]
    [InlineData("hardtanh_custom")]
    public void Module_FixtureInput_ValuesAndGradientsMatchPyTorch(string name)
    {
        var x = OpsMathFixture.Leaf($"{name}.input");
        var module = Create(name);
        foreach (bool training in new[] { true, false })
        {
            if (training) module.Train(); else module.Eval();
            x.ZeroGrad();
            var y = module.Forward(x);
            OpsMathFixture.AssertClose(OpsMathFixture.Get($"{name}.output"), y, $"{name} output");
            (y * OpsMathFixture.Get($"{name}.weights")).Sum().Backward();
            OpsMathFixture.AssertClose(OpsMathFixture.Get($"{name}.grad.input"), x.Grad!, $"{name} gradient");
        }
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_Gradients_MatchFiniteDifferences(string name)
    {
        var module = Create(name);
        var x = GradCheck.Random(3, 3, 6);
        var s = x.Span;
        for (int i = 0; i < s.Length; i++) if (MathF.Abs(MathF.Abs(s[i]) - 1f) < 0.05f || MathF.Abs(s[i]) < 0.05f || MathF.Abs(s[i] + 0.5f) < 0.05f) s[i] += 0.1f;
        GradCheck.AssertGradients(t => module.Forward(t[0]), [x]);
    }

    [Theory]
    [InlineData("gelu", typeof(GELU))]
    [InlineData("silu", typeof(SiLU))]
    [InlineData("elu", typeof(ELU))]
    public void ExperimentActivationName_IsAcceptedAndBuildsTheModule(string name, Type module)
    {
        (TestData.Tiny() with { Activation = name }).Validate();
        Assert.IsType(module, Workbench.Models.Networks.Activation(name));
    }

    [Fact]
    public void BadArguments_ThrowNamingTheValues()
    {
        Assert.Contains("\"none\" or \"tanh\"", Assert.Throws<ArgumentException>(() => new GELU("erf")).Message);
        Assert.Contains("min (1) must be below max (1)", Assert.Throws<ArgumentException>(() => new Hardtanh(1f, 1f)).Message);
    }
}
