using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Models;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models;

/// <summary>
/// The batch-norm conv VAE (architecture "conv-bn", PyTorch-VAE's VanillaVAE shape) against PyTorch 1.13: one training
/// step with the same weights, batch and ε (Fixtures/norm.safetensors "convbn.*", tests/fixtures-gen/norm.py) gives the
/// same loss, parameter gradients and running statistics; the full-size model's state dict has PyTorch's names and shapes.
/// </summary>
public class ConvBnVaeTests
{
    private static readonly Lazy<Workbench.IO.SafeTensorsFile> Fixture = new(() => FixtureFiles.Load("norm.safetensors"));

    private static Tensor F(string name) => Fixture.Value.Tensors[name];

    /// <summary>The fixture's narrow model: channels 8-16-32, latent 8.</summary>
    private static VaeConfig Narrow => new() { Architecture = Architecture.ConvBn, ConvChannels = [8, 16, 32], LatentSize = 8, Activation = "leaky-relu" };

    private static (VariationalAutoencoder Model, VaeOutput Output) RunStep()
    {
        var model = VariationalAutoencoder.Create(Narrow, new Rng(5));
        foreach (var (name, tensor) in model.NamedState()) tensor.CopyFrom(F($"convbn.before.{name}"));
        var output = model.Forward(F("convbn.input"), noise: F("convbn.eps"));
        output.Loss.Backward();
        return (model, output);
    }

    [Fact]
    public void StateDict_FullSizeModel_HasPyTorchsNamesAndShapes()
    {
        var expected = JsonSerializer.Deserialize<Dictionary<string, int[]>>(Fixture.Value.Metadata["convbn_full_state"])!;
        var model = VariationalAutoencoder.Create(new VaeConfig { Architecture = Architecture.ConvBn, ConvChannels = [32, 64, 128], Activation = "leaky-relu" }, new Rng(1));
        var ours = model.NamedState().ToDictionary(s => s.Name, s => s.Tensor.Shape.ToArray());
        Assert.Equal(expected.Keys.Order(), ours.Keys.Order());
        foreach (var (name, shape) in expected) Assert.True(shape.SequenceEqual(ours[name]), $"{name}: ours {string.Join("×", ours[name])}, PyTorch {string.Join("×", shape)}");
    }

    [Fact]
    public void Decoder_FullSizeModel_GoesBackThrough4To7To14To28()
    {
        var model = VariationalAutoencoder.Create(new VaeConfig { Architecture = Architecture.ConvBn, ConvChannels = [32, 64, 128], Activation = "leaky-relu" }, new Rng(1));
        var transposed = model.Decoder.Children.OfType<ConvTranspose2d>().ToArray();
        Assert.Equal([0, 1, 1], transposed.Select(t => t.OutputPadding));
        Assert.Equal([(128, 64), (64, 32), (32, 32)], transposed.Select(t => (t.InChannels, t.OutChannels)));
        Assert.Equal(3, model.Decoder.Children.OfType<BatchNorm2d>().Count());
        Assert.Equal(3, model.Encoder.Children.OfType<BatchNorm2d>().Count());
        using var _ = GradMode.NoGrad();
        model.Eval();
        Assert.Equal([3, 784], model.SamplePrior(3, new Rng(2)).Shape);
    }

    [Fact]
    public void TrainingStep_PyTorchWeightsBatchAndNoise_LossMatchesPyTorch()
    {
        var (_, output) = RunStep();
        Close.Assert([F("convbn.reconstruction").Item()], [output.ReconstructionTerm.Item()], 1e-5, 0, "reconstruction term");
        Close.Assert([F("convbn.kl").Item()], [output.KlTerm.Item()], 1e-4, 1e-6, "KL term");
        Close.Assert([F("convbn.loss").Item()], [output.Loss.Item()], 1e-5, 0, "loss");
        Close.Assert(F("convbn.logits").Span, output.Reconstruction.Span, 1e-3, 2e-4, "logits");
    }

    [Fact]
    public void TrainingStep_PyTorchWeightsBatchAndNoise_EveryParameterGradientMatchesPyTorch()
    {
        var (model, _) = RunStep();
        foreach (var (name, parameter) in model.NamedParameters())
        {
            var expected = F($"convbn.grad.{name}").Span;
            double scale = 0;
            foreach (var v in expected) scale = Math.Max(scale, Math.Abs(v));
            // The biases of convolutions followed by batch norm have a gradient of 0 up to rounding: compared at the scale of the others.
            Close.Assert(expected, parameter.Grad!.Span, 2e-3, 2e-4 * scale + 2e-5, $"gradient of {name}");
        }
    }

    [Fact]
    public void TrainingStep_PyTorchWeightsBatchAndNoise_RunningStatisticsMatchPyTorch()
    {
        var (model, _) = RunStep();
        int checkedBuffers = 0;
        foreach (var (name, buffer) in model.NamedBuffers())
        {
            Close.Assert(F($"convbn.after.{name}").Span, buffer.Span, 1e-4, 1e-6, name);
            checkedBuffers++;
        }
        Assert.Equal(6 * 3, checkedBuffers); // six batch norms: three in the encoder, three in the decoder
    }

    [Fact]
    public void ConvBnExperiment_LoadsTheVanillaVaeShapeOnFullFashionMnist()
    {
        var (definition, runs) = ExperimentLoader.Expand(Path.Combine(Repository.Root(), "experiments", "conv-bn.json"));
        Assert.Equal("fashion-mnist", definition.Data.Dataset);
        var config = Assert.Single(runs).Definition.Model;
        Assert.Equal(Architecture.ConvBn, config.Architecture);
        Assert.Equal([32, 64, 128], config.ConvChannels);
        Assert.Equal("leaky-relu", config.Activation);
    }

    [Fact]
    public void Evaluation_AfterTraining_UsesTheRunningStatisticsAndLeavesThemAlone()
    {
        var model = VariationalAutoencoder.Create(Narrow, new Rng(3));
        var images = Tensor.Uniform(new Rng(4), 0, 1, 6, 784);
        model.Forward(images, new Rng(5)).Loss.Backward(); // a training step moves the running statistics
        var before = model.NamedBuffers().Select(b => b.Buffer.ToArray()).ToArray();
        var data = new Workbench.Data.ImageDataset(images.ToArray(), new int[6], 28, 28, ["class"]);
        Workbench.Evaluation.Evaluator.Elbo(model, data, seed: 1);
        Assert.True(model.Training);
        Assert.Equal(before, model.NamedBuffers().Select(b => b.Buffer.ToArray()).ToArray());
        // In eval mode one image's reconstruction does not depend on the other images of its batch.
        model.Eval();
        using var _ = GradMode.NoGrad();
        var alone = model.Reconstruct(Tensor.FromArray(images.Span[..784], 1, 784)).ToArray();
        var inBatch = model.Reconstruct(images).Span[..784].ToArray();
        Close.Assert(inBatch, alone, 1e-5, 1e-6, "reconstruction of image 0");
    }
}
