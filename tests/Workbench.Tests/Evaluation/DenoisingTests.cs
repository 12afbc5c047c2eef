using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Evaluation;

/// <summary>PSNR against its closed form, the corruptions' statistics and seeding, and the denoising evaluation against PSNR computed directly.</summary>
public class DenoisingTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.25)]
    [InlineData(0.01)]
    public void Psnr_ConstantOffset_IsMinusTwentyLogOfOffset(double offset)
    {
        var clean = TestData.Pixels(1, 3, 20).ToArray().Select(v => v * 0.5f).ToArray();
        var shifted = clean.Select(v => v + (float)offset).ToArray();
        var psnr = Psnr.PerImage(clean, shifted, 20);
        Assert.Equal(3, psnr.Length);
        foreach (var value in psnr) Assert.Equal(-20 * Math.Log10(offset), value, 3);
    }

    [Fact]
    public void Psnr_HalfThePixelsOffByOne_IsTenLogTwo()
    {
        // MSE = ½ → PSNR = 10 log₁₀ 2 ≈ 3.01 dB.
        Assert.Equal(10 * Math.Log10(2), Psnr.Mean([0, 0, 0, 0], [1, 0, 1, 0], 4), 10);
        Assert.Throws<ArgumentException>(() => Psnr.PerImage([0, 0, 0], [0, 0], 1));
    }

    [Fact]
    public void GaussianNoise_ResidualStandardDeviationIsSigmaAwayFromTheBounds()
    {
        var clean = Tensor.Full(0.5f, 200, 100);
        var noisy = new GaussianNoise(0.05f).Apply(clean, 10, 10, seed: 3).ToArray();
        double mean = noisy.Average(v => v - 0.5), sd = Math.Sqrt(noisy.Average(v => (v - 0.5) * (v - 0.5)));
        Assert.Equal(0, mean, 3);
        Assert.Equal(0.05, sd, 3);
        Assert.Equal(0.5f, clean.Span[0]); // the input is untouched
        Assert.All(new GaussianNoise(2f).Apply(clean, 10, 10, seed: 3).ToArray(), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void SaltAndPepper_ChangesTheFractionHalfToEachExtreme()
    {
        var clean = Tensor.Full(0.5f, 100, 400);
        var corrupted = new SaltAndPepper(0.2f).Apply(clean, 20, 20, seed: 5).ToArray();
        double salt = corrupted.Count(v => v == 1f) / (double)corrupted.Length, pepper = corrupted.Count(v => v == 0f) / (double)corrupted.Length;
        Assert.Equal(0.1, salt, 2);
        Assert.Equal(0.1, pepper, 2);
        Assert.Equal(corrupted.Length, corrupted.Count(v => v is 0f or 1f or 0.5f));
    }

    [Fact]
    public void MaskedSquare_ZeroesExactlyOneSquarePerImage()
    {
        var clean = Tensor.Full(1f, 30, 28 * 28);
        var masked = new MaskedSquare(12).Apply(clean, 28, 28, seed: 7).ToArray();
        for (int n = 0; n < 30; n++)
        {
            var image = masked.AsSpan(n * 784, 784).ToArray();
            var zeros = Enumerable.Range(0, 784).Where(i => image[i] == 0f).ToArray();
            Assert.Equal(144, zeros.Length);
            int top = zeros.Min() / 28, left = zeros.Min(i => i % 28);
            Assert.All(zeros, i => { Assert.InRange(i / 28, top, top + 11); Assert.InRange(i % 28, left, left + 11); });
        }
    }

    [Fact]
    public void Corruptions_SameSeed_SamePixelsAndOtherSeed_Different()
    {
        var clean = TestData.Pixels(2, 4, 64);
        foreach (var corruption in Corruption.Standard)
        {
            var c = corruption is MaskedSquare ? new MaskedSquare(3) : corruption;
            Assert.Equal(c.Apply(clean, 8, 8, 1).ToArray(), c.Apply(clean, 8, 8, 1).ToArray());
            Assert.NotEqual(c.Apply(clean, 8, 8, 1).ToArray(), c.Apply(clean, 8, 8, 2).ToArray());
        }
    }

    [Fact]
    public void Evaluate_MatchesPsnrOfTheModelsReconstructionOfTheCorruptedImages()
    {
        var model = VariationalAutoencoder.Create(TestData.SmallMlp(hidden: 16, latent: 4), new Rng(3));
        var data = TestData.Fashion(20);
        var noise = new GaussianNoise(0.2f);
        var result = Assert.Single(Denoising.Evaluate(model, data, [noise], count: 12, seed: 4));
        var (clean, _) = data.Batch(Enumerable.Range(0, 12).ToArray());
        var corrupted = noise.Apply(clean, 28, 28, 4);
        Tensor output;
        using (GradMode.NoGrad()) output = model.Reconstruct(corrupted);
        Assert.Equal(12, result.Images);
        Assert.Equal(Psnr.Mean(clean.Span, corrupted.Span, 784), result.InputPsnr, 9);
        Assert.Equal(Psnr.Mean(clean.Span, output.Span, 784), result.OutputPsnr, 9);
        Assert.InRange(result.InputPsnr, 10, 25); // σ = 0.2 clipped: MSE a little under 0.04 → about 14–16 dB
    }
}
