using Workbench.Data.Text;
using Workbench.Models.Sequences;
using Workbench.Tensors;

namespace Workbench.Evaluation.Sequences;

/// <summary>
/// The sentences a researcher reads from a sentence VAE (Bowman et al. 2016): samples from the prior, reconstructions of
/// given sentences (greedy and sampled), and homotopies between two sentences, as text. The model runs in evaluation mode.
/// </summary>
public static class SequenceGeneration
{
    /// <summary><paramref name="count"/> sentences decoded from codes z ~ N(0, I) drawn from <paramref name="rng"/>: greedily, or sampled word by word when <paramref name="sampleWords"/>.</summary>
    public static string[] FromPrior(SequenceVae model, Vocabulary vocabulary, int count, Rng rng, bool sampleWords = false, int maxLength = 20)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "At least one sentence.");
        var z = Tensor.Randn(rng, count, model.LatentSize);
        return Text(vocabulary, InEvaluation(model, () => sampleWords ? model.Sample(z, rng, maxLength) : model.Greedy(z, maxLength)));
    }

    /// <summary>
    /// Sentences <paramref name="indices"/> of <paramref name="data"/> encoded to their posterior means μ and decoded greedily, or,
    /// with <paramref name="rng"/> given, decoded by sampling each word from the softmax.
    /// </summary>
    public static string[] Reconstructions(SequenceVae model, SequenceDataset data, int[] indices, Rng? rng = null, int maxLength = 20)
    {
        var ids = InEvaluation(model, () =>
        {
            using var _ = GradMode.NoGrad();
            var mean = model.Encode(SequenceBatches.Of(data, indices)).Mean;
            return rng is null ? model.Greedy(mean, maxLength) : model.Sample(mean, rng, maxLength);
        });
        return Text(data.Vocabulary, ids);
    }

    /// <summary>The homotopy between sentences <paramref name="from"/> and <paramref name="to"/> of <paramref name="data"/>: <paramref name="points"/> codes on the line between their posterior means, decoded greedily.</summary>
    public static string[] Homotopy(SequenceVae model, SequenceDataset data, int from, int to, int points = 5, int maxLength = 20)
    {
        var ids = InEvaluation(model, () =>
        {
            using var _ = GradMode.NoGrad();
            var mean = model.Encode(SequenceBatches.Of(data, [from, to])).Mean; // (2, L)
            return model.HomotopyGreedy(mean.Select(0, 0), mean.Select(0, 1), points, maxLength);
        });
        return Text(data.Vocabulary, ids);
    }

    private static string[] Text(Vocabulary vocabulary, int[][] sentences) => sentences.Select(s => SequenceDataset.Decode(vocabulary, s)).ToArray();

    private static T InEvaluation<T>(SequenceVae model, Func<T> run)
    {
        bool wasTraining = model.Training;
        model.Eval();
        try { return run(); }
        finally { model.Train(wasTraining); }
    }
}
