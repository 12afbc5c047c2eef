using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Models.Objectives;
using Workbench.Models.Priors;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models.OpenApi;

/// <summary>IWAE training (Burda et al. 2016): its loss is the importance-weighted bound of the same batch and ε.</summary>
public class ImportanceWeightedObjectiveTests
{
    private static VariationalAutoencoder Model(int samples, Prior? prior = null) =>
        CustomPriorTests.TwoDimensional(prior ?? new StandardNormalPrior(2), new ImportanceWeightedObjective(samples));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(50)]
    public void Loss_EqualsImportanceWeightedBoundOfTheSameBatchAndNoise(int k)
    {
        var model = Model(k, new GaussianMixturePrior(3, 2, new Rng(4)));
        var data = TestData.Synthetic(2, 6, 2, 3);
        var (images, _) = data.Batch(Enumerable.Range(0, 6).ToArray());
        // The bound draws ε as Randn(rng, images · k, latent) from Rng(seed): the same ε the objective is given here.
        var output = model.Forward(images, Tensor.Randn(new Rng(21), 6 * k, 2));
        var bound = ImportanceWeightedBound.Evaluate(model, data, k, seed: 21, maxRows: 100_000);
        Assert.Equal(bound.NegativeLogLikelihoodBound, output.Loss.Item(), 3);
    }

    [Fact]
    public void Loss_IsMinusLogMeanExpOfHandComputedWeights()
    {
        const int k = 4;
        var model = Model(k);
        var images = TestData.Pixels(3, 2, 6);
        var noise = Tensor.Randn(new Rng(5), 2 * k, 2);
        var output = model.Forward(images, noise);

        var posterior = model.Encode(images);
        double expected = 0;
        for (int b = 0; b < 2; b++)
        {
            var rows = Enumerable.Repeat(b, k).ToArray();
            var q = posterior.GatherRows(rows);
            var z = q.Sample(noise.GatherRows(Enumerable.Range(b * k, k).ToArray()));
            var logWeights = (model.Likelihood.LogDensity(model.Decode(z), images.GatherRows(rows)) + model.Prior.LogDensity(z) - q.LogDensity(z)).ToArray();
            expected -= ImportanceWeightedBound.LogMeanExp(logWeights.Select(v => (double)v).ToArray()) / 2;
        }
        Assert.Equal(expected, output.Loss.Item(), 3);
        Assert.Equal(k, model.Objective.SamplesPerImage);
        Assert.Equal(new[] { 2 * k, 2 }, output.Z.Shape);
    }

    [Fact]
    public void Gradients_MatchFiniteDifferencesInDecoderWeights()
    {
        var model = Model(3);
        var images = TestData.Pixels(7, 2, 6);
        var noise = Tensor.Randn(new Rng(8), 6, 2);
        var weight = model.NamedParameters().Single(p => p.Name == "decoder.2.weight").Parameter;
        GradCheck.AssertGradients(_ => model.Forward(images, noise).Loss, [weight]);
    }

    [Fact]
    public void MoreSamples_TightenTheBoundOnAverage()
    {
        var data = TestData.Synthetic(9, 40, 2, 3);
        var (images, _) = data.Batch(Enumerable.Range(0, 40).ToArray());
        double Loss(int k) => Enumerable.Range(0, 20).Average(s => Model(k).Forward(images, new Rng((ulong)s)).Loss.Item());
        double k1 = Loss(1), k10 = Loss(10);
        Assert.True(k10 < k1, $"−L_10 {k10} should be below −L_1 {k1}");
    }

    [Fact]
    public void Config_ImportanceWeighted_BuildsTheObjectiveWithK()
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny(Objective.ImportanceWeighted) with { Samples = 5 }, new Rng(1));
        var objective = Assert.IsType<ImportanceWeightedObjective>(model.Objective);
        Assert.Equal(5, objective.Samples);
        Assert.Equal(1.0, objective.Beta);
        Assert.Equal(new[] { 10, TestData.Tiny().LatentSize }, model.Noise(2, new Rng(1)).Shape);
    }

    [Fact]
    public void Config_SamplesWithoutImportanceWeightedObjective_IsRefusedNamingTheField()
    {
        var error = Assert.Throws<ArgumentException>(() => (TestData.Tiny() with { Samples = 5 }).Validate());
        Assert.Contains("Samples", error.Message);
        Assert.Contains("importance-weighted", error.Message);
    }
}
