using Workbench.Models;
using Workbench.Models.Posteriors;
using Workbench.Models.Kl;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models;

/// <summary>KL penalties (weighted, free bits, capacity annealing) against their formulas and finite differences.</summary>
public class KlPenaltyTests
{
    private static readonly float[] KlValues = [0.05f, 0.8f, 0.2f, 1.5f];

    private static (Tensor PerDimension, Tensor Term) Kl(params float[] perDimension)
    {
        var t = Tensor.FromArray(perDimension);
        return (t, Tensor.Scalar(perDimension.Sum()));
    }

    [Fact]
    public void WeightedKl_WithProgress_IsScheduleWeightTimesKl()
    {
        var (perDimension, term) = Kl(KlValues);
        var penalty = new WeightedKl(new LinearWarmup(Beta: 4f, WarmupFraction: 0.5));
        var (value, weight, target) = penalty.Apply(perDimension, term, new TrainingProgress(25, 100));
        Assert.Equal(2f, weight, 5);
        Assert.Null(target);
        Assert.Equal(2.0 * KlValues.Sum(), value.Item(), 4);
        // Outside training the final weight applies.
        var (final, finalWeight, _) = penalty.Apply(perDimension, term, null);
        Assert.Equal(4f, finalWeight);
        Assert.Equal(4.0 * KlValues.Sum(), final.Item(), 4);
    }

    [Fact]
    public void FreeBits_Penalty_IsWeightTimesSumOfMaxLambdaAndKl()
    {
        var (perDimension, term) = Kl(KlValues);
        var penalty = new FreeBits(Lambda: 0.5f, Schedule: new ConstantKlWeight(3f));
        var (value, weight, target) = penalty.Apply(perDimension, term, new TrainingProgress(0, 10));
        double expected = 3.0 * KlValues.Sum(v => Math.Max(0.5, v));
        Assert.Equal(expected, value.Item(), 4);
        Assert.Equal(3f, weight);
        Assert.Null(target);
    }

    [Fact]
    public void FreeBits_GradientOfPenalty_IsWeightAboveLambdaAndZeroBelow()
    {
        var perDimension = Tensor.FromArray(KlValues);
        perDimension.RequiresGrad = true;
        var penalty = new FreeBits(0.5f, new ConstantKlWeight(2f));
        penalty.Apply(perDimension, perDimension.Sum(), null).Item1.Backward();
        Assert.Equal(new[] { 0f, 2f, 0f, 2f }, perDimension.Grad!.ToArray());
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(10, 5.0)]
    [InlineData(20, 10.0)]
    [InlineData(40, 20.0)]
    [InlineData(90, 20.0)]
    public void CapacityAnnealing_Capacity_RampsLinearlyToMaximumOverRampFraction(long step, double expected)
    {
        var penalty = new CapacityAnnealing(Gamma: 100f, MaxCapacity: 20f, RampFraction: 0.4);
        Assert.Equal(expected, penalty.Capacity(new TrainingProgress(step, 100)), 4);
        Assert.Equal(20f, penalty.Capacity(null));
    }

    [Theory]
    [InlineData(0.3f)]   // KL above the target
    [InlineData(25f)]    // KL below the target
    public void CapacityAnnealing_Penalty_IsGammaTimesAbsoluteDistanceToCapacity(float maxCapacity)
    {
        var (perDimension, term) = Kl(KlValues);
        var penalty = new CapacityAnnealing(Gamma: 50f, MaxCapacity: maxCapacity, RampFraction: 0.5);
        var progress = new TrainingProgress(30, 100);
        var (value, weight, target) = penalty.Apply(perDimension, term, progress);
        double capacity = maxCapacity * Math.Min(1, 0.3 / 0.5);
        Assert.Equal(capacity, target!.Value, 4);
        Assert.Equal(50f, weight);
        Assert.Equal(50 * Math.Abs(KlValues.Sum() - capacity), value.Item(), 3);
    }

