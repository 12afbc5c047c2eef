using Workbench.Models;
using Workbench.Models.SemiSupervised;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Reference;

/// <summary>
/// One training step of the semi-supervised M2 model (Kingma et al. 2014) against a PyTorch 1.13 implementation with an
/// explicit loop over the classes (tests/fixtures-gen/m2.py → Fixtures/m2.safetensors): the same weights, batches and ε give
/// the same labelled terms, enumerated unlabelled loss, step loss and gradient of every parameter.
/// </summary>
public class M2ReferenceTests
{
    private const int UnlabelledImages = 600, LabelledImages = 30;
    private static readonly int[] Labels = [2, 0, 1];

    private static (SemiSupervisedVae Model, IReadOnlyDictionary<string, Tensor> Fixture) Load()
    {
        var fixture = FixtureFiles.Load("m2.safetensors").Tensors;
        var config = new SemiSupervisedVaeConfig { ImageHeight = 4, ImageWidth = 4, Classes = 3, HiddenSizes = [8], LatentSize = 2, Labels = 30, Alpha = 0.1f };
        var model = (SemiSupervisedVae)config.Build(new Rng(1));
        foreach (var (name, parameter) in model.NamedParameters())
        {
            Assert.True(fixture.ContainsKey(name), $"the fixture has no parameter '{name}'");
            fixture[name].Span.CopyTo(parameter.Span);
        }
        Assert.Equal(14, model.NamedParameters().Count()); // weight and bias of encoder 0, fc_mu, fc_logvar; decoder 0, 2; classifier 0, 2
        return (model, fixture);
    }

    [Fact]
    public void Terms_FixedWeightsBatchesAndNoise_MatchPyTorch()
    {
        var (model, fixture) = Load();
        var unlabelled = model.Unlabelled(fixture["x_u"], fixture["eps_u"]).Loss.Mean();
        var labelled = model.Labelled(fixture["x_l"], Labels, fixture["eps_l"]);

        Close.Assert([fixture["unlabelled"].Item()], [unlabelled.Item()], 1e-5, 1e-6, "mean −U(x), label enumerated");
        Close.Assert([fixture["labelled_negative_elbo"].Item()], [labelled.NegativeElbo.Mean().Item()], 1e-5, 1e-6, "mean −ELBO(x, y)");
        Close.Assert([fixture["labelled_cross_entropy"].Item()], [labelled.ClassificationLoss.Mean().Item()], 1e-5, 1e-6, "mean −log q(y|x)");
    }

    [Fact]
    public void TrainingStep_FixedWeightsBatchesAndNoise_LossAndEveryGradientMatchPyTorch()
    {
        var (model, fixture) = Load();
        var batch = new VaeBatch(fixture["x_u"], fixture["eps_u"], DatasetSize: UnlabelledImages)
        {
            Labelled = new LabelledBatch(fixture["x_l"], Labels, fixture["eps_l"], LabelledImages),
        };
        var output = model.Forward(batch);
        output.Loss.Backward();

        Close.Assert([fixture["loss"].Item()], [output.Loss.Item()], 1e-5, 1e-6, "step loss");
        foreach (var (name, parameter) in model.NamedParameters())
            ReferenceAssert.Close(fixture["grad." + name], parameter.Grad!, "grad " + name);
    }

    [Fact]
    public void UnlabelledLoss_FixedWeightsAndNoise_EveryGradientMatchesPyTorch()
    {
        var (model, fixture) = Load();
        model.Unlabelled(fixture["x_u"], fixture["eps_u"]).Loss.Mean().Backward();
        foreach (var (name, parameter) in model.NamedParameters())
            ReferenceAssert.Close(fixture["grad_unlabelled." + name], parameter.Grad!, "grad of −U " + name);
    }
}
