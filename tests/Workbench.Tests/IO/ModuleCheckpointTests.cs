using Workbench.IO;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.IO;

// Exercises the name/shape checking behind Module.SaveParameters / LoadParameters on plain
// (name, parameter) lists, independent of any particular module.
public class ModuleCheckpointTests
{
    private static (string Name, Tensor Parameter)[] Parameters(int seed, int hidden = 4) =>
    [
        ("encoder.0.weight", GradCheck.Random((ulong)seed, hidden, 3)),
        ("encoder.0.bias", GradCheck.Random((ulong)seed + 1, hidden)),
        ("decoder.weight", GradCheck.Random((ulong)seed + 2, 3, hidden)),
    ];

    [Fact]
    public void SaveThenLoad_SameLayout_CopiesValuesAndReturnsMetadata()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        var source = Parameters(1);
        ModuleCheckpoint.Save(source, path, new Dictionary<string, string> { ["epoch"] = "3" });

        var target = Parameters(10);
        var metadata = ModuleCheckpoint.Load(target, path);

        for (int i = 0; i < source.Length; i++) Assert.Equal(source[i].Parameter.ToArray(), target[i].Parameter.ToArray());
        Assert.Equal("3", metadata["epoch"]);
    }

    [Fact]
    public void Load_DifferentLayout_ListsMissingUnexpectedAndMismatchedAndChangesNothing()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        var saved = Parameters(1, hidden: 5).Where(p => p.Name != "encoder.0.bias").Append(("extra.scale", Tensor.Ones(1)));
        ModuleCheckpoint.Save(saved, path, null);

        var target = Parameters(10);
        var before = target.Select(p => p.Parameter.ToArray()).ToArray();
        var ex = Assert.Throws<InvalidDataException>(() => ModuleCheckpoint.Load(target, path));

        Assert.Contains("missing: encoder.0.bias", ex.Message);
        Assert.Contains("unexpected: extra.scale", ex.Message);
        Assert.Contains("encoder.0.weight (file (5, 3), module (4, 3))", ex.Message);
        Assert.Contains("decoder.weight (file (3, 5), module (3, 4))", ex.Message);
        for (int i = 0; i < target.Length; i++) Assert.Equal(before[i], target[i].Parameter.ToArray());
    }
}