    [Fact]
    public void CapacityAnnealing_ThroughModel_LossIsReconstructionPlusGammaTimesDistance()
    {
        var config = TestData.Tiny() with { KlPenalty = new CapacityAnnealing(Gamma: 10f, MaxCapacity: 3f) };
        var model = VariationalAutoencoder.Create(config, new Rng(2));
        var output = model.Forward(TestData.Pixels(3, 4, 6), new Rng(4), progress: new TrainingProgress(1, 4));
        Assert.Equal(0.75f, output.KlTarget!.Value, 5);
        Assert.Equal(10f, output.KlWeight);
        double expected = output.ReconstructionTerm.Item() + 10 * Math.Abs(output.KlTerm.Item() - 0.75);
        Assert.Equal(expected, output.Loss.Item(), 4);
    }

    /// <summary>A tiny model with its first two latent dimensions' KL pushed far above λ and the last far below.</summary>
    private static VariationalAutoencoder FreeBitsModel(Objective objective, float lambda)
    {
        var config = TestData.Tiny(objective) with { KlPenalty = new FreeBits(lambda, new ConstantKlWeight(1.5f)) };
        var model = VariationalAutoencoder.Create(config, new Rng(17));
        var meanBias = model.Parameter("encoder.fc_mu.bias").Span;
        meanBias[0] = 2f;
        meanBias[1] = -2f;
        meanBias[2] = 0f;
        model.Parameter("encoder.fc_mu.weight").Span.Slice(2 * 4, 4).Fill(0.01f);      // μ_2 ≈ 0
        model.Parameter("encoder.fc_logvar.weight").Span.Slice(2 * 4, 4).Fill(0.01f);  // σ_2² ≈ 1
        model.Parameter("encoder.fc_logvar.bias").Span[2] = 0f;
        return model;
    }

    [Fact]
    public void FreeBits_KlOnlyThroughModel_GradientVanishesForDimensionsUnderLambda()
    {
        var model = FreeBitsModel(Objective.KlOnly, lambda: 0.5f);
        var output = model.Forward(TestData.Pixels(5, 6, 6), new Rng(6));
        var kl = output.KlPerDimension!.ToArray();
        Assert.True(kl[0] > 0.5f && kl[1] > 0.5f && kl[2] < 0.5f, $"KL per dimension {string.Join(", ", kl)}");
        Assert.Equal(output.ReconstructionTerm.Item() + 1.5 * kl.Sum(v => Math.Max(0.5, v)), output.Loss.Item(), 3);
        output.Loss.Backward();

        var meanWeightGrad = model.Parameter("encoder.fc_mu.weight").Grad!.ToArray();     // (latent 3, hidden 4)
        var logVarBiasGrad = model.Parameter("encoder.fc_logvar.bias").Grad!.ToArray();   // (3)
        Assert.All(meanWeightGrad[8..12], g => Assert.Equal(0f, g));
        Assert.Equal(0f, logVarBiasGrad[2]);
        Assert.Contains(meanWeightGrad[..8], g => g != 0f);
        Assert.NotEqual(0f, logVarBiasGrad[0]);
    }

    [Fact]
    public void FreeBits_FullElboThroughModel_GradientsMatchFiniteDifferences()
    {
        var model = FreeBitsModel(Objective.Elbo, lambda: 0.5f);
        var images = TestData.Pixels(7, 5, 6);
        var noise = GradCheck.Random(8, 5, 3);
        var parameters = model.Parameters().ToArray();
        GradCheck.AssertGradients(_ => model.Forward(images, noise).Loss, parameters, step: 1e-2f,
            relativeTolerance: 2e-2, absoluteTolerance: 2e-3);
    }

    [Fact]
    public void Elbo_FullModel_GradientsMatchFiniteDifferences()
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny(), new Rng(19));
        var images = TestData.Pixels(20, 4, 6);
        var noise = GradCheck.Random(21, 4, 3);
        GradCheck.AssertGradients(_ => model.Forward(images, noise).Loss, model.Parameters().ToArray());
    }
}
