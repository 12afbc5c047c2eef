using Workbench.Models;
using Workbench.Models.Posteriors;
using Workbench.Models.Kl;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models;

/// <summary>The ablation objectives and the β-VAE: which terms enter the loss and how z is formed.</summary>
public class ObjectiveTests
{
    private static (VariationalAutoencoder Model, VaeOutput Output) Run(VaeConfig config, ulong seed = 3)
    {
        var model = VariationalAutoencoder.Create(config, new Rng(seed));
        var output = model.Forward(TestData.Pixels(seed + 1, 5, config.Pixels), new Rng(seed + 2));
        return (model, output);
    }

    [Fact]
    public void ReconstructionOnly_Forward_LossIsReconstructionTermAndKlWeightZero()
    {
        var (_, output) = Run(TestData.Tiny(Objective.ReconstructionOnly));
        Assert.Equal(0f, output.KlWeight);
        Assert.Equal(output.ReconstructionTerm.Item(), output.Loss.Item());
        Assert.True(output.KlTerm.Item() > 0f, "the KL is still reported");
    }

    [Fact]
    public void ReconstructionOnly_Forward_StillSamplesTheLatent()
    {
        var (_, output) = Run(TestData.Tiny(Objective.ReconstructionOnly));
        Assert.NotEqual(output.Mean.ToArray(), output.Z.ToArray());
        var expected = new float[output.Z.Size];
        for (int i = 0; i < expected.Length; i++) expected[i] = output.Mean.Span[i];
        Assert.Contains(Enumerable.Range(0, expected.Length), i => Math.Abs(output.Z.Span[i] - expected[i]) > 1e-3);
    }

    [Fact]
    public void ReconstructionOnly_ExplicitKlPenalty_IsOverridden()
    {
        var config = TestData.Tiny(Objective.ReconstructionOnly) with { KlPenalty = new WeightedKl(new ConstantKlWeight(5f)) };
        var (_, output) = Run(config);
        Assert.Equal(0f, output.KlWeight);
        Assert.Equal(output.ReconstructionTerm.Item(), output.Loss.Item());
    }

    [Fact]
    public void KlOnly_Forward_LossIsReconstructionPlusKl()
    {
        // The decoder still fits the data; only the encoder is cut off from the reconstruction term.
        var (_, output) = Run(TestData.Tiny(Objective.KlOnly));
        Assert.Equal(1f, output.KlWeight);
        Assert.Equal(output.ReconstructionTerm.Item() + output.KlTerm.Item(), output.Loss.Item(), 4);
    }

    [Fact]
    public void KlOnly_Backward_EncoderGetsOnlyTheKlGradient_DecoderFitsTheData()
    {
        var (model, output) = Run(TestData.Tiny(Objective.KlOnly));
        output.Loss.Backward();
        var (reference, referenceOutput) = Run(TestData.Tiny(Objective.KlOnly)); // same seeds: an identical model
        referenceOutput.KlTerm.Backward();
        foreach (var (name, parameter) in model.NamedParameters())
        {
            var grad = parameter.Grad?.ToArray() ?? [];
            Assert.True(grad.Any(v => v != 0f), $"{name} has no gradient");
            if (name.StartsWith("decoder.", StringComparison.Ordinal)) continue;
            // Encoder and heads: exactly the gradient of the KL term alone.
            Close.Assert(reference.Parameter(name).Grad!.Span, grad, 1e-6, 1e-7, name);
        }
    }

    [Fact]
    public void KlOnly_Backward_MeanHeadGradientIsMeanOverBatch()
    {
        // d(mean KL)/dμ = μ / B, so the mean head's bias gradient is the batch mean of μ.
        var (model, output) = Run(TestData.Tiny(Objective.KlOnly));
        output.Loss.Backward();
        var expected = new float[3];
        for (int b = 0; b < 5; b++)
            for (int d = 0; d < 3; d++) expected[d] += output.Mean.Span[b * 3 + d] / 5f;
        Close.Assert(expected, model.Parameter("encoder.fc_mu.bias").Grad!.Span, 1e-5, 1e-6, "∂KL/∂bias_μ");
    }

