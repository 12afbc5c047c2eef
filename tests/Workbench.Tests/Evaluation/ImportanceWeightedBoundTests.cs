using Workbench.Data;
using Workbench.Kernels;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Models.Posteriors;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Evaluation;

/// <summary>
/// The importance-weighted bound (Burda et al. 2016) against its log-weights computed by hand, against
/// the ELBO (k = 1), and against the exact log p(x) of a VAE with a two-dimensional latent, integrated
/// on a grid.
/// </summary>
[Collection(Workbench.Tests.Kernels.GemmLogTests.Recording)] // sets the process-wide compute thread count
public class ImportanceWeightedBoundTests
{
    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    /// <summary>A tiny Bernoulli VAE on 2×3 images with a 2-D latent, whose marginal likelihood can be integrated.</summary>
    private static VariationalAutoencoder TwoDimensionalModel() =>
        VariationalAutoencoder.Create(TestData.Tiny() with { LatentSize = 2, HiddenSizes = [6] }, new Rng(12));

    /// <summary>Binary 2×3 images: their exact log p(x) is a probability, not a density.</summary>
    private static ImageDataset BinaryImages()
    {
        float[] pixels = [1, 0, 1, 1, 1, 0, /**/ 0, 0, 1, 0, 1, 1, /**/ 1, 1, 1, 0, 0, 0];
        return new ImageDataset(pixels, [0, 1, 0], 2, 3, ["a", "b"]);
    }

    /// <summary>log p(x) = log ∫ p(x|z) N(z; 0, I) dz by the midpoint rule on [−8, 8]², in double.</summary>
    private static double ExactLogLikelihood(VariationalAutoencoder model, ReadOnlySpan<float> image) =>
        GridIntegration.LogMarginal(model, image, GridIntegration.StandardNormal, n: 401, half: 8);

    private static double MeanExactNegativeLogLikelihood(VariationalAutoencoder model, ImageDataset data) =>
        -Enumerable.Range(0, data.Count).Average(i => ExactLogLikelihood(model, data.Image(i)));

    [Fact]
    public void LogWeights_OneImage_MatchHandComputedLogJointMinusLogPosterior()
    {
        var model = VariationalAutoencoder.Create(TestData.SmallMlp(hidden: 16, latent: 4), new Rng(3));
        var data = TestData.Fashion(5);
        Tensor logWeights;
        using (GradMode.NoGrad()) logWeights = ImportanceWeightedBound.LogWeights(model, data, [3], 6, new Rng(11));
        Assert.Equal(new[] { 6 }, logWeights.Shape);

        var (image, _) = data.Batch([3]);
        var posterior = (DiagonalGaussian)model.Encode(image);
        var (meanTensor, logVarianceTensor) = (posterior.Mean, posterior.LogVariance);
        var noise = Tensor.Randn(new Rng(11), 6, 4).ToArray();
        var x = data.Image(3).ToArray();
        for (int s = 0; s < 6; s++)
        {
            var z = new float[4];
            double logPrior = 0, logPosterior = 0;
            for (int d = 0; d < 4; d++)
            {
                double mu = meanTensor.Span[d], logVariance = logVarianceTensor.Span[d], sigma = Math.Exp(0.5 * logVariance);
                z[d] = (float)(mu + sigma * noise[s * 4 + d]);
                logPrior += -0.5 * Math.Log(2 * Math.PI) - 0.5 * z[d] * (double)z[d];
                double standardised = (z[d] - mu) / sigma;
                logPosterior += -0.5 * Math.Log(2 * Math.PI) - 0.5 * logVariance - 0.5 * standardised * standardised;
            }
            var logits = model.Decode(Tensor.FromArray(z, 1, 4)).ToArray();
            double logLikelihood = 0;
            for (int p = 0; p < x.Length; p++)
            {
                double probability = Sigmoid(logits[p]);
                logLikelihood += x[p] * Math.Log(probability) + (1 - x[p]) * Math.Log(1 - probability);
            }
            double expected = logLikelihood + logPrior - logPosterior;
            Assert.True(Math.Abs(expected - logWeights.Span[s]) < 2e-3 + 1e-5 * Math.Abs(expected),
                $"sample {s}: log w {logWeights.Span[s]}, by hand {expected}");
        }
    }

