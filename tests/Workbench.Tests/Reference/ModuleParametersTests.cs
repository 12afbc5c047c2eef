using Workbench.IO;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Reference;

public class ModuleParametersTests
{
    private static Sequential Mlp(ulong seed, int hidden = 4) =>
        new(new Linear(3, hidden, new Rng(seed)), new ReLU(), new Linear(hidden, 2, new Rng(seed + 1)));

    [Fact]
    public void SaveParametersThenLoadParameters_SameArchitecture_ReproducesOutputs()
    {
        using var dir = new TempDirectory();
        string path = dir.File("mlp.safetensors");
        var source = Mlp(1);
        source.SaveParameters(path, new Dictionary<string, string> { ["hidden"] = "4" });

        var target = Mlp(99);
        var metadata = target.LoadParameters(path);

        var input = GradCheck.Random(5, 6, 3);
        Assert.Equal(source.Forward(input).ToArray(), target.Forward(input).ToArray());
        Assert.Equal("4", metadata["hidden"]);
        Assert.Equal(source.NamedParameters().Select(p => p.Name).Order(StringComparer.Ordinal), SafeTensors.Load(path).Tensors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LoadParameters_DifferentHiddenSize_ThrowsListingMismatchedShapes()
    {
        using var dir = new TempDirectory();
        string path = dir.File("mlp.safetensors");
        Mlp(1, hidden: 5).SaveParameters(path);
        var ex = Assert.Throws<InvalidDataException>(() => Mlp(2).LoadParameters(path));
        Assert.Contains("shape mismatch", ex.Message);
        Assert.Contains("0.weight (given (5, 3), module (4, 3))", ex.Message);
    }
}
