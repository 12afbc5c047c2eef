using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Models.Posteriors;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Evaluation;

/// <summary>Active units (Burda et al. 2016) against the variance of μ computed directly.</summary>
public class ActiveUnitsTests
{
    private static VariationalAutoencoder ModelWithDeadDimensions(params int[] dead)
    {
        var model = VariationalAutoencoder.Create(TestData.SmallMlp(hidden: 16, latent: 5), new Rng(4));
        var weight = model.Parameter("encoder.fc_mu.weight").Span;   // (latent 5, hidden 16)
        var bias = model.Parameter("encoder.fc_mu.bias").Span;
        foreach (int d in dead)
        {
            weight.Slice(d * 16, 16).Clear();
            bias[d] = 0f;
        }
        return model;
    }

    [Fact]
    public void Evaluate_DimensionsWithZeroMeanHead_HaveZeroActivityOthersPositive()
    {
        var model = ModelWithDeadDimensions(1, 3);
        var result = ActiveUnits.Evaluate(model, TestData.Fashion(60), batchSize: 25);
        Assert.Equal(0f, result.Activity[1]);
        Assert.Equal(0f, result.Activity[3]);
        foreach (int d in new[] { 0, 2, 4 }) Assert.True(result.Activity[d] > 0f, $"dimension {d}: {result.Activity[d]}");
    }

    [Fact]
    public void Evaluate_Activity_EqualsUnbiasedVarianceOfMeanAcrossImages()
    {
        var model = ModelWithDeadDimensions(2);
        var data = TestData.Fashion(60);
        var result = ActiveUnits.Evaluate(model, data, batchSize: 25);

        var (images, _) = data.Batch(Enumerable.Range(0, 60).ToArray());
        var mean = model.Encode(images).Mean.Span;
        var expected = new float[5];
        for (int d = 0; d < 5; d++)
        {
            double average = 0;
            for (int b = 0; b < 60; b++) average += mean[b * 5 + d] / 60.0;
            double variance = 0;
            for (int b = 0; b < 60; b++) variance += Math.Pow(mean[b * 5 + d] - average, 2) / 59.0;
            expected[d] = (float)variance;
        }
        Close.Assert(expected, result.Activity, 1e-4, 1e-9, "activity");
    }

    [Fact]
    public void Count_Threshold_CountsDimensionsStrictlyAbove()
    {
        var result = new ActiveUnitsEvaluation([0f, 0.005f, 0.02f, 0.5f, 0.01f], 0.01);
        Assert.Equal(2, result.Count);
        Assert.Equal(4, (result with { Threshold = 0 }).Count);
        Assert.Equal(0, (result with { Threshold = 1 }).Count);

        var model = ModelWithDeadDimensions(0, 1, 4);
        var evaluated = ActiveUnits.Evaluate(model, TestData.Fashion(30), threshold: 0);
        Assert.Equal(2, evaluated.Count);
        Assert.Equal(0, ActiveUnits.Evaluate(model, TestData.Fashion(30), threshold: 1e6).Count);
    }

    [Fact]
    public void Evaluate_SingleImage_Throws()
    {
        Assert.Throws<ArgumentException>(() => ActiveUnits.Evaluate(ModelWithDeadDimensions(), TestData.Fashion(1)));
    }
}
