using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Models.Objectives;
using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.Models.Priors;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models.OpenApi;

/// <summary>
/// Priors other than N(0, I) — the shipped VampPrior and a user's Gaussian mixture — checked against
/// finite differences, hand-computed mixtures and, for the importance-weighted bound, the exact log p(x)
/// of a 2-D model integrated on a grid.
/// </summary>
public class CustomPriorTests
{
    /// <summary>A tiny Bernoulli VAE on 2×3 images with a 2-D latent, composed by hand around <paramref name="prior"/>.</summary>
    internal static VariationalAutoencoder TwoDimensional(Prior prior, TrainingObjective? objective = null, ulong seed = 12)
    {
        var rng = new Rng(seed);
        var encoder = new GaussianEncoder(new Sequential(new Linear(6, 6, rng), new ReLU()), features: 6, latentSize: 2, conditionSize: 0, rng);
        var decoder = new ConcatDecoder(new Sequential(new Linear(2, 6, rng), new ReLU(), new Linear(6, 6, rng)));
        return new VariationalAutoencoder(encoder, decoder, latentSize: 2, imageHeight: 2, imageWidth: 3, prior: prior, objective: objective);
    }

    private static GaussianMixturePrior Mixture(ulong seed = 5)
    {
        var prior = new GaussianMixturePrior(3, 2, new Rng(seed));
        // Distinct, non-trivial weights and spreads.
        new float[] { -0.5f, 0.2f, 0.4f, -0.3f, 0.1f, 0.6f }.CopyTo(prior.LogVariances.Span);
        new float[] { 0.3f, -0.4f, 0.9f }.CopyTo(prior.Logits.Span);
        return prior;
    }

    /// <summary>log Σ_k π_k N(z; m_k, s_k²) in double, from the mixture's parameters.</summary>
    private static double MixtureLogDensity(GaussianMixturePrior prior, double z0, double z1)
    {
        var m = prior.Means.Span; var v = prior.LogVariances.Span; var l = prior.Logits.Span;
        int k = l.Length;
        double maxLogit = double.MinValue;
        for (int j = 0; j < k; j++) maxLogit = Math.Max(maxLogit, l[j]);
        double normaliser = 0;
        for (int j = 0; j < k; j++) normaliser += Math.Exp(l[j] - maxLogit);
        double total = 0;
        for (int j = 0; j < k; j++)
        {
            double logComponent = 0;
            double[] z = [z0, z1];
            for (int d = 0; d < 2; d++)
            {
                double variance = Math.Exp(v[j * 2 + d]), diff = z[d] - m[j * 2 + d];
                logComponent += -0.5 * (Math.Log(2 * Math.PI * variance) + diff * diff / variance);
            }
            total += Math.Exp(l[j] - maxLogit) / normaliser * Math.Exp(logComponent);
        }
        return Math.Log(total);
    }

    [Fact]
    public void MixturePrior_LogDensity_MatchesHandComputedMixture()
    {
        var prior = Mixture();
        var z = GradCheck.Random(3, 7, 2);
        var logDensity = prior.LogDensity(z).Span;
        for (int i = 0; i < 7; i++)
            Assert.Equal(MixtureLogDensity(prior, z.Span[i * 2], z.Span[i * 2 + 1]), logDensity[i], 4);
    }

    [Fact]
    public void MixturePrior_Gradients_MatchFiniteDifferences()
    {
        var prior = Mixture();
        var z = GradCheck.Random(4, 5, 2);
        GradCheck.AssertGradients(t => prior.LogDensity(t[0]), [z, prior.Means, prior.LogVariances, prior.Logits]);
    }

