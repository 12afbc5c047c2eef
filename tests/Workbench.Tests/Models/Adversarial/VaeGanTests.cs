using System.Text.Json;
using Workbench.Models;
using Workbench.Models.Adversarial;
using Workbench.Optim;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models.Adversarial;

/// <summary>The VAE–GAN's losses against finite differences, its equilibrium rule, its optimizer set and its configuration.</summary>
public class VaeGanTests
{
    private static VaeGanConfig Small(double equilibrium = 0.68, double margin = 0.35, string activation = "relu") => new()
    {
        ImageHeight = 8, ImageWidth = 8, ConvChannels = [2, 3], LatentSize = 2, DiscriminatorChannels = [2, 3], Gamma = 0.5f,
        Equilibrium = equilibrium, Margin = margin, Activation = activation,
    };

    private static (Tensor X, Tensor Eps, Tensor EpsPrior) Batch(int count = 3) =>
        (TestData.Pixels(7, count, 64), Tensor.Randn(new Rng(8), count, 2), Tensor.Randn(new Rng(9), count, 2));

    public static TheoryData<string, string> LossesAndParameters => new()
    {
        { "encoder", "encoder.fc_mu.weight" }, { "encoder", "encoder.1.weight" },
        { "decoder", "decoder.0.weight" }, { "decoder", "decoder.5.bias" },
        { "discriminator", "discriminator.head.weight" }, { "discriminator", "discriminator.features.3.weight" },
    };

    [Theory]
    [MemberData(nameof(LossesAndParameters))]
    public void Losses_EachGroupLoss_GradientMatchesFiniteDifferences(string loss, string parameter)
    {
        var model = (VaeGan)Small(activation: "tanh").Build(new Rng(3)); // smooth encoder and decoder
        var (x, eps, epsPrior) = Batch();
        Tensor Loss(VaeGanLosses l) => loss switch { "encoder" => l.Encoder, "decoder" => l.Decoder, _ => l.Discriminator };
        GradientCheck.Assert(_ => Loss(model.Losses(x, eps, epsPrior)), [model.Parameter(parameter)],
            new GradientCheckOptions { Step = 5e-3f, RelativeTolerance = 2e-2, AbsoluteTolerance = 2e-3 });
    }