    [Fact]
    public void Evaluate_OneChunk_IsMinusMeanLogMeanExpOfLogWeights()
    {
        var model = VariationalAutoencoder.Create(TestData.SmallMlp(), new Rng(3));
        var data = TestData.Fashion(3);
        var result = ImportanceWeightedBound.Evaluate(model, data, samples: 5, seed: 21);
        Tensor logWeights;
        using (GradMode.NoGrad()) logWeights = ImportanceWeightedBound.LogWeights(model, data, [0, 1, 2], 5, new Rng(21));
        var w = logWeights.ToArray().Select(v => (double)v).ToArray();
        double expected = -Enumerable.Range(0, 3).Average(b => ImportanceWeightedBound.LogMeanExp(w.AsSpan(b * 5, 5)));
        Assert.Equal(expected, result.NegativeLogLikelihoodBound, 9);
        Assert.Equal(5, result.Samples);
        Assert.Equal(3, result.Images);
    }

    [Fact]
    public void Evaluate_OneSample_IsElboWithSameNoisePlusSampledKl()
    {
        // k = 1 draws ε exactly as Evaluator.Elbo does (one batch), so the reconstruction parts cancel
        // and the rest is the single-sample KL estimate Σ_d ½(z² − ε² − log σ²).
        var model = VariationalAutoencoder.Create(TestData.SmallMlp(), new Rng(6));
        var data = TestData.Fashion(30);
        var bound = ImportanceWeightedBound.Evaluate(model, data, samples: 1, seed: 8);
        var elbo = Evaluator.Elbo(model, data, seed: 8);

        var (images, _) = data.Batch(Enumerable.Range(0, 30).ToArray());
        var output = model.Forward(images, new Rng(8));
        var noise = Tensor.Randn(new Rng(8), 30, 4).Span;
        double sampledKl = 0;
        for (int i = 0; i < 30 * 4; i++)
            sampledKl += 0.5 * ((double)output.Z.Span[i] * output.Z.Span[i] - (double)noise[i] * noise[i] - ((DiagonalGaussian)output.Posterior).LogVariance.Span[i]) / 30;
        Assert.Equal(elbo.Reconstruction + sampledKl, bound.NegativeLogLikelihoodBound, 2);
    }

    [Fact]
    public void Evaluate_OneSampleOverSeeds_AveragesToNegativeElbo()
    {
        var model = TwoDimensionalModel();
        var data = TestData.Synthetic(5, 200, 2, 3);
        double bound = 0, negativeElbo = 0;
        const int seeds = 10;
        for (ulong seed = 0; seed < seeds; seed++)
        {
            bound += ImportanceWeightedBound.Evaluate(model, data, samples: 1, seed: seed + 100).NegativeLogLikelihoodBound / seeds;
            negativeElbo += Evaluator.Elbo(model, data, seed: seed + 500).NegativeElbo / seeds;
        }
        Assert.True(Math.Abs(bound - negativeElbo) < 0.05, $"−L_1 {bound} vs −ELBO {negativeElbo}");
    }

    [Fact]
    public void Evaluate_GrowingK_DecreasesTowardExactNegativeLogLikelihood()
    {
        var model = TwoDimensionalModel();
        var data = BinaryImages();
        double exact = MeanExactNegativeLogLikelihood(model, data);
        double Bound(int k, int seeds) =>
            Enumerable.Range(0, seeds).Average(s => ImportanceWeightedBound.Evaluate(model, data, k, seed: (ulong)(1000 * k + s)).NegativeLogLikelihoodBound);
        // One estimate's standard deviation here is about 0.33 nats at k = 1, 0.14 at k = 10, 0.05 at
        // k = 100 and 0.007 at k = 5000: enough seeds that the averages' noise is well below the gaps.
        double k1 = Bound(1, 400), k10 = Bound(10, 400), k100 = Bound(100, 400), k5000 = Bound(5000, 4);

        string values = $"−L_1 {k1:F4}, −L_10 {k10:F4}, −L_100 {k100:F4}, −L_5000 {k5000:F4}, −log p(x) {exact:F4}";
        Assert.True(k1 - exact > 0.1, "the test needs a visible gap at k = 1: " + values);
        Assert.True(k1 > k10 + 0.05 && k10 > k100 && k100 > exact - 0.005, values);
        Assert.True(Math.Abs(k5000 - exact) < 0.015, values);
    }

    [Fact]
    public void Evaluate_ManySamplesSmallMaxRows_CompletesFiniteAndNearExact()
    {
        var model = TwoDimensionalModel();
        var data = BinaryImages().Subset([0, 1]);
        var result = ImportanceWeightedBound.Evaluate(model, data, samples: 5000, seed: 2, maxRows: 64);
        Assert.True(double.IsFinite(result.NegativeLogLikelihoodBound));
        Assert.Equal(5000, result.Samples);
        Assert.True(Math.Abs(result.NegativeLogLikelihoodBound - MeanExactNegativeLogLikelihood(model, data)) < 0.02);
    }

