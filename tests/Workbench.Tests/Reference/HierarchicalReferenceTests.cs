using Workbench.Models;
using Workbench.Models.Hierarchical;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Reference;

/// <summary>
/// One step of a VAE with two stochastic layers (Burda et al. 2016, section 5) against a PyTorch 1.13 implementation
/// written out by hand (tests/fixtures-gen/hierarchical.py → Fixtures/hierarchical.safetensors): the same weights,
/// images and ε give the same one-sample ELBO, log q(z1, z2 | x), log p(z1, z2), the k = 5 importance-weighted loss, and
/// the gradient of every parameter for both.
/// </summary>
public class HierarchicalReferenceTests
{
    private static (VariationalAutoencoder Model, IReadOnlyDictionary<string, Tensor> Fixture) Load(int samples)
    {
        var fixture = FixtureFiles.Load("hierarchical.safetensors").Tensors;
        var config = new HierarchicalVaeConfig
        {
            ImageHeight = 4, ImageWidth = 4,
            Layers = [new([6, 5], 4), new([5], 3)],
            Objective = samples > 1 ? Objective.ImportanceWeighted : Objective.Elbo,
            Samples = samples,
        };
        var model = config.Build(new Rng(1));
        foreach (var (name, parameter) in model.NamedParameters())
        {
            Assert.True(fixture.ContainsKey(name), $"the fixture has no parameter '{name}'");
            fixture[name].Span.CopyTo(parameter.Span);
        }
        Assert.Equal(26, model.NamedParameters().Count()); // 13 linear layers, weight and bias each
        return (model, fixture);
    }

    [Fact]
    public void Elbo_FixedWeightsAndNoise_DensitiesLossAndEveryGradientMatchPyTorch()
    {
        var (model, fixture) = Load(samples: 1);
        var output = model.Forward(fixture["x"], fixture["eps"]);
        output.Loss.Backward();

        var posterior = model.Encode(fixture["x"]);
        var z = posterior.Sample(fixture["eps"]);
        ReferenceAssert.Close(fixture["elbo.log_q"], posterior.LogDensity(z), "log q(z1, z2 | x)");
        ReferenceAssert.Close(fixture["elbo.log_p"], model.Prior.LogDensity(z), "log p(z1, z2)");
        Assert.False(output.KlIsAnalytic);
        Close.Assert([fixture["elbo.loss"].Item()], [output.Loss.Item()], 1e-5, 1e-6, "−ELBO");
        foreach (var (name, parameter) in model.NamedParameters())
            ReferenceAssert.Close(fixture["grad.elbo." + name], parameter.Grad!, "grad of −ELBO " + name);
    }

    [Fact]
    public void ImportanceWeighted_FiveSamples_LogWeightsLossAndEveryGradientMatchPyTorch()
    {
        var (model, fixture) = Load(samples: 5);
        var samples = model.ImportanceSample(model.Encode(fixture["x"]), fixture["x"], null, fixture["eps_iw"], 5);
        ReferenceAssert.Close(fixture["iw.log_w"], samples.LogWeights, "log w");

        var output = model.Forward(fixture["x"], fixture["eps_iw"]);
        output.Loss.Backward();
        Close.Assert([fixture["iw.loss"].Item()], [output.Loss.Item()], 1e-5, 1e-6, "−L_5");
        foreach (var (name, parameter) in model.NamedParameters())
            ReferenceAssert.Close(fixture["grad.iw." + name], parameter.Grad!, "grad of −L_5 " + name);
    }
}