    [Fact]
    public void Gradients_OneGroup_LeavesTheOthersWithoutGradient()
    {
        var model = (VaeGan)Small().Build(new Rng(3));
        var (x, eps, epsPrior) = Batch();
        model.Gradients(model.Losses(x, eps, epsPrior), new GroupUpdates(Encoder: false, Decoder: false, Discriminator: true));
        Assert.All(model.DiscriminatorParameters, p => Assert.Contains(p.Grad!.ToArray(), v => v != 0));
        Assert.All(model.EncoderParameters.Concat(model.DecoderParameters), p => Assert.True(p.Grad is null || p.Grad.ToArray().All(v => v == 0)));
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad)); // restored after the pass
    }

    public static TheoryData<double, double, bool, bool> Decisions => new()
    {
        { 0.69, 0.69, true, true },   // balanced: both train
        { 0.30, 0.69, true, false },  // D wins on real images: D rests
        { 0.69, 0.20, true, false },  // D wins on prior samples: D rests
        { 1.10, 0.69, false, true },  // D loses on real images: decoder rests
        { 0.69, 1.50, false, true },  // D loses on prior samples: decoder rests
        { 0.20, 1.50, true, true },   // both would rest: both train
        { 0.34, 1.02, true, true },   // just inside the margins: both train
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void EquilibriumRule_CrossEntropies_ChoosesTheGroupsToUpdate(double real, double sampled, bool decoder, bool discriminator)
    {
        var updates = new EquilibriumRule(0.68, 0.35).Decide(real, sampled);
        Assert.Equal(new GroupUpdates(Encoder: true, decoder, discriminator), updates);
    }

    private static (Dictionary<string, float[]> Before, VaeOutput Output, VaeGan Model) Step(VaeGanConfig config)
    {
        var model = (VaeGan)config.Build(new Rng(3));
        var before = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ToArray());
        var (x, eps, _) = Batch(4);
        using var random = ForwardRandom.Use(new Rng(11));
        var output = model.TrainingStep(new VaeBatch(x, eps), model.CreateOptimizer());
        return (before, output, model);
    }

    private static bool Changed(VaeGan model, Dictionary<string, float[]> before, string prefix) =>
        model.NamedParameters().Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal)).Any(p => !p.Parameter.ToArray().SequenceEqual(before[p.Name]));

    [Fact]
    public void TrainingStep_DiscriminatorTooStrong_DiscriminatorHeldBack()
    {
        // Equilibrium 10 ± 1: cross-entropies near ln 2 are far below 9, as if D won easily.
        var (before, output, model) = Step(Small(equilibrium: 10, margin: 1));
        Assert.False(Changed(model, before, "discriminator."));
        Assert.True(Changed(model, before, "decoder."));
        Assert.True(Changed(model, before, "encoder."));
        Assert.Equal((0.0, 1.0), (output.Terms!["discriminator_updated"], output.Terms["decoder_updated"]));
    }

    [Fact]
    public void TrainingStep_DiscriminatorTooWeak_DecoderHeldBack()
    {
        // Equilibrium 0.01 ± 0: every cross-entropy is above it, as if D could not tell.
        var (before, output, model) = Step(Small(equilibrium: 0.01, margin: 0));
        Assert.True(Changed(model, before, "discriminator."));
        Assert.False(Changed(model, before, "decoder."));
        Assert.True(Changed(model, before, "encoder."));
        Assert.Equal((1.0, 0.0), (output.Terms!["discriminator_updated"], output.Terms["decoder_updated"]));
    }

    [Fact]
    public void TrainingStep_Output_ReportsPixelElboAndTheThreeLosses()
    {
        var (_, output, model) = Step(Small(margin: 100));
        var (x, eps, _) = Batch(4);
        Assert.Equal(output.ReconstructionTerm.Item() + output.KlTerm.Item(), output.Loss.Item(), 4);
        Assert.Equal(["encoder_loss", "decoder_loss", "discriminator_loss", "feature_reconstruction", "gan", "real_cross_entropy",
            "prior_sample_cross_entropy", "decoder_updated", "discriminator_updated"], output.Terms!.Keys);
        Assert.Equal(output.Terms["gan"], output.Terms["discriminator_loss"]);
        Assert.Equal(output.Terms["encoder_loss"] - output.KlTerm.Item(), output.Terms["feature_reconstruction"], 3);
        Assert.Equal(0.5 * output.Terms["feature_reconstruction"] - output.Terms["gan"], output.Terms["decoder_loss"], 3);
        Assert.True(output.Loss.Item() > 0);
    }

    [Fact]
    public void TrainingStep_AnotherOptimizer_ThrowsNamingTheSet()
    {
        var model = (VaeGan)Small().Build(new Rng(3));
        var (x, eps, _) = Batch();
        using var random = ForwardRandom.Use(new Rng(11));
        var e = Assert.Throws<ArgumentException>(() => model.TrainingStep(new VaeBatch(x, eps), new Adam(model.Parameters(), 1e-3f)));
        Assert.Contains("optimizer set", e.Message);
    }

    [Fact]
    public void CreateOptimizer_StateTensors_RoundTripUnderMemberNames()
    {
        var model = (VaeGan)Small().Build(new Rng(3));
        var set = (OptimizerSet)model.CreateOptimizer();
        Assert.Equal(["encoder", "decoder", "discriminator"], set.Names);
        Assert.All(set.Groups, g => Assert.Equal(3e-4, g.LearningRate, 7));
        var (x, eps, epsPrior) = Batch();
        model.Gradients(model.Losses(x, eps, epsPrior), new GroupUpdates(true, true, true));
        set.Step();
        var state = set.StateTensors();
        Assert.Contains("discriminator.rmsprop.square_avg.0", state.Keys);
        var other = (OptimizerSet)model.CreateOptimizer();
        other.LoadStateTensors(state);
        Assert.All(other.StateTensors(), kv => Assert.Equal(state[kv.Key].ToArray(), kv.Value.ToArray()));
        var e = Assert.Throws<ArgumentException>(() => other.LoadStateTensors(new Dictionary<string, Tensor>(state) { ["critic.x"] = Tensor.Zeros(1) }));
        Assert.Contains("'critic.x'", e.Message);
    }

    [Fact]
    public void OptimizerSet_ScheduledRate_ReachesTheMember()
    {
        var model = (VaeGan)Small().Build(new Rng(3));
        var set = (OptimizerSet)model.CreateOptimizer();
        set.Groups[2].LearningRate = 1e-5;
        var (x, eps, epsPrior) = Batch();
        model.Gradients(model.Losses(x, eps, epsPrior), new GroupUpdates(true, true, true));
        set.StepMember("discriminator");
        Assert.Equal(1e-5, set["discriminator"].Groups[0].LearningRate);
    }

    [Fact]
    public void Config_Json_RoundTripsAsVariantVaeGan()
    {
        var config = Small() with { Gamma = 0.25f, DiscriminatorLearningRate = 1e-4f };
        string json = JsonSerializer.Serialize<VaeConfig>(config, VaeConfig.JsonOptions);
        Assert.Contains("\"variant\":\"vae-gan\"", json);
        var back = Assert.IsType<VaeGanConfig>(JsonSerializer.Deserialize<VaeConfig>(json, VaeConfig.JsonOptions));
        Assert.Equal(0.25f, back.Gamma);
        Assert.Equal(1e-4f, back.DiscriminatorLearningRate);
        Assert.Equal([2, 3], back.DiscriminatorChannels);
    }

    public static TheoryData<string, string> BadConfigs => new()
    {
        { "gamma", "Gamma" }, { "channels", "DiscriminatorChannels" }, { "rate", "EncoderLearningRate" }, { "mlp", "Architecture" },
        { "margin", "Margin" }, { "likelihood", "Likelihood" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Validate_FieldOutOfRange_ThrowsNamingTheField(string what, string field)
    {
        var config = what switch
        {
            "gamma" => Small() with { Gamma = -1 },
            "channels" => Small() with { DiscriminatorChannels = [2, 3, 4, 5] }, // 8 is not divisible by 16
            "rate" => Small() with { EncoderLearningRate = 0 },
            "mlp" => Small() with { Architecture = Architecture.Mlp },
            "margin" => Small() with { Margin = -0.1 },
            _ => Small() with { Likelihood = LikelihoodKind.GaussianFixedVariance },
        };
        var e = Assert.Throws<ArgumentException>(config.Validate);
        Assert.StartsWith(field + ":", e.Message);
    }
}
