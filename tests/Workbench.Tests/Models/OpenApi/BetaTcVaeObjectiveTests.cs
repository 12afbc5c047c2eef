using System.Text.Json;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Models.Objectives;
using Workbench.Models.Posteriors;
using Workbench.Models.Priors;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models.OpenApi;

/// <summary>
/// β-TCVAE (Chen et al. 2018): the minibatch-weighted estimate of log q(z) against a brute-force sum, the
/// telescoping of its three terms into the Monte-Carlo KL of the same samples, the ELBO at α = β = γ = 1,
/// and gradients against finite differences.
/// </summary>
public class BetaTcVaeObjectiveTests
{
    private static VariationalAutoencoder Model(BetaTcVaeObjective objective) =>
        CustomPriorTests.TwoDimensional(new StandardNormalPrior(2), objective);

    [Fact]
    public void Decompose_MatchesBruteForceMinibatchWeightedSampling()
    {
        const int batch = 4, latent = 3, dataset = 1000;
        var mean = GradCheck.Random(1, batch, latent);
        var logVariance = GradCheck.Random(2, batch, latent) * 0.5f;
        var z = GradCheck.Random(3, batch, latent);
        var posterior = new DiagonalGaussian(mean, logVariance);
        var model = new VariationalAutoencoder(new FixedEncoder(posterior), new ZeroDecoder(), latent, 1, 1);

        var terms = BetaTcVaeObjective.Decompose(model, posterior, z, dataset);

        // Brute force in double: N(z; μ, σ²) per dimension, the joint as their product, sums over the batch.
        double LogNormal(int i, int j, int d)
        {
            double m = mean.Span[j * latent + d], v = Math.Exp(logVariance.Span[j * latent + d]), x = z.Span[i * latent + d];
            return -0.5 * ((x - m) * (x - m) / v + Math.Log(v) + Math.Log(2 * Math.PI));
        }
        double logNm = Math.Log((double)dataset * batch);
        double mi = 0, tc = 0, dwkl = 0;
        for (int i = 0; i < batch; i++)
        {
            double logPosterior = Enumerable.Range(0, latent).Sum(d => LogNormal(i, i, d));
            double logAggregate = Math.Log(Enumerable.Range(0, batch).Sum(j => Math.Exp(Enumerable.Range(0, latent).Sum(d => LogNormal(i, j, d))))) - logNm;
            double logProduct = Enumerable.Range(0, latent).Sum(d => Math.Log(Enumerable.Range(0, batch).Sum(j => Math.Exp(LogNormal(i, j, d)))) - logNm);
            double logPrior = Enumerable.Range(0, latent).Sum(d => -0.5 * (Math.Pow(z.Span[i * latent + d], 2) + Math.Log(2 * Math.PI)));
            mi += (logPosterior - logAggregate) / batch;
            tc += (logAggregate - logProduct) / batch;
            dwkl += (logProduct - logPrior) / batch;
        }
        Assert.Equal(mi, terms.MutualInformation.Item(), 3);
        Assert.Equal(tc, terms.TotalCorrelation.Item(), 3);
        Assert.Equal(dwkl, terms.DimensionWiseKl.Item(), 3);
    }

    [Fact]
    public void PairwiseLogDensityPerDimension_SumsToTheJointPairwiseDensity()
    {
        var posterior = new DiagonalGaussian(GradCheck.Random(1, 4, 3), GradCheck.Random(2, 4, 3) * 0.5f);
        var z = GradCheck.Random(3, 5, 3);
        var table = posterior.PairwiseLogDensityPerDimension(z);
        Assert.Equal(new[] { 5, 4, 3 }, table.Shape);
        Close.Assert(posterior.PairwiseLogDensity(z).Span, table.Sum(2).ToArray(), 1e-5, 1e-4, "Σ_d log q(z_d|x) = log q(z|x)");
        // One entry by hand: z row 4 under distribution 2, dimension 1.
        double m = posterior.Mean.Span[2 * 3 + 1], v = Math.Exp(posterior.LogVariance.Span[2 * 3 + 1]), x = z.Span[4 * 3 + 1];
        Assert.Equal(-0.5 * ((x - m) * (x - m) / v + Math.Log(v) + Math.Log(2 * Math.PI)), table.Span[(4 * 4 + 2) * 3 + 1], 4);
    }

