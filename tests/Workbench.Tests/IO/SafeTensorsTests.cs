using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Workbench.IO;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.IO;

public class SafeTensorsTests
{
    [Fact]
    public void SaveThenLoad_MixedShapes_PreservesNamesShapesValuesAndMetadata()
    {
        using var dir = new TempDirectory();
        string path = dir.File("t.safetensors");
        var tensors = new Dictionary<string, Tensor>
        {
            ["encoder.0.weight"] = GradCheck.Random(1, 4, 3),
            ["encoder.0.bias"] = GradCheck.Random(2, 4),
            ["scale"] = Tensor.Scalar(-2.5f),
            ["empty"] = Tensor.Zeros(0, 3),
            ["image"] = GradCheck.Random(3, 2, 1, 3, 3),
        };
        var metadata = new Dictionary<string, string> { ["config"] = "{\"latent\": 20}", ["note"] = "β-VAE" };

        SafeTensors.Save(path, tensors, metadata);
        var loaded = SafeTensors.Load(path);

        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), loaded.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, expected) in tensors)
        {
            Assert.Equal(expected.Shape, loaded.Tensors[name].Shape);
            Assert.Equal(expected.ToArray(), loaded.Tensors[name].ToArray());
        }
        Assert.Equal(metadata, loaded.Metadata);
    }

    [Fact]
    public void Save_TensorsInAnyOrder_LaysThemOutSortedByNameWithPaddedHeader()
    {
        using var dir = new TempDirectory();
        string path = dir.File("t.safetensors");
        SafeTensors.Save(path, [KeyValuePair.Create("b", Tensor.Ones(2)), KeyValuePair.Create("a", Tensor.Ones(3))]);

        byte[] bytes = File.ReadAllBytes(path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        Assert.Equal("[0,12]", header.RootElement.GetProperty("a").GetProperty("data_offsets").GetRawText());
        Assert.Equal("[12,20]", header.RootElement.GetProperty("b").GetProperty("data_offsets").GetRawText());
        Assert.False(header.RootElement.TryGetProperty("__metadata__", out _));
        Assert.Equal(8 + (long)headerLength + 20, bytes.Length);
    }

    [Fact]
    public void Load_PythonWrittenFixture_ReadsNamesShapesAndMetadata()
    {
        var file = FixtureFiles.Load("adam.safetensors");
        Assert.Equal(28, file.Tensors.Count);
        Assert.Equal([37], file.Tensors["param"].Shape);
        Assert.Equal([5, 3], file.Tensors["clip.grad_a"].Shape);
        Assert.Empty(file.Tensors["clip.total_norm"].Shape);
        Assert.Equal(1.5f, file.Tensors["clip.max_norm"].Item());
        Assert.Contains("\"lr\": 0.01", file.Metadata["adam"]);

        var vae = FixtureFiles.Load("vae_step.safetensors");
        Assert.Equal([400, 784], vae.Tensors["fc1.weight"].Shape);
        Assert.All(vae.Tensors["input"].ToArray(), x => Assert.InRange(x, 0f, 1f));
    }

    [Theory]
    [InlineData("adam.safetensors")]
    [InlineData("conv.safetensors")]
    public void Save_ContentsOfPythonWrittenFixture_ReproducesItsBytes(string fixture)
    {
        using var dir = new TempDirectory();
        var file = FixtureFiles.Load(fixture);
        string path = dir.File(fixture);
        SafeTensors.Save(path, file.Tensors, file.Metadata);
        Assert.Equal(File.ReadAllBytes(FixtureFiles.PathOf(fixture)), File.ReadAllBytes(path));
    }

    [Fact]
    public void Save_ReservedOrDuplicateName_Throws()
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(dir.File("x"), [KeyValuePair.Create("__metadata__", Tensor.Ones(1))]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(dir.File("x"),
            [KeyValuePair.Create("w", Tensor.Ones(1)), KeyValuePair.Create("w", Tensor.Ones(2))]));
    }

    // ---- corrupt files: each problem gets its own clear message naming the file -------------------

    private const string OneTensor = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";

    /// <summary>Writes a hand-made file: length prefix (the real header length unless overridden), header, data bytes.</summary>
    private static string WriteRaw(TempDirectory dir, string header, int dataBytes, ulong? headerLength = null)
    {
        string path = dir.File("corrupt.safetensors");
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + headerBytes.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)headerBytes.Length);
        headerBytes.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void AssertInvalid(string path, string expectedFragment)
    {
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains(expectedFragment, ex.Message);
    }

    [Fact]
    public void Load_WellFormedHandWrittenFile_Succeeds()
    {
        using var dir = new TempDirectory();
        var file = SafeTensors.Load(WriteRaw(dir, OneTensor, 8));
        Assert.Equal([0f, 0f], file.Tensors["w"].ToArray());
    }

    [Fact]
    public void Load_FileShorterThan8Bytes_Throws()
    {
        using var dir = new TempDirectory();
        string path = dir.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        AssertInvalid(path, "shorter than the 8-byte header length");
    }

    [Fact]
    public void Load_HeaderLengthBeyondFile_Throws()
    {
        using var dir = new TempDirectory();
        AssertInvalid(WriteRaw(dir, OneTensor, 8, headerLength: 10_000), "header length 10000 runs past the end of the file");
    }

    [Fact]
    public void Load_InvalidJson_Throws()
    {
        using var dir = new TempDirectory();
        AssertInvalid(WriteRaw(dir, """{"w":{"dtype":"F32",""", 0), "header is not valid JSON");
    }

    [Fact]
    public void Load_UnsupportedDtype_ThrowsSayingOnlyF32()
    {
        using var dir = new TempDirectory();
        AssertInvalid(WriteRaw(dir, """{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", 4),
            "tensor 'w' has dtype F16; only F32 tensors can be loaded");
    }

    [Fact]
    public void Load_OffsetsOutOfRange_Throws()
    {
        using var dir = new TempDirectory();
        AssertInvalid(WriteRaw(dir, """{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8), "data_offsets [8,0] out of range");
    }

    [Fact]
    public void Load_OverlappingTensors_Throws()
    {
        using var dir = new TempDirectory();
        const string header = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";
        AssertInvalid(WriteRaw(dir, header, 12), "tensor 'b' [4, 12) overlaps tensor 'a' [0, 8)");
    }

    [Fact]
    public void Load_GapBetweenTensors_Throws()
    {
        using var dir = new TempDirectory();
        const string header = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""";
        AssertInvalid(WriteRaw(dir, header, 12), "data bytes [4, 8) before tensor 'b' are not covered by any tensor");
    }

    [Fact]
    public void Load_TrailingBytesAfterLastTensor_Throws()
    {
        using var dir = new TempDirectory();
        AssertInvalid(WriteRaw(dir, OneTensor, 12), "data bytes [8, 12) after the last tensor are not covered by any tensor");
    }

    [Fact]
    public void Load_ShapeDisagreesWithByteLength_Throws()
    {
        using var dir = new TempDirectory();
        AssertInvalid(WriteRaw(dir, """{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8),
            "tensor 'w' has shape (3) (3 F32 values, 12 bytes) but data_offsets [0, 8] span 8 bytes");
    }

    [Fact]
    public void Load_TruncatedData_Throws()
    {
        using var dir = new TempDirectory();
        AssertInvalid(WriteRaw(dir, OneTensor, 5), "the data is truncated: the header describes 8 bytes of tensor data but only 5 follow the header");
    }
}
