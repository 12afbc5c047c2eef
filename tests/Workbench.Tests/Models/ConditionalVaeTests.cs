using Workbench.Data;
using Workbench.Models;
using Workbench.Models.Posteriors;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models;

/// <summary>The conditional VAE (Sohn et al. 2015): the one-hot label reaches encoder and decoder.</summary>
public class ConditionalVaeTests
{
    private static ConditionalVaeConfig Config() => new()
    {
        ImageHeight = 2, ImageWidth = 3, HiddenSizes = [5], LatentSize = 2, Classes = 3, Activation = "tanh",
    };

    private static VariationalAutoencoder Model() => VariationalAutoencoder.Create(Config(), new Rng(7));

    [Fact]
    public void Create_ConditionalConfig_BuildsConditionalVaeWithWiderInputs()
    {
        var model = Model();
        Assert.Equal(3, model.Conditioning.Classes);
        Assert.Equal(new[] { 5, 6 + 3 }, model.Parameter("encoder.0.weight").Shape);  // image + one-hot
        Assert.Equal(new[] { 5, 2 + 3 }, model.Parameter("decoder.0.weight").Shape);  // z + one-hot
        Assert.Equal(new[] { 5, 6 }, VariationalAutoencoder.Create(TestData.Tiny() with { HiddenSizes = [5] }, new Rng(1)).Parameter("encoder.0.weight").Shape);
    }

    [Fact]
    public void Encode_DifferentLabel_ChangesPosterior()
    {
        var model = Model();
        var images = TestData.Pixels(1, 2, 6);
        var first = model.Encode(images, ImageDataset.OneHot([0, 1], 3)).Mean.ToArray();
        var second = model.Encode(images, ImageDataset.OneHot([2, 1], 3)).Mean.ToArray();
        Assert.NotEqual(first[..2], second[..2]);   // image 0's label changed
        Assert.Equal(first[2..], second[2..]);      // image 1's did not
    }

    [Fact]
    public void Decode_DifferentLabel_ChangesOutput()
    {
        var model = Model();
        var z = GradCheck.Random(2, 1, 2);
        var a = model.Decode(z, ImageDataset.OneHot([0], 3)).ToArray();
        var b = model.Decode(z, ImageDataset.OneHot([1], 3)).ToArray();
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Forward_WithCondition_DecoderSeesTheSameLabel()
    {
        var model = Model();
        var images = TestData.Pixels(3, 4, 6);
        var condition = ImageDataset.OneHot([0, 1, 2, 0], 3);
        var output = model.Forward(images, new Rng(4), condition);
        Close.Assert(model.Decode(output.Z, condition).Span, output.Reconstruction.Span, 0, 0, "decoder output");
        var other = model.Forward(images, new Rng(4), ImageDataset.OneHot([1, 2, 0, 1], 3));
        Assert.NotEqual(output.Loss.Item(), other.Loss.Item());
    }

    [Fact]
    public void SampleClass_ValidLabel_EqualsPriorSampleDecodedWithThatLabel()
    {
        var model = Model();
        var samples = model.SampleClass(2, count: 4, new Rng(9));
        Assert.Equal(new[] { 4, 6 }, samples.Shape);
        var z = Tensor.Randn(new Rng(9), 4, 2);
        var expected = model.DecodeMean(z, ImageDataset.OneHot([2, 2, 2, 2], 3));
        Close.Assert(expected.Span, samples.Span, 1e-6, 1e-7, "class samples");
        Assert.NotEqual(samples.ToArray(), model.SampleClass(1, 4, new Rng(9)).ToArray());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void SampleClass_LabelOutOfRange_Throws(int label)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Model().SampleClass(label, 2, new Rng(1)));
        Assert.Contains("[0, 3)", error.Message);
    }

    [Fact]
    public void Forward_ConditionalWithoutCondition_ThrowsNamingTheCondition()
    {
        var model = Model();
        var images = TestData.Pixels(1, 2, 6);
        Assert.Contains("(2, 3) one-hot condition", Assert.Throws<ArgumentException>(() => model.Forward(images, new Rng(1))).Message);
        Assert.Contains("condition", Assert.Throws<ArgumentException>(() => model.Reconstruct(images)).Message);
        Assert.Throws<ArgumentException>(() => model.Forward(images, new Rng(1), ImageDataset.OneHot([0, 1], 4)));
    }

    [Fact]
    public void Forward_UnconditionalGivenCondition_Throws()
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny(), new Rng(1));
        var error = Assert.Throws<ArgumentException>(() => model.Forward(TestData.Pixels(1, 2, 6), new Rng(1), ImageDataset.OneHot([0, 1], 3)));
        Assert.Contains("not conditional", error.Message);
    }
}
