using Workbench.Models.Adversarial;
using Workbench.Optim;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Reference;

/// <summary>
/// One VAE–GAN step (Larsen et al. 2016) against PyTorch 1.13 (tests/fixtures-gen/vae_gan.py → Fixtures/vae_gan.safetensors):
/// the same weights, images, ε and ε_p give the same three losses and their parts, the same gradient of each group's own loss
/// (torch.autograd.grad over that group alone), and the same parameters after one RMSprop step of each group.
/// </summary>
public class VaeGanReferenceTests
{
    private static (VaeGan Model, IReadOnlyDictionary<string, Tensor> Fixture) Load()
    {
        var fixture = FixtureFiles.Load("vae_gan.safetensors").Tensors;
        var config = new VaeGanConfig
        {
            ImageHeight = 8, ImageWidth = 8, ConvChannels = [2, 3], LatentSize = 2, DiscriminatorChannels = [2, 3], Gamma = 0.5f,
            Margin = 100, // the rule off: every group updates
        };
        var model = (VaeGan)config.Build(new Rng(1));
        foreach (var (name, parameter) in model.NamedParameters())
        {
            Assert.True(fixture.ContainsKey(name), $"the fixture has no parameter '{name}'");
            fixture[name].Span.CopyTo(parameter.Span);
        }
        Assert.Equal(20, model.NamedParameters().Count()); // weight and bias of 4 encoder, 3 decoder and 3 discriminator layers
        return (model, fixture);
    }

    [Fact]
    public void Losses_FixedWeightsAndNoise_MatchPyTorch()
    {
        var (model, fixture) = Load();
        var losses = model.Losses(fixture["x"], fixture["eps"], fixture["eps_p"]);
        foreach (var (name, value) in new[]
        {
            ("prior", losses.Prior), ("feature_reconstruction", losses.FeatureReconstruction), ("real", losses.RealCrossEntropy),
            ("reconstruction_fake", losses.ReconstructionCrossEntropy), ("prior_sample_fake", losses.PriorSampleCrossEntropy), ("gan", losses.Gan),
            ("encoder", losses.Encoder), ("decoder", losses.Decoder), ("discriminator", losses.Discriminator),
        })
            Close.Assert([fixture["loss." + name].Item()], [value.Item()], 1e-5, 1e-6, name);
    }

    [Fact]
    public void Gradients_EachGroupOfItsOwnLoss_MatchPyTorch()
    {
        var (model, fixture) = Load();
        var losses = model.Losses(fixture["x"], fixture["eps"], fixture["eps_p"]);
        model.Gradients(losses, new GroupUpdates(Encoder: true, Decoder: true, Discriminator: true));
        foreach (var (name, parameter) in model.NamedParameters())
            ReferenceAssert.Close(fixture["grad." + name], parameter.Grad!, "grad " + name);
    }

    [Fact]
    public void OptimizerStep_ThreeRmsProps_ParametersMatchPyTorch()
    {
        var (model, fixture) = Load();
        var optimizer = (OptimizerSet)model.CreateOptimizer();
        model.Gradients(model.Losses(fixture["x"], fixture["eps"], fixture["eps_p"]), new GroupUpdates(true, true, true));
        foreach (var name in optimizer.Names) optimizer.StepMember(name);
        foreach (var (name, parameter) in model.NamedParameters())
            ReferenceAssert.Close(fixture["after." + name], parameter, "after one step: " + name);
    }
}
