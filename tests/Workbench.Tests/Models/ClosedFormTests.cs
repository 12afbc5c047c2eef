using Workbench.Models;
using Workbench.Models.Posteriors;
using Workbench.Models.Likelihoods;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models;

/// <summary>The VAE's terms against their closed forms, evaluated in double.</summary>
public class ClosedFormTests
{
    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    [Fact]
    public void Forward_KlTerm_EqualsHalfSumOfMeanSquaredPlusVarianceMinusOneMinusLogVariance()
    {
        var model = VariationalAutoencoder.Create(TestData.SmallMlp(hidden: 8, latent: 5), new Rng(3));
        // Scale the log-variance head so σ² is far from 1 and the log σ² terms matter.
        model.Parameter("encoder.fc_logvar.weight").Span.Clear();
        var bias = model.Parameter("encoder.fc_logvar.bias").Span;
        for (int d = 0; d < bias.Length; d++) bias[d] = -2f + d;
        var images = TestData.Pixels(4, 6, 784);
        var output = model.Forward(images, new Rng(5));

        int batch = 6, latent = 5;
        var mean = output.Mean.Span;
        var logVariance = ((DiagonalGaussian)output.Posterior).LogVariance.Span;
        var perImage = new double[batch];
        var perDimension = new double[latent];
        for (int b = 0; b < batch; b++)
            for (int d = 0; d < latent; d++)
            {
                double mu = mean[b * latent + d], lv = logVariance[b * latent + d];
                double kl = 0.5 * (mu * mu + Math.Exp(lv) - 1 - lv);
                perImage[b] += kl;
                perDimension[d] += kl / batch;
            }
        Close.Assert(perImage.Select(v => (float)v).ToArray(), output.KlPerImage.Span, 1e-5, 1e-6, "KL per image");
        Close.Assert(perDimension.Select(v => (float)v).ToArray(), output.KlPerDimension!.Span, 1e-5, 1e-6, "KL per dimension");
        Close.Assert([(float)perImage.Average()], [output.KlTerm.Item()], 1e-5, 1e-6, "KL term");
    }

