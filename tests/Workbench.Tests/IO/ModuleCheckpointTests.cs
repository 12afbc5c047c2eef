using Workbench.IO;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.IO;

// Module.SaveParameters / LoadParameters and the in-memory state dict they go through.
public class ModuleCheckpointTests
{
    /// <summary>A module with nested parameters and a buffer: state "scale" (own buffers first, as in PyTorch), "encoder.0.weight", "encoder.0.bias", "decoder.weight".</summary>
    private sealed class Tiny : Module
    {
        public Tiny(ulong seed, int hidden = 4, bool withBias = true, bool withExtra = false)
        {
            RegisterModule("encoder", new Sequential(new Linear(3, hidden, new Rng(seed), bias: withBias)));
            RegisterModule("decoder", new Linear(hidden, 3, new Rng(seed + 1), bias: false));
            RegisterBuffer("scale", Tensor.Full(seed, 1));
            if (withExtra) RegisterBuffer("extra", Tensor.Ones(1));
        }
    }

    [Fact]
    public void SaveThenLoad_SameLayout_CopiesParametersAndBuffersAndReturnsMetadata()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        var source = new Tiny(1);
        source.SaveParameters(path, new Dictionary<string, string> { ["epoch"] = "3" });

        var target = new Tiny(10);
        var metadata = target.LoadParameters(path);

        Assert.Equal(["scale", "encoder.0.weight", "encoder.0.bias", "decoder.weight"], target.NamedState().Select(s => s.Name));
        foreach (var ((_, expected), (_, actual)) in source.NamedState().Zip(target.NamedState()))
            Assert.Equal(expected.ToArray(), actual.ToArray());
        Assert.Equal("3", metadata["epoch"]);
    }

    [Fact]
    public void Load_DifferentLayout_ListsMissingUnexpectedAndMismatchedAndChangesNothing()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        new Tiny(1, hidden: 5, withBias: false, withExtra: true).SaveParameters(path);

        var target = new Tiny(10);
        var before = target.NamedState().Select(s => s.Tensor.ToArray()).ToArray();
        var ex = Assert.Throws<InvalidDataException>(() => target.LoadParameters(path));

        Assert.Contains("missing: encoder.0.bias", ex.Message);
        Assert.Contains("unexpected: extra", ex.Message);
        Assert.Contains("encoder.0.weight (given (5, 3), module (4, 3))", ex.Message);
        Assert.Contains("decoder.weight (given (3, 5), module (3, 4))", ex.Message);
        Assert.Contains(path, ex.Message);
        Assert.Equal(before, target.NamedState().Select(s => s.Tensor.ToArray()).ToArray());
    }

    [Fact]
    public void StateDict_IsACopy_LoadStateDictRestoresTheModule()
    {
        var model = new Tiny(1);
        var snapshot = model.StateDict();
        var weight = model.NamedState().Single(s => s.Name == "encoder.0.weight").Tensor;
        float original = weight.Span[0];
        weight.Span[0] = 42f;

        Assert.Equal(original, snapshot["encoder.0.weight"].Span[0]);
        model.LoadStateDict(snapshot);
        Assert.Equal(original, weight.Span[0]);
    }

    [Fact]
    public void Buffers_AreStateButNotParameters()
    {
        var model = new Tiny(1);
        Assert.DoesNotContain(model.NamedParameters(), p => p.Name == "scale");
        Assert.Contains(model.NamedBuffers(), b => b.Name == "scale");
        Assert.False(model.NamedBuffers().Single().Buffer.RequiresGrad);
    }
}
