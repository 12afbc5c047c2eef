using System.Text.Json;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.Models;
using Workbench.Models.Objectives;
using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.Models.Priors;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models.Posteriors;

/// <summary>
/// Flow posteriors inside the model: the importance-weighted bound against the exact log p(x) of a 2-D model,
/// the ELBO's Monte-Carlo KL from the sample's own log-density, the estimated moments, the configuration and
/// the combinations that need a density at an arbitrary z, refused with one clear message.
/// </summary>
public class FlowPosteriorTests
{
    /// <summary>The 2-D model of the Gaussian posterior's exact-marginal test, with a flow posterior.</summary>
    private static VariationalAutoencoder TwoDimensionalModel(PosteriorConfig posterior) =>
        VariationalAutoencoder.Create(TestData.Tiny() with { LatentSize = 2, HiddenSizes = [6], Posterior = posterior }, new Rng(12));

    private static ImageDataset BinaryImages()
    {
        float[] pixels = [1, 0, 1, 1, 1, 0, /**/ 0, 0, 1, 0, 1, 1, /**/ 1, 1, 1, 0, 0, 0];
        return new ImageDataset(pixels, [0, 1, 0], 2, 3, ["a", "b"]);
    }

    public static TheoryData<string> Flows => ["planar", "iaf"];

    private static PosteriorConfig Flow(string kind) =>
        kind == "planar" ? new PlanarFlowPosteriorConfig(Steps: 3) : new InverseAutoregressiveFlowPosteriorConfig(Steps: 2, HiddenSize: 6);

