using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Reference;

/// <summary>Conv2d and ConvTranspose2d forward values and gradients against PyTorch 1.13 (Fixtures/conv.safetensors).
/// The scalar differentiated is Σ output ⊙ R with a fixed random R stored in the fixture.</summary>
public class ConvReferenceTests
{
    private static readonly IReadOnlyDictionary<string, Tensor> Fixture = FixtureFiles.Load("conv.safetensors").Tensors;

    [Fact]
    public void Conv2d_Stride2Padding1WithBias_MatchesPyTorch()
    {
        var x = ReferenceAssert.Leaf(Fixture["conv2d.input"]);     // (2, 3, 7, 7)
        var weight = ReferenceAssert.Leaf(Fixture["conv2d.weight"]); // (4, 3, 3, 3)
        var bias = ReferenceAssert.Leaf(Fixture["conv2d.bias"]);     // (4)
        var y = Tensor.Conv2d(x, weight, bias, stride: 2, padding: 1); // (2, 4, 4, 4)
        AssertMatches("conv2d", x, weight, bias, y);
    }

    [Theory]
    [InlineData(0)] // (2, 4, 4, 4) → (2, 3, 8, 8)
    [InlineData(1)] // (2, 4, 4, 4) → (2, 3, 9, 9)
    public void ConvTranspose2d_Stride2Padding1WithBias_MatchesPyTorch(int outputPadding)
    {
        string prefix = $"conv_transpose2d.op{outputPadding}";
        var x = ReferenceAssert.Leaf(Fixture[$"{prefix}.input"]);      // (2, 4, 4, 4)
        var weight = ReferenceAssert.Leaf(Fixture[$"{prefix}.weight"]); // (C_in 4, C_out 3, 4, 4)
        var bias = ReferenceAssert.Leaf(Fixture[$"{prefix}.bias"]);     // (3)
        var y = Tensor.ConvTranspose2d(x, weight, bias, stride: 2, padding: 1, outputPadding: outputPadding);
        AssertMatches(prefix, x, weight, bias, y);
    }

    private static void AssertMatches(string prefix, Tensor x, Tensor weight, Tensor bias, Tensor y)
    {
        ReferenceAssert.Close(Fixture[$"{prefix}.output"], y, $"{prefix} output");
        (y * Fixture[$"{prefix}.output_weights"]).Sum().Backward();
        ReferenceAssert.Close(Fixture[$"{prefix}.grad.input"], x.Grad!, $"{prefix} grad input");
        ReferenceAssert.Close(Fixture[$"{prefix}.grad.weight"], weight.Grad!, $"{prefix} grad weight");
        ReferenceAssert.Close(Fixture[$"{prefix}.grad.bias"], bias.Grad!, $"{prefix} grad bias");
    }
}