    [Fact]
    public void VampPrior_LogDensity_IsTheMixtureOfTheEncodedPseudoInputs()
    {
        var prior = new VampPrior(components: 4, pixels: 6, new Rng(2));
        var model = TwoDimensional(prior);
        Tensor.Uniform(new Rng(9), 0.1f, 0.9f, 4, 6).Span.CopyTo(prior.PseudoInputs.Span);
        var z = GradCheck.Random(6, 5, 2);

        var components = (DiagonalGaussian)model.Encode(prior.Images);                      // (4, 2)
        var logDensity = prior.LogDensity(z).Span;
        for (int i = 0; i < 5; i++)
        {
            double sum = 0;
            for (int k = 0; k < 4; k++)
            {
                double logComponent = 0;
                for (int d = 0; d < 2; d++)
                {
                    double mean = components.Mean.Span[k * 2 + d], logVariance = components.LogVariance.Span[k * 2 + d];
                    double diff = z.Span[i * 2 + d] - mean;
                    logComponent += -0.5 * (Math.Log(2 * Math.PI) + logVariance + diff * diff / Math.Exp(logVariance));
                }
                sum += Math.Exp(logComponent) / 4;
            }
            Assert.Equal(Math.Log(sum), logDensity[i], 4);
        }
    }

    [Fact]
    public void VampPrior_Gradients_MatchFiniteDifferencesInZAndPseudoInputs()
    {
        var prior = new VampPrior(components: 3, pixels: 6, new Rng(2));
        TwoDimensional(prior);
        // Inside (0, 1), away from hardtanh's kinks, where finite differences are valid.
        Tensor.Uniform(new Rng(9), 0.2f, 0.8f, 3, 6).Span.CopyTo(prior.PseudoInputs.Span);
        var z = GradCheck.Random(8, 4, 2);
        GradCheck.AssertGradients(t => prior.LogDensity(t[0]), [z, prior.PseudoInputs], step: 5e-3f);
    }

    [Fact]
    public void VampPrior_Samples_HaveTheMixturesMeanAndVariance()
    {
        var prior = new VampPrior(components: 4, pixels: 6, new Rng(2));
        var model = TwoDimensional(prior);
        Tensor.Uniform(new Rng(9), 0f, 1f, 4, 6).Span.CopyTo(prior.PseudoInputs.Span);
        var components = (DiagonalGaussian)model.Encode(prior.Images);
        const int n = 40_000;
        var samples = prior.Sample(n, new Rng(1)).Span;
        for (int d = 0; d < 2; d++)
        {
            double mean = 0, secondMoment = 0;
            for (int k = 0; k < 4; k++)
            {
                double m = components.Mean.Span[k * 2 + d], v = Math.Exp(components.LogVariance.Span[k * 2 + d]);
                mean += m / 4;
                secondMoment += (v + m * m) / 4;
            }
            double variance = secondMoment - mean * mean;
            double sampleMean = 0, sampleSquare = 0;
            for (int i = 0; i < n; i++) { sampleMean += samples[i * 2 + d] / n; sampleSquare += (double)samples[i * 2 + d] * samples[i * 2 + d] / n; }
            double standardError = Math.Sqrt(variance / n);
            Assert.True(Math.Abs(sampleMean - mean) < 5 * standardError, $"dimension {d}: sample mean {sampleMean}, mixture mean {mean}");
            Assert.True(Math.Abs(sampleSquare - sampleMean * sampleMean - variance) < 0.05 * variance, $"dimension {d}: variance");
        }
    }