    [Fact]
    public void KlTerm_StandardNormalPosterior_IsZero()
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny(), new Rng(1));
        foreach (var name in new[] { "encoder.fc_mu.weight", "encoder.fc_mu.bias", "encoder.fc_logvar.weight", "encoder.fc_logvar.bias" })
            model.Parameter(name).Span.Clear();
        var output = model.Forward(TestData.Pixels(2, 3, 6), new Rng(2));
        Assert.Equal(0f, output.KlTerm.Item());
        Assert.Equal(new float[9], output.Mean.ToArray());
    }

    [Fact]
    public void BernoulliNegativeLogLikelihood_RandomLogits_EqualsBinaryCrossEntropySummedOverPixels()
    {
        var logits = GradCheck.Random(11, 4, 7);
        for (int i = 0; i < logits.Size; i++) logits.Span[i] *= 6f; // saturating logits too
        var x = TestData.Pixels(12, 4, 7);
        x.Span[0] = 0f;
        x.Span[1] = 1f;
        var nll = new BernoulliLikelihood().NegativeLogLikelihood(logits, x);

        var expected = new float[4];
        for (int b = 0; b < 4; b++)
        {
            double sum = 0;
            for (int j = 0; j < 7; j++)
            {
                double p = Sigmoid(logits.Span[b * 7 + j]), t = x.Span[b * 7 + j];
                sum -= t * Math.Log(p) + (1 - t) * Math.Log(1 - p);
            }
            expected[b] = (float)sum;
        }
        Assert.Equal(new[] { 4 }, nll.Shape);
        Close.Assert(expected, nll.Span, 1e-5, 1e-5, "Bernoulli −log p");
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(1f)]
    [InlineData(2.5f)]
    public void GaussianFixedVarianceNegativeLogLikelihood_EqualsFormulaWithConstants(float sigma)
    {
        var decoderOutput = GradCheck.Random(21, 3, 5);
        var x = TestData.Pixels(22, 3, 5);
        var likelihood = (GaussianLikelihood)Likelihood.Create(LikelihoodKind.GaussianFixedVariance, 5, sigma);
        Assert.False(likelihood.LearnsVariance);
        Assert.Empty(likelihood.NamedParameters());
        var nll = likelihood.NegativeLogLikelihood(decoderOutput, x);

        var expected = new float[3];
        for (int b = 0; b < 3; b++)
        {
            double sum = 0;
            for (int j = 0; j < 5; j++)
            {
                double mu = Sigmoid(decoderOutput.Span[b * 5 + j]), diff = x.Span[b * 5 + j] - mu;
                sum += 0.5 * Math.Log(2 * Math.PI) + Math.Log(sigma) + diff * diff / (2.0 * sigma * sigma);
            }
            expected[b] = (float)sum;
        }
        Close.Assert(expected, nll.Span, 1e-5, 1e-4, $"Gaussian −log p (σ = {sigma})");
    }

    [Fact]
    public void GaussianLearnedVarianceNegativeLogLikelihood_PerPixelVariance_EqualsFormula()
    {
        var likelihood = (GaussianLikelihood)Likelihood.Create(LikelihoodKind.GaussianLearnedVariance, 4, 0.5f);
        Assert.True(likelihood.LearnsVariance);
        Assert.Equal("log_variance", Assert.Single(likelihood.NamedParameters()).Name);
        Close.Assert(Enumerable.Repeat((float)(2 * Math.Log(0.5)), 4).ToArray(), likelihood.LogVariance.Span, 1e-6, 1e-6, "initial log σ²");
        float[] logVariance = [-3f, -0.5f, 0f, 1.5f];
        logVariance.CopyTo(likelihood.LogVariance.Span);
        var decoderOutput = GradCheck.Random(31, 2, 4);
        var x = TestData.Pixels(32, 2, 4);
        var nll = likelihood.NegativeLogLikelihood(decoderOutput, x);

        var expected = new float[2];
        for (int b = 0; b < 2; b++)
        {
            double sum = 0;
            for (int j = 0; j < 4; j++)
            {
                double diff = x.Span[b * 4 + j] - Sigmoid(decoderOutput.Span[b * 4 + j]);
                sum += 0.5 * (Math.Log(2 * Math.PI) + logVariance[j] + diff * diff / Math.Exp(logVariance[j]));
            }
            expected[b] = (float)sum;
        }
        Close.Assert(expected, nll.Span, 1e-5, 1e-4, "Gaussian −log p with learned σ²");
    }

    [Fact]
    public void Forward_GaussianLikelihood_ReconstructionTermIsMeanOfPerImageNll()
    {
        var config = TestData.Tiny() with { Likelihood = LikelihoodKind.GaussianFixedVariance, GaussianSigma = 0.3f };
        var model = VariationalAutoencoder.Create(config, new Rng(8));
        var images = TestData.Pixels(9, 5, 6);
        var output = model.Forward(images, new Rng(10));
        var direct = model.Likelihood.NegativeLogLikelihood(output.Reconstruction, images);
        Close.Assert(direct.Span, output.ReconstructionPerImage.Span, 1e-6, 1e-6, "per-image NLL");
        Close.Assert([direct.ToArray().Average()], [output.ReconstructionTerm.Item()], 1e-5, 1e-5, "reconstruction term");
        Close.Assert([output.ReconstructionTerm.Item() + output.KlTerm.Item()], [output.Loss.Item()], 1e-6, 1e-5, "loss");
    }

    [Fact]
    public void Forward_GivenNoise_LatentIsMeanPlusStandardDeviationTimesNoise()
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny(), new Rng(4));
        var noise = GradCheck.Random(5, 4, 3);
        var output = model.Forward(TestData.Pixels(6, 4, 6), noise);
        var expected = new float[12];
        for (int i = 0; i < 12; i++)
            expected[i] = (float)(output.Mean.Span[i] + Math.Exp(0.5 * ((DiagonalGaussian)output.Posterior).LogVariance.Span[i]) * noise.Span[i]);
        Close.Assert(expected, output.Z.Span, 1e-6, 1e-6, "z");
        // The decoder output is the decoder applied to that z.
        Close.Assert(model.Decode(output.Z).Span, output.Reconstruction.Span, 0, 0, "decoder output");
    }

    [Fact]
    public void Forward_SameRngSeed_IsReproducible()
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny(), new Rng(4));
        var images = TestData.Pixels(6, 4, 6);
        var first = model.Forward(images, new Rng(99));
        var second = model.Forward(images, new Rng(99));
        var other = model.Forward(images, new Rng(100));
        Assert.Equal(first.Z.ToArray(), second.Z.ToArray());
        Assert.Equal(first.Loss.Item(), second.Loss.Item());
        Assert.NotEqual(first.Z.ToArray(), other.Z.ToArray());
    }
}