    [Fact]
    public void DeterministicAutoencoder_Forward_LatentIsExactlyTheMean()
    {
        var (model, output) = Run(TestData.Tiny(Objective.DeterministicAutoencoder));
        Assert.Equal(output.Mean.ToArray(), output.Z.ToArray());
        Assert.Equal(0f, output.KlWeight);
        Assert.Equal(output.ReconstructionTerm.Item(), output.Loss.Item());
        // Different noise changes nothing.
        var images = TestData.Pixels(4, 5, 6);
        Assert.Equal(model.Forward(images, new Rng(1)).Loss.Item(), model.Forward(images, new Rng(2)).Loss.Item());
    }

    [Fact]
    public void DeterministicAutoencoder_Backward_LogVarianceHeadGetsNoGradient()
    {
        var (model, output) = Run(TestData.Tiny(Objective.DeterministicAutoencoder));
        output.Loss.Backward();
        var grad = model.Parameter("encoder.fc_logvar.weight").Grad;
        Assert.True(grad is null || grad.ToArray().All(v => v == 0f));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    [InlineData(4f)]
    public void BetaVae_Forward_LossIsReconstructionPlusBetaTimesKl(float beta)
    {
        var (_, output) = Run(new BetaVaeConfig { ImageHeight = 2, ImageWidth = 3, HiddenSizes = [4], LatentSize = 3, Beta = beta });
        Assert.Equal(beta, output.KlWeight);
        double expected = output.ReconstructionTerm.Item() + beta * (double)output.KlTerm.Item();
        Assert.Equal(expected, output.Loss.Item(), 4);
    }

    [Fact]
    public void BetaVae_WithSchedule_IsRefusedBecauseBetaWouldHaveTwoSources()
    {
        var config = new BetaVaeConfig
        {
            ImageHeight = 2, ImageWidth = 3, HiddenSizes = [4], LatentSize = 3, Beta = 4f,
            KlPenalty = new WeightedKl(new LinearWarmup(Beta: 2f, WarmupFraction: 0.5)),
        };
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains("KlPenalty", error.Message);
        Assert.Contains("variant \"vae\"", error.Message);
    }

    [Fact]
    public void Schedule_DuringTraining_UsesScheduleWeightAndFinalWeightOutside()
    {
        var config = new VaeConfig
        {
            ImageHeight = 2, ImageWidth = 3, HiddenSizes = [4], LatentSize = 3,
            KlPenalty = new WeightedKl(new LinearWarmup(Beta: 4f, WarmupFraction: 0.5)),
        };
        var model = VariationalAutoencoder.Create(config, new Rng(1));
        var images = TestData.Pixels(2, 3, 6);
        var during = model.Forward(images, new Rng(3), progress: new TrainingProgress(10, 100));
        Assert.Equal(0.8f, during.KlWeight, 5);
        Assert.Equal(during.ReconstructionTerm.Item() + 0.8 * during.KlTerm.Item(), during.Loss.Item(), 4);
        Assert.Equal(4f, model.Forward(images, new Rng(3)).KlWeight);
    }

    [Fact]
    public void VaeConfig_InvalidFields_ThrowNamingTheField()
    {
        Assert.Contains("LatentSize", Assert.Throws<ArgumentException>(() => VariationalAutoencoder.Create(TestData.Tiny() with { LatentSize = 0 }, new Rng(1))).Message);
        Assert.Contains("Activation", Assert.Throws<ArgumentException>(() => (TestData.Tiny() with { Activation = "mish" }).Validate()).Message);
        Assert.Contains("Beta", Assert.Throws<ArgumentException>(() => new BetaVaeConfig { Beta = -1f }.Validate()).Message);
        Assert.Contains("Classes", Assert.Throws<ArgumentException>(() => new ConditionalVaeConfig { Classes = 1 }.Validate()).Message);
    }
}