    [Theory]
    [MemberData(nameof(Flows))]
    public void ImportanceWeightedBound_GrowingKWithFlowPosterior_ApproachesExactLogLikelihood(string kind)
    {
        var model = TwoDimensionalModel(Flow(kind));
        var data = BinaryImages();
        double exact = -Enumerable.Range(0, data.Count).Average(i =>
            GridIntegration.LogMarginal(model, data.Image(i), GridIntegration.StandardNormal, n: 401, half: 8));
        double Bound(int k, int seeds) =>
            Enumerable.Range(0, seeds).Average(s => ImportanceWeightedBound.Evaluate(model, data, k, seed: (ulong)(1000 * k + s)).NegativeLogLikelihoodBound);
        // An untrained flow's q has lighter tails than p(z|x) in places, so its importance weights are heavy-tailed:
        // single −L_5000 estimates here range from about 2.9 to 4.4 nats around −log p(x) ≈ 4.2 (a rare large weight
        // pulls one far down). Averages over many seeds are what converge, slowly: 24 seeds at k = 5000 land within
        // 0.05 nats of it. (That each flow's density integrates to 1 is checked to 1e-3 in FlowDensityTests.)
        double k1 = Bound(1, 300), k10 = Bound(10, 200), k100 = Bound(100, 100), k5000 = Bound(5000, 24);

        string values = $"{kind}: −L_1 {k1:F4}, −L_10 {k10:F4}, −L_100 {k100:F4}, −L_5000 {k5000:F4}, −log p(x) {exact:F4}";
        Assert.True(k1 - exact > 0.5, "the test needs a visible gap at k = 1: " + values);
        Assert.True(k1 > k10 + 0.2 && k10 > k100 + 0.1 && k100 > exact - 0.03, values);
        Assert.True(Math.Abs(k5000 - exact) < 0.06, values);
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void ElboForward_FlowPosterior_KlIsLogDensityOfTheSampleMinusLogPrior(string kind)
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny() with { Posterior = Flow(kind) }, new Rng(3));
        var images = TestData.Pixels(4, 5, 6);
        var noise = Tensor.Randn(new Rng(9), 5, 3);
        var output = model.Forward(images, noise);
        Assert.False(output.KlIsAnalytic);
        Assert.Null(output.KlPerDimension);
        var sample = model.Encode(images).SampleWithLogDensity(noise);
        Close.Assert((sample.LogDensity - model.Prior.LogDensity(sample.Z)).ToArray(), output.KlPerImage.ToArray(), 1e-5, 1e-5, "KL per image");
        Close.Assert(sample.Z.ToArray(), output.Z.ToArray(), 1e-6, 1e-6, "z");
    }

    [Fact]
    public void Moments_FlowPosterior_AreEstimatesIndependentOfTheBatchAndNearALargeSampleAverage()
    {
        var flow = FlowDensityTests.TwoStepPlanar();
        Assert.True(flow.MomentsAreEstimates);
        Assert.False(flow.HasDensityEverywhere);
        var batch = flow.GatherRows([0, 0, 0]);
        Assert.Equal(flow.Mean.ToArray(), batch.Mean.ToArray()[..2]);                    // a row's estimate does not depend on its batch
        Assert.Equal(flow.StandardDeviation.ToArray(), batch.StandardDeviation.ToArray()[4..]);

        const int draws = 100_000;
        var z = flow.GatherRows(new int[draws]).Sample(Tensor.Randn(new Rng(77), draws, 2)).ToArray();
        for (int d = 0; d < 2; d++)
        {
            double mean = Enumerable.Range(0, draws).Average(r => z[r * 2 + d]);
            double sd = Math.Sqrt(Enumerable.Range(0, draws).Average(r => (z[r * 2 + d] - mean) * (z[r * 2 + d] - mean)));
            double standardError = sd / Math.Sqrt(FlowPosterior.MomentSamples);
            Assert.True(Math.Abs(flow.Mean.Span[d] - mean) < 4 * standardError, $"dimension {d}: estimated mean {flow.Mean.Span[d]}, {draws}-sample mean {mean}");
            Assert.True(Math.Abs(flow.StandardDeviation.Span[d] - sd) < 0.35 * sd, $"dimension {d}: estimated sd {flow.StandardDeviation.Span[d]}, {draws}-sample sd {sd}");
        }
        Assert.False(new DiagonalGaussian(Tensor.Zeros(1, 2), Tensor.Zeros(1, 2)).MomentsAreEstimates);
    }

    [Fact]
    public void LogDensity_FlowAtArbitraryZ_ThrowsNamingTheFamilyAndTheWayOut()
    {
        var error = Assert.Throws<NotSupportedException>(() => FlowDensityTests.TwoStepPlanar().LogDensity(Tensor.Zeros(1, 2)));
        Assert.Contains("planar flow", error.Message);
        Assert.Contains("SampleWithLogDensity", error.Message);
        Assert.Contains("VampPrior", error.Message);
        Assert.Throws<NotSupportedException>(() => FlowDensityTests.TwoStepIaf().PairwiseLogDensity(Tensor.Zeros(2, 2)));
    }

    [Fact]
    public void SampleWithLogDensity_DiagonalGaussian_IsSampleThenLogDensity()
    {
        var posterior = new DiagonalGaussian(Tensor.Randn(new Rng(1), 4, 3), Tensor.Randn(new Rng(2), 4, 3));
        var noise = Tensor.Randn(new Rng(3), 4, 3);
        var sample = posterior.SampleWithLogDensity(noise);
        Assert.Equal(posterior.Sample(noise).ToArray(), sample.Z.ToArray());
        Assert.Equal(posterior.LogDensity(sample.Z).ToArray(), sample.LogDensity.ToArray());
        Assert.True(posterior.HasDensityEverywhere);
    }

    [Theory]
    [InlineData("""{ "kind": "planar", "steps": 8 }""", typeof(PlanarFlowEncoder), typeof(PlanarFlowPosterior))]
    [InlineData("""{ "kind": "iaf", "steps": 2, "hiddenSize": 16 }""", typeof(InverseAutoregressiveFlowEncoder), typeof(InverseAutoregressiveFlowPosterior))]
    [InlineData("""{ "kind": "diagonal" }""", typeof(GaussianEncoder), typeof(DiagonalGaussian))]
    public void ExperimentJson_Posterior_RoundTripsAndBuildsItsEncoder(string posterior, Type encoderType, Type posteriorType)
    {
        var json = $$"""{ "variant": "vae", "latentSize": 4, "hiddenSizes": [8], "posterior": {{posterior}} }""";
        var config = JsonSerializer.Deserialize<VaeConfig>(json, ExperimentJson.Options)!;
        var written = JsonSerializer.Serialize(config, ExperimentJson.Options);
        Assert.Equal(written, JsonSerializer.Serialize(JsonSerializer.Deserialize<VaeConfig>(written, ExperimentJson.Options), ExperimentJson.Options));
        Assert.Contains("\"posterior\"", written);
        var model = config.Build(new Rng(1));
        Assert.IsType(encoderType, model.Encoder);
        Assert.IsType(posteriorType, model.Encode(TestData.Pixels(1, 3, 784)));
        Assert.Equal(written, JsonSerializer.Serialize(model.Config, ExperimentJson.Options));
    }

    [Fact]
    public void ExperimentJson_NoPosterior_WritesNoPosteriorField()
    {
        Assert.DoesNotContain("posterior", JsonSerializer.Serialize(new VaeConfig(), ExperimentJson.Options), StringComparison.OrdinalIgnoreCase);
        Assert.IsType<DiagonalGaussian>(new VaeConfig { HiddenSizes = [8], LatentSize = 3 }.Build(new Rng(1)).Encode(TestData.Pixels(1, 2, 784)));
    }

    [Theory]
    [InlineData("""{ "kind": "planar", "steps": 0 }""", "posterior.steps")]
    [InlineData("""{ "kind": "iaf", "steps": 2, "hiddenSize": 0 }""", "posterior.hiddenSize")]
    public void Validate_BadFlowSettings_NameTheField(string posterior, string field)
    {
        var config = JsonSerializer.Deserialize<VaeConfig>($$"""{ "variant": "vae", "posterior": {{posterior}} }""", ExperimentJson.Options)!;
        var error = Assert.Throws<ArgumentException>(() => config.Build(new Rng(1)));
        Assert.Contains(field, error.Message);
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void Build_VampPriorWithFlowPosterior_FailsWithOneClearMessage(string kind)
    {
        var config = new VaeConfig { HiddenSizes = [8], LatentSize = 3, Prior = new VampPriorConfig(5), Posterior = Flow(kind) };
        var error = Assert.Throws<ArgumentException>(() => config.Build(new Rng(1)));
        Assert.StartsWith("Posterior: ", error.Message);
        Assert.Contains("VampPrior", error.Message);
        Assert.Contains("diagonal", error.Message);
    }

    [Fact]
    public void Build_BetaTcVaeWithFlowPosterior_FailsWithOneClearMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => new BetaTcVaeConfig { Posterior = new PlanarFlowPosteriorConfig(4) }.Build(new Rng(1)));
        Assert.Contains("beta-tcvae", error.Message);
        Assert.Contains("planar flow", error.Message);
    }

    [Fact]
    public void Forward_HandComposedVampPriorWithFlowEncoder_ThrowsNamingTheFamily()
    {
        var rng = new Rng(4);
        var encoder = new PlanarFlowEncoder(new Sequential(new Linear(6, 6, rng), new ReLU()), 6, 2, 0, steps: 2, rng);
        var decoder = new ConcatDecoder(new Sequential(new Linear(2, 6, rng)));
        var model = new VariationalAutoencoder(encoder, decoder, 2, 2, 3, prior: new VampPrior(3, 6, rng));
        var error = Assert.Throws<NotSupportedException>(() => model.Forward(TestData.Pixels(1, 2, 6), new Rng(2)));
        Assert.Contains("planar flow", error.Message);
    }
}
