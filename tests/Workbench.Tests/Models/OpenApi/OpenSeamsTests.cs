using Workbench.Experiments.Definitions;
using Workbench.Models;
using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models.OpenApi;

/// <summary>
/// The encoder and decoder take any tensor module and can be subclassed; a Sequential keeps the state-dict
/// names every checkpoint uses; the configured MLP's dropout layers.
/// </summary>
public class OpenSeamsTests
{
    /// <summary>A user's residual block: x + relu(x·Wᵀ + b), (B, width) → (B, width).</summary>
    private sealed class Residual : Module<Tensor, Tensor>
    {
        public Residual(int width, Rng rng) => Inner = RegisterModule("inner", new Linear(width, width, rng));

        public Linear Inner { get; }

        public override Tensor Forward(Tensor input) => input + Inner.Forward(input).Relu();
    }

    /// <summary>A user's decoder network with a parameter of its own beside its layer: (B, 2) → (B, 6).</summary>
    private sealed class ShiftedLinear : Module<Tensor, Tensor>
    {
        public ShiftedLinear(Rng rng)
        {
            Shift = RegisterParameter("shift", Tensor.Zeros(6));
            Layer = RegisterModule("layer", new Linear(2, 6, rng));
        }

        public Tensor Shift { get; }
        public Linear Layer { get; }

        public override Tensor Forward(Tensor input) => Layer.Forward(input) + Shift;
    }

    [Fact]
    public void Parts_CustomBodyAndNetwork_AreRegisteredUnderBodyAndNetwork_AndTrain()
    {
        var rng = new Rng(4);
        var encoder = new GaussianEncoder(new Residual(6, rng), features: 6, latentSize: 2, conditionSize: 0, rng);
        var decoder = new ConcatDecoder(new ShiftedLinear(rng));
        var model = new VariationalAutoencoder(encoder, decoder, latentSize: 2, imageHeight: 2, imageWidth: 3);

        Assert.Equal(
            ["encoder.body.inner.weight", "encoder.body.inner.bias", "encoder.fc_mu.weight", "encoder.fc_mu.bias", "encoder.fc_logvar.weight", "encoder.fc_logvar.bias",
             "decoder.network.shift", "decoder.network.layer.weight", "decoder.network.layer.bias"],
            model.NamedParameters().Select(p => p.Name));
        var images = TestData.Pixels(1, 5, 6);
        model.Forward(images, new Rng(2)).Loss.Backward();
        Assert.All(model.Parameters(), p => Assert.Contains(p.Grad!.ToArray(), g => g != 0f));
        model.Eval();
        Assert.All(model.NamedModules(), m => Assert.False(m.Module.Training, m.Name));
    }