    [Fact]
    public void Kl_PriorWithoutClosedForm_IsMonteCarloAndAgreesWithAnalyticWithinStandardError()
    {
        var analyticModel = TwoDimensional(new StandardNormalPrior(2));
        var monteCarloModel = TwoDimensional(new OpaqueStandardNormalPrior(2));
        var images = TestData.Pixels(1, 4, 6);
        var posterior = analyticModel.Encode(images);
        var analytic = analyticModel.Kl(posterior, posterior.Mean);
        Assert.True(analytic.IsAnalytic);

        const int draws = 20_000;
        var repeated = posterior.GatherRows(Enumerable.Range(0, 4 * draws).Select(i => i % 4).ToArray());
        var z = repeated.Sample(Tensor.Randn(new Rng(3), 4 * draws, 2));
        var monteCarlo = monteCarloModel.Kl(repeated, z);
        Assert.False(monteCarlo.IsAnalytic);
        Assert.Null(monteCarlo.PerDimension);
        for (int b = 0; b < 4; b++)
        {
            double sum = 0, sumOfSquares = 0;
            for (int i = b; i < 4 * draws; i += 4) { double v = monteCarlo.PerImage.Span[i]; sum += v; sumOfSquares += v * v; }
            double mean = sum / draws, standardError = Math.Sqrt((sumOfSquares / draws - mean * mean) / draws);
            Assert.True(Math.Abs(mean - analytic.PerImage.Span[b]) < 4 * standardError + 1e-4,
                $"image {b}: Monte-Carlo KL {mean:F4} ± {standardError:F4}, analytic {analytic.PerImage.Span[b]:F4}");
        }
    }

    [Fact]
    public void ModelForward_VampPrior_ReportsMonteCarloKlWithoutPerDimensionTerms()
    {
        var model = TwoDimensional(new VampPrior(3, 6, new Rng(1)));
        var output = model.Forward(TestData.Pixels(2, 5, 6), new Rng(4));
        Assert.False(output.KlIsAnalytic);
        Assert.Null(output.KlPerDimension);
        Assert.True(TwoDimensional(new StandardNormalPrior(2)).Forward(TestData.Pixels(2, 5, 6), new Rng(4)).KlIsAnalytic);
    }

    [Fact]
    public void FreeBits_WithMonteCarloKl_ThrowsSayingWhy()
    {
        var model = TwoDimensional(new VampPrior(3, 6, new Rng(1)),
            new ElboObjective(new Workbench.Models.Kl.FreeBits(0.5f, new Workbench.Models.Kl.ConstantKlWeight(1f))));
        var error = Assert.Throws<InvalidOperationException>(() => model.Forward(TestData.Pixels(2, 5, 6), new Rng(4)));
        Assert.Contains("closed form", error.Message);
    }

    /// <summary>Binary 2×3 images: their exact log p(x) is a probability, not a density.</summary>
    private static ImageDataset BinaryImages() =>
        new([1, 0, 1, 1, 1, 0, /**/ 0, 0, 1, 0, 1, 1, /**/ 1, 1, 1, 0, 0, 0], [0, 1, 0], 2, 3, ["a", "b"]);

    /// <summary>−log p(x) = −log ∫ p(x|z) p(z) dz for the mixture prior, by the midpoint rule on [−9, 9]², in double.</summary>
    private static double ExactNegativeLogLikelihood(VariationalAutoencoder model, GaussianMixturePrior prior, ReadOnlySpan<float> image) =>
        -GridIntegration.LogMarginal(model, image, (z0, z1) => MixtureLogDensity(prior, z0, z1), n: 451, half: 9);

    [Fact]
    public void ImportanceWeightedBound_MixturePrior_DecreasesToTheGridIntegratedNegativeLogLikelihood()
    {
        var prior = Mixture();
        var model = TwoDimensional(prior);
        var data = BinaryImages();
        double exact = Enumerable.Range(0, data.Count).Average(i => ExactNegativeLogLikelihood(model, prior, data.Image(i)));
        double Bound(int k, int seeds) =>
            Enumerable.Range(0, seeds).Average(s => ImportanceWeightedBound.Evaluate(model, data, k, seed: (ulong)(1000 * k + s)).NegativeLogLikelihoodBound);
        double k1 = Bound(1, 300), k5000 = Bound(5000, 4);

        string values = $"−L_1 {k1:F4}, −L_5000 {k5000:F4}, −log p(x) {exact:F4}";
        Assert.True(k1 - exact > 0.1, "the test needs a visible gap at k = 1: " + values);
        Assert.True(Math.Abs(k5000 - exact) < 0.02, values);
    }
}
