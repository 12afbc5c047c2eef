using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Models.Posteriors;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Evaluation;

/// <summary>Evaluator.Elbo against a direct loop of forward passes.</summary>
public class EvaluatorTests
{
    [Fact]
    public void Elbo_SameSeed_IsDeterministicAndOtherSeedDiffers()
    {
        var model = VariationalAutoencoder.Create(TestData.SmallMlp(), new Rng(1));
        var data = TestData.Fashion(40);
        var first = Evaluator.Elbo(model, data, batchSize: 16, seed: 3);
        var second = Evaluator.Elbo(model, data, batchSize: 16, seed: 3);
        var other = Evaluator.Elbo(model, data, batchSize: 16, seed: 4);
        Assert.Equal(first with { KlPerDimension = Array.Empty<float>() }, second with { KlPerDimension = Array.Empty<float>() });
        Assert.Equal(first.KlPerDimension, second.KlPerDimension);
        Assert.NotEqual(first.Reconstruction, other.Reconstruction);
        Assert.Equal(first.Kl, other.Kl, 5); // the KL is in closed form: no noise
    }

    [Fact]
    public void Elbo_UnevenBatches_EqualsImageWeightedMeanOfPerBatchForwardPasses()
    {
        var config = new BetaVaeConfig { HiddenSizes = [16], LatentSize = 4, Beta = 2f };
        var model = VariationalAutoencoder.Create(config, new Rng(2));
        var data = TestData.Fashion(50);
        var result = Evaluator.Elbo(model, data, batchSize: 16, seed: 7);

        var rng = new Rng(7);
        double loss = 0, reconstruction = 0, kl = 0;
        var perDimension = new double[4];
        foreach (var (start, count) in new[] { (0, 16), (16, 16), (32, 16), (48, 2) })
        {
            var (images, _) = data.Batch(Enumerable.Range(start, count).ToArray());
            var output = model.Forward(images, rng);
            loss += output.Loss.Item() * count;
            reconstruction += output.ReconstructionTerm.Item() * count;
            kl += output.KlTerm.Item() * count;
            for (int d = 0; d < 4; d++) perDimension[d] += output.KlPerDimension!.Span[d] * count;
        }
        Assert.Equal(50, result.Images);
        Assert.Equal(loss / 50, result.Loss, 9);
        Assert.Equal(reconstruction / 50, result.Reconstruction, 9);
        Assert.Equal(kl / 50, result.Kl, 9);
        Assert.Equal(result.Reconstruction + result.Kl, result.NegativeElbo);
        Assert.Equal(result.Reconstruction + 2 * result.Kl, result.Loss, 3);   // the β-VAE objective
        Close.Assert(perDimension.Select(v => (float)(v / 50)).ToArray(), result.KlPerDimension, 1e-6, 1e-7, "KL per dimension");
    }

    [Fact]
    public void Elbo_TrainingModel_RestoresTrainingModeAndLeavesNoGradients()
    {
        var model = VariationalAutoencoder.Create(TestData.SmallMlp(), new Rng(1));
        Evaluator.Elbo(model, TestData.Fashion(10));
        Assert.True(model.Training);
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
        model.Eval();
        Evaluator.Elbo(model, TestData.Fashion(10));
        Assert.False(model.Training);
    }

    [Fact]
    public void Elbo_ConditionalModel_FeedsOneHotLabels()
    {
        var config = new ConditionalVaeConfig { HiddenSizes = [8], LatentSize = 2 };
        var model = VariationalAutoencoder.Create(config, new Rng(1));
        var data = TestData.Fashion(12);
        var result = Evaluator.Elbo(model, data, seed: 5);
        var (images, labels) = data.Batch(Enumerable.Range(0, 12).ToArray());
        var direct = model.Forward(images, new Rng(5), Workbench.Data.ImageDataset.OneHot(labels, 10));
        Assert.Equal(direct.ReconstructionTerm.Item(), result.Reconstruction, 4);
    }

    [Fact]
    public void Elbo_ZeroBatchSize_ThrowsInsteadOfLooping()
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny(), new Rng(1));
        var data = TestData.Synthetic(1, 4, 2, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluator.Elbo(model, data, batchSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ActiveUnits.Evaluate(model, data, batchSize: 0));
    }

    [Fact]
    public void Elbo_WrongPixelCount_ThrowsNamingTheShape()
    {
        var model = VariationalAutoencoder.Create(TestData.SmallMlp(), new Rng(1));
        var error = Assert.Throws<ArgumentException>(() => Evaluator.Elbo(model, TestData.Synthetic(1, 4, 2, 3)));
        Assert.Contains("(B, 784)", error.Message);
    }

    [Fact]
    public void Elbo_EmptyDataset_Throws()
    {
        var model = VariationalAutoencoder.Create(TestData.Tiny(), new Rng(1));
        var empty = TestData.Synthetic(1, 0, 2, 3);
        Assert.Throws<ArgumentException>(() => Evaluator.Elbo(model, empty));
    }
}