    [Theory]
    [InlineData(6, null)]
    [InlineData(6, 60_000)]
    [InlineData(40, 100)]
    public void Decompose_TermsSumToTheMonteCarloKlOfTheSameSamples(int batch, int? dataset)
    {
        // The identity that holds exactly for this estimator: MI + TC + DWKL = mean_i [log q(z_i|x_i) − log p(z_i)],
        // whatever N (the −log NM constants cancel).
        var model = Model(new BetaTcVaeObjective());
        var images = TestData.Pixels(5, batch, 6);
        var posterior = model.Encode(images);
        var z = posterior.Sample(Tensor.Randn(new Rng(6), batch, 2));
        var terms = BetaTcVaeObjective.Decompose(model, posterior, z, dataset);
        double sum = terms.MutualInformation.Item() + terms.TotalCorrelation.Item() + terms.DimensionWiseKl.Item();
        double monteCarloKl = (posterior.LogDensity(z) - model.Prior.LogDensity(z)).Mean().Item();
        Assert.Equal(monteCarloKl, sum, 3);
        Assert.Equal(monteCarloKl, terms.MonteCarloKlPerImage.Mean().Item(), 5);
    }

    [Fact]
    public void Decompose_DatasetSizeOnlyShiftsTheTermsByItsConstants()
    {
        var model = Model(new BetaTcVaeObjective());
        var posterior = model.Encode(TestData.Pixels(5, 8, 6));
        var z = posterior.Sample(Tensor.Randn(new Rng(6), 8, 2));
        var small = BetaTcVaeObjective.Decompose(model, posterior, z, 100);
        var large = BetaTcVaeObjective.Decompose(model, posterior, z, 10_000);
        double shift = Math.Log(100); // log(N'M) − log(NM) for N' = 100 N
        Assert.Equal(small.MutualInformation.Item() + shift, large.MutualInformation.Item(), 3);
        Assert.Equal(small.TotalCorrelation.Item() + shift * (2 - 1), large.TotalCorrelation.Item(), 3);  // (D − 1) log: D = 2
        Assert.Equal(small.DimensionWiseKl.Item() - 2 * shift, large.DimensionWiseKl.Item(), 3);
    }

    [Fact]
    public void Forward_UnitWeights_IsTheElboWithTheMonteCarloKlOfTheSameNoise()
    {
        var model = Model(new BetaTcVaeObjective(1, 1, 1));
        var images = TestData.Pixels(7, 10, 6);
        var noise = Tensor.Randn(new Rng(8), 10, 2);
        var output = model.Forward(new VaeBatch(images, noise, DatasetSize: 5000));
        var posterior = model.Encode(images);
        var z = posterior.Sample(noise);
        double expected = model.Likelihood.NegativeLogLikelihood(model.Decode(z), images).Mean().Item()
                          + (posterior.LogDensity(z) - model.Prior.LogDensity(z)).Mean().Item();
        Assert.Equal(expected, output.Loss.Item(), 4);
        // The reported terms are the ELBO's: the same reconstruction, the closed-form KL.
        var elbo = CustomPriorTests.TwoDimensional(new StandardNormalPrior(2), new ElboObjective()).Forward(images, noise);
        Assert.Equal(elbo.ReconstructionTerm.Item(), output.ReconstructionTerm.Item(), 5);
        Assert.Equal(elbo.KlTerm.Item(), output.KlTerm.Item(), 5);
    }

    [Fact]
    public void Forward_UnitWeights_AveragesToTheElboOverNoise()
    {
        // Up to the estimator: the Monte-Carlo KL averages to the closed-form KL, so the loss averages to −ELBO.
        var model = Model(new BetaTcVaeObjective(1, 1, 1));
        var elboModel = CustomPriorTests.TwoDimensional(new StandardNormalPrior(2), new ElboObjective());
        var images = TestData.Pixels(7, 10, 6);
        var losses = new List<double>();
        double elbo = 0;
        for (ulong s = 0; s < 400; s++)
        {
            var noise = Tensor.Randn(new Rng(100 + s), 10, 2);
            losses.Add(model.Forward(images, noise).Loss.Item());
            elbo += elboModel.Forward(images, noise).Loss.Item() / 400.0;
        }
        double mean = losses.Average(), standardError = Math.Sqrt(losses.Sum(l => (l - mean) * (l - mean)) / (losses.Count - 1) / losses.Count);
        Assert.True(Math.Abs(mean - elbo) < 4 * standardError + 1e-3, $"β-TCVAE(1,1,1) loss {mean} ± {standardError} vs −ELBO {elbo}");
    }