    [Theory]
    [InlineData(1)]    // one sample per chunk
    [InlineData(5)]    // chunks that end inside an image
    [InlineData(14)]   // chunks spanning three images
    public void Evaluate_AnyChunkSize_DrawsTheSameSamplesAndGivesTheSameBound(int maxRows)
    {
        // The noise is drawn in image-major order chunk by chunk, so every chunk size sees the same ε;
        // only the batch shapes of the encoder and decoder products change (float rounding).
        var model = VariationalAutoencoder.Create(TestData.SmallMlp(), new Rng(4));
        var data = TestData.Fashion(6);
        var reference = ImportanceWeightedBound.Evaluate(model, data, samples: 6, seed: 9, maxRows: 4096);
        var chunked = ImportanceWeightedBound.Evaluate(model, data, samples: 6, seed: 9, maxRows: maxRows);
        Assert.Equal(reference.NegativeLogLikelihoodBound, chunked.NegativeLogLikelihoodBound, 3);
        Assert.NotEqual(reference.NegativeLogLikelihoodBound, ImportanceWeightedBound.Evaluate(model, data, samples: 6, seed: 10, maxRows: maxRows).NegativeLogLikelihoodBound);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LogWeights_PartsOfAChunkOnTheWorkerThreads_GiveTheBitsOfOneThread(bool convolutional)
    {
        // 1,000 samples of 3 images: parts of RowsPerPart rows, the last one short, decoded on the worker
        // threads, against the same parts run one after another on one thread.
        Assert.True(1000 > 2 * ImportanceWeightedBound.RowsPerPart);
        var config = convolutional ? new VaeConfig { Architecture = Architecture.Conv, ConvChannels = [4, 8], LatentSize = 4 } : TestData.SmallMlp();
        var model = VariationalAutoencoder.Create(config, new Rng(5));
        var data = TestData.Fashion(3);
        float[] LogWeights()
        {
            using var noGrad = GradMode.NoGrad();
            return ImportanceWeightedBound.LogWeights(model, data, [0, 1, 2], 0, 1000, 400, new Rng(12)).ToArray();
        }

        var parallel = LogWeights();
        int threads = Gemm.MaxThreads;
        Gemm.MaxThreads = 1;
        try
        {
            Assert.Equal(LogWeights(), parallel);
        }
        finally
        {
            Gemm.MaxThreads = threads;
        }
        Assert.All(parallel, w => Assert.True(float.IsFinite(w)));
    }

    [Fact]
    public void Evaluate_InvalidArguments_Throw()
    {
        var model = TwoDimensionalModel();
        Assert.Throws<ArgumentOutOfRangeException>(() => ImportanceWeightedBound.Evaluate(model, BinaryImages(), samples: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImportanceWeightedBound.Evaluate(model, BinaryImages(), samples: 3, maxRows: 0));
        Assert.Throws<ArgumentException>(() => ImportanceWeightedBound.Evaluate(model, TestData.Synthetic(1, 0, 2, 3), samples: 3));
    }

    [Fact]
    public void LogMeanExp_ModerateValues_MatchesNaiveDouble()
    {
        double[] values = [0.1, -2.3, 3.7, 1.25, -0.5];
        double naive = Math.Log(values.Average(Math.Exp));
        Assert.Equal(naive, ImportanceWeightedBound.LogMeanExp(values), 12);
    }

    [Fact]
    public void LogMeanExp_ExtremeValues_StableWhereNaiveFails()
    {
        double[] large = [1000, 1000, 1000 - Math.Log(2)];
        Assert.True(double.IsInfinity(Math.Log(large.Average(Math.Exp))));
        Assert.Equal(1000 + Math.Log(2.5 / 3), ImportanceWeightedBound.LogMeanExp(large), 10);

        double[] small = [-1000, -1001];
        Assert.True(double.IsNegativeInfinity(Math.Log(small.Average(Math.Exp))));
        Assert.Equal(-1000 + Math.Log((1 + Math.Exp(-1)) / 2), ImportanceWeightedBound.LogMeanExp(small), 10);

        Assert.Equal(-7.5, ImportanceWeightedBound.LogMeanExp([-7.5]));
        Assert.Equal(double.NegativeInfinity, ImportanceWeightedBound.LogMeanExp([double.NegativeInfinity, double.NegativeInfinity]));
        Assert.Equal(Math.Log(0.5), ImportanceWeightedBound.LogMeanExp([0, double.NegativeInfinity]), 12);
    }
}