    [Fact]
    public void VaeConfig_SequentialNetworks_KeepTheirLayerNames()
    {
        var model = VariationalAutoencoder.Create(new VaeConfig { HiddenSizes = [8, 4], LatentSize = 2 }, new Rng(1));
        Assert.Equal(
            ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias", "encoder.fc_mu.weight", "encoder.fc_mu.bias",
             "encoder.fc_logvar.weight", "encoder.fc_logvar.bias",
             "decoder.0.weight", "decoder.0.bias", "decoder.2.weight", "decoder.2.bias", "decoder.4.weight", "decoder.4.bias"],
            model.NamedParameters().Select(p => p.Name));
    }

    /// <summary>An encoder whose heads read the body's features halved: the extension point a subclass overrides.</summary>
    private sealed class HalvedFeaturesEncoder(Module<Tensor, Tensor> body, Rng rng) : GaussianEncoder(body, 4, 2, 0, rng)
    {
        protected override Tensor Features(EncoderInput input) => base.Features(input) * 0.5f;
    }

    [Fact]
    public void GaussianEncoder_SubclassOverridingFeatures_HeadsReadTheOverride()
    {
        var body = new Sequential(new Linear(3, 4, new Rng(1)), new ReLU());
        var encoder = new HalvedFeaturesEncoder(body, new Rng(2));
        var images = TestData.Pixels(3, 2, 3);

        var posterior = (DiagonalGaussian)encoder.Forward(new EncoderInput(images));

        var expected = encoder.MeanHead.Forward(body.Forward(images) * 0.5f);
        Assert.Equal(expected.ToArray(), posterior.Mean.ToArray());
        Assert.Same(body, encoder.Body);
    }

    [Fact]
    public void VaeConfig_Dropout_AddsALayerAfterEachHiddenActivation_WithTheSameInitialParameters()
    {
        var plain = VariationalAutoencoder.Create(new VaeConfig { HiddenSizes = [8, 4], LatentSize = 2 }, new Rng(1));
        var dropped = VariationalAutoencoder.Create(new VaeConfig { HiddenSizes = [8, 4], LatentSize = 2, Dropout = 0.2 }, new Rng(1));

        Assert.Equal(
            ["encoder.0.weight", "encoder.0.bias", "encoder.3.weight", "encoder.3.bias", "encoder.fc_mu.weight", "encoder.fc_mu.bias",
             "encoder.fc_logvar.weight", "encoder.fc_logvar.bias",
             "decoder.0.weight", "decoder.0.bias", "decoder.3.weight", "decoder.3.bias", "decoder.6.weight", "decoder.6.bias"],
            dropped.NamedParameters().Select(p => p.Name));
        Assert.Equal(4, dropped.NamedModules().Count(m => m.Module is Dropout { P: 0.2 }));
        Assert.Contains("(2): Dropout(p=0.2, inplace=False)", dropped.ToString());
        // Dropout draws nothing when built: the same seed gives the same weights, layer for layer.
        foreach (var ((_, a), (_, b)) in plain.NamedParameters().Zip(dropped.NamedParameters()))
            Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Fact]
    public void VaeConfig_DropoutZero_IsTheModelWithoutIt_DownToItsDescription()
    {
        var config = new VaeConfig { HiddenSizes = [8], LatentSize = 2 };
        var zero = VariationalAutoencoder.Create(config with { Dropout = 0 }, new Rng(1));
        var absent = VariationalAutoencoder.Create(config, new Rng(1));

        Assert.Equal(absent.Description, zero.Description); // checkpoints and run identities of existing runs stay valid
        Assert.DoesNotContain("Dropout", absent.Description);
        Assert.Equal(absent.ToString(), zero.ToString());
        Assert.Contains("\"Dropout\":0.1", VariationalAutoencoder.Create(config with { Dropout = 0.1 }, new Rng(1)).Description);
    }

    [Theory]
    [InlineData("""{ "dropout": 1 }""", "must be at least 0 and below 1")]
    [InlineData("""{ "dropout": -0.2 }""", "must be at least 0 and below 1")]
    [InlineData("""{ "architecture": "conv", "dropout": 0.1 }""", "the conv architecture has none")]
    public void ExperimentFile_DropoutOutOfRangeOrWithConv_ErrorNamesTheField(string model, string problem)
    {
        using var directory = new TempDirectory();
        var path = directory.File("dropout.json");
        File.WriteAllText(path, $$"""{ "name": "d", "model": {{model}} }""");
        var error = Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand(path));
        Assert.Equal("model.dropout", error.Field);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void ExperimentFile_Dropout_ReachesTheModel()
    {
        using var directory = new TempDirectory();
        var path = directory.File("dropout.json");
        File.WriteAllText(path, """{ "name": "d", "model": { "hiddenSizes": [16], "latentSize": 2, "dropout": 0.25 } }""");
        var definition = ExperimentLoader.Load(path);
        Assert.Equal(0.25, definition.Model.Dropout);
        Assert.Equal(2, definition.Model.Build(new Rng(1)).NamedModules().Count(m => m.Module is Dropout));
    }
}
