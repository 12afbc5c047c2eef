using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Evaluation;

/// <summary>Per-image anomaly scores against the dataset-level evaluations they refine and against a direct computation.</summary>
public class AnomalyScoresTests
{
    [Fact]
    public void Compute_MeansEqualTheElboAndImportanceWeightedEvaluationsWithTheSameSeed()
    {
        var model = VariationalAutoencoder.Create(TestData.SmallMlp(hidden: 16, latent: 4), new Rng(3));
        var data = TestData.Fashion(30);
        var scores = AnomalyScores.Compute(model, data, importanceSamples: 7, seed: 5, batchSize: 8);
        var elbo = Evaluator.Elbo(model, data, batchSize: 8, seed: 5);
        Assert.Equal(elbo.NegativeElbo, scores.NegativeElbo.Average(), 3);
        var iw = ImportanceWeightedBound.Evaluate(model, data, 7, seed: 5);
        Assert.Equal(iw.NegativeLogLikelihoodBound, scores.ImportanceWeighted!.Average(), 9);
        // −L_k ≤ −ELBO on average (Burda et al. 2016, theorem 1), here by a visible margin for an untrained model.
        Assert.True(scores.ImportanceWeighted!.Average() < scores.NegativeElbo.Average());
        Assert.Equal(data.Labels.ToArray(), scores.Labels);
    }

    [Fact]
    public void Compute_ReconstructionErrorIsTheSquaredDistanceToTheReconstruction()
    {
        var model = VariationalAutoencoder.Create(TestData.SmallMlp(hidden: 16, latent: 4), new Rng(4));
        var data = TestData.Fashion(6);
        var scores = AnomalyScores.Compute(model, data, importanceSamples: 0);
        Assert.Null(scores.ImportanceWeighted);
        Assert.Equal(2, scores.All().Count());
        var (images, _) = data.Batch(Enumerable.Range(0, 6).ToArray());
        Tensor reconstruction;
        using (GradMode.NoGrad()) reconstruction = model.Reconstruct(images);
        for (int n = 0; n < 6; n++)
        {
            double sum = 0;
            for (int i = 0; i < 784; i++) sum += Math.Pow(images.Span[n * 784 + i] - reconstruction.Span[n * 784 + i], 2);
            Assert.Equal(sum, scores.ReconstructionError[n], 3);
        }
    }
}