    [Fact]
    public void Forward_LossWeighsEachTermByItsWeight()
    {
        var images = TestData.Pixels(7, 10, 6);
        var noise = Tensor.Randn(new Rng(8), 10, 2);
        double Loss(float alpha, float beta, float gamma) =>
            Model(new BetaTcVaeObjective(alpha, beta, gamma)).Forward(new VaeBatch(images, noise, DatasetSize: 500)).Loss.Item();
        var model = Model(new BetaTcVaeObjective());
        var posterior = model.Encode(images);
        var terms = BetaTcVaeObjective.Decompose(model, posterior, posterior.Sample(noise), 500);
        double baseline = Loss(1, 1, 1);
        Assert.Equal(5 * terms.TotalCorrelation.Item(), Loss(1, 6, 1) - baseline, 3);
        Assert.Equal(2 * terms.MutualInformation.Item(), Loss(3, 1, 1) - baseline, 3);
        Assert.Equal(-0.5 * terms.DimensionWiseKl.Item(), Loss(1, 1, 0.5f) - baseline, 3);
    }

    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        var model = Model(new BetaTcVaeObjective(1, 6, 1));
        var images = TestData.Pixels(7, 5, 6);
        var noise = Tensor.Randn(new Rng(8), 5, 2);
        var parameters = model.NamedParameters()
            .Where(p => (p.Name.StartsWith("encoder.", StringComparison.Ordinal) && p.Name.EndsWith(".weight", StringComparison.Ordinal)) || p.Name == "decoder.2.weight")
            .Select(p => p.Parameter).ToArray();
        Assert.Equal(4, parameters.Length); // encoder body, μ and log σ² heads, decoder output
        GradCheck.AssertGradients(_ => model.Forward(new VaeBatch(images, noise, DatasetSize: 5)).Loss, parameters);
    }

    [Fact]
    public void Evaluator_GivesTheObjectiveTheEvaluationSetSize()
    {
        var model = Model(new BetaTcVaeObjective(1, 6, 1));
        var data = TestData.Synthetic(2, 6, 2, 3);
        var (images, _) = data.Batch(Enumerable.Range(0, 6).ToArray());
        var evaluation = Evaluator.Elbo(model, data, seed: 21);
        // Evaluator draws ε as Randn(Rng(seed), B, latent).
        var expected = model.Forward(new VaeBatch(images, Tensor.Randn(new Rng(21), 6, 2), DatasetSize: 6)).Loss.Item();
        Assert.Equal(expected, evaluation.Loss, 3);
        var withOtherN = model.Forward(new VaeBatch(images, Tensor.Randn(new Rng(21), 6, 2), DatasetSize: 6000)).Loss.Item();
        Assert.True(Math.Abs(withOtherN - evaluation.Loss) > 1, "N must matter for β ≠ 1, or this test cannot tell");
    }

    [Fact]
    public void Config_BetaTcVae_RoundTripsAndBuildsTheObjective()
    {
        var json = """{ "variant": "beta-tcvae", "imageHeight": 2, "imageWidth": 3, "hiddenSizes": [4], "latentSize": 2, "beta": 5, "gamma": 0.5 }""";
        var config = Assert.IsType<BetaTcVaeConfig>(JsonSerializer.Deserialize<VaeConfig>(json, Workbench.Experiments.Definitions.ExperimentJson.Options));
        Assert.Equal("beta-tcvae", config.VariantName);
        var objective = Assert.IsType<BetaTcVaeObjective>(config.Build(new Rng(1)).Objective);
        Assert.Equal((1f, 5f, 0.5f), (objective.Alpha, objective.TcWeight, objective.Gamma));
        Assert.Equal(5.0, objective.Beta);
        Assert.Contains("beta-tcvae", VaeConfig.VariantNames);
    }

    [Fact]
    public void Config_BetaTcVaeWithAnotherObjectiveOrNegativeWeight_IsRefusedNamingTheField()
    {
        var objective = Assert.Throws<ArgumentException>(() => new BetaTcVaeConfig { Objective = Objective.KlOnly }.Validate());
        Assert.StartsWith("Objective:", objective.Message);
        var gamma = Assert.Throws<ArgumentException>(() => new BetaTcVaeConfig { Gamma = -1 }.Validate());
        Assert.StartsWith("Gamma:", gamma.Message);
        Assert.Contains("-1", gamma.Message);
    }

    /// <summary>An encoder that returns a given posterior, whatever the images.</summary>
    private sealed class FixedEncoder(Posterior posterior) : Workbench.NN.Module<Workbench.Models.Parts.EncoderInput, Posterior>
    {
        public override Posterior Forward(Workbench.Models.Parts.EncoderInput input) => posterior;
    }

    private sealed class ZeroDecoder : Workbench.NN.Module<Workbench.Models.Parts.DecoderInput, Tensor>
    {
        public override Tensor Forward(Workbench.Models.Parts.DecoderInput input) => Tensor.Zeros(input.Z.Dim(0), 1);
    }
}
