using Workbench.Data.Text;
using Workbench.Models.Posteriors;
using Workbench.Models.Sequences;
using Workbench.Tensors;

namespace Workbench.Evaluation.Sequences;

/// <summary>
/// The numbers researchers report for a sentence VAE (Bowman et al. 2016; He et al. 2019): the ELBO and the importance-weighted
/// bound of Burda et al. (2016) in nats per sentence and per word, perplexity, and for the language-model baseline its exact
/// NLL. Every evaluation runs the model in evaluation mode (no word dropout) without gradients and draws its noise from a
/// generator seeded by <c>seed</c>, batch by batch in the dataset's order, so the same seed gives the same bits.
/// </summary>
public static partial class SequenceEvaluation
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>
    /// −ELBO per sentence: −log p(x|z) at one z = μ + σ·ε per sentence plus KL(q(z|x) ‖ N(0, I)) in closed form, with its two
    /// terms. ε is drawn (B, L) per batch from <c>new Rng(seed)</c>.
    /// </summary>
    public static SequenceBoundEvaluation Elbo(SequenceVae model, SequenceDataset data, ulong seed = 0, int batchSize = 256)
    {
        RequireData(data, batchSize);
        var rng = new Rng(seed);
        double reconstruction = 0, kl = 0;
        long words = 0;
        RunEvaluation(model, () =>
        {
            foreach (var batch in SequenceBatches.InOrder(data, batchSize))
            {
                var output = model.Forward(new SequenceVaeBatch(batch, Tensor.Randn(rng, batch.Size, model.LatentSize)));
                reconstruction += Sum(output.ReconstructionPerSentence);
                kl += Sum(output.KlPerSentence);
                words += batch.PredictedWords;
            }
        });
        return new SequenceBoundEvaluation((reconstruction + kl) / data.Count, 1, data.Count, words, reconstruction / data.Count, kl / data.Count);
    }

    /// <summary>
    /// −L_k, the importance-weighted bound of Burda et al. (2016) with k = <paramref name="samples"/>:
    /// L_k = log (1/k) Σᵢ p(x|zᵢ) p(zᵢ) / q(zᵢ|x), zᵢ ~ q(z|x), averaged over sentences. k = 1 is the ELBO with a
    /// Monte-Carlo KL; L_k rises toward log p(x) as k grows.
    /// </summary>
    public static SequenceBoundEvaluation ImportanceWeighted(SequenceVae model, SequenceDataset data, int samples, ulong seed = 0,
        int batchSize = 64, int maxRows = 2048)
    {
        var perSentence = ImportanceWeightedPerSentence(model, data, samples, seed, batchSize, maxRows);
        long words = data.TokenCount + data.Count;
        return new SequenceBoundEvaluation(-perSentence.Average(), samples, data.Count, words);
    }

    /// <summary>
    /// L_k of every sentence, nats (the log-likelihood bound, not its negative). Sentences are taken <paramref name="batchSize"/>
    /// at a time; their B·k samples, sentence-major, are decoded in chunks of at most <paramref name="maxRows"/> rows, the
    /// noise of each chunk drawn (rows, L) from <c>new Rng(seed)</c> in that order. Log-weights are combined in double. (N)
    /// </summary>
    public static double[] ImportanceWeightedPerSentence(SequenceVae model, SequenceDataset data, int samples, ulong seed = 0,
        int batchSize = 64, int maxRows = 2048)
    {
        RequireData(data, batchSize);
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "k must be at least 1.");
        if (maxRows < 1) throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "maxRows must be at least 1.");
        var rng = new Rng(seed);
        var bounds = new double[data.Count];
        int latent = model.LatentSize;
        RunEvaluation(model, () =>
        {
            int first = 0;
            foreach (var batch in SequenceBatches.InOrder(data, batchSize))
            {
                var posterior = model.Encode(batch);
                var logWeights = new double[batch.Size * samples]; // (B, k)
                int perChunk = Math.Max(1, maxRows / batch.Size);  // samples per sentence in one chunk
                for (int start = 0; start < samples; start += perChunk)
                {
                    int count = Math.Min(perChunk, samples - start);
                    var rows = new int[batch.Size * count];
                    var sentences = new int[batch.Size * count][];
                    for (int b = 0, r = 0; b < batch.Size; b++)
                        for (int s = 0; s < count; s++, r++)
                        {
                            rows[r] = b;
                            sentences[r] = batch.Sentence(b).ToArray();
                        }
                    var repeated = posterior.GatherRows(rows);
                    var z = repeated.Sample(Tensor.Randn(rng, rows.Length, latent));                          // (B·count, L)
                    var logLikelihood = model.ReconstructionNll(TokenBatch.FromSentences(sentences), z).Span; // −log p(x|z)
                    var logQ = repeated.LogDensity(z).Span;
                    var zValues = z.Span;
                    for (int r = 0; r < rows.Length; r++)
                    {
                        double logPrior = -latent * HalfLogTwoPi;
                        for (int d = 0; d < latent; d++) logPrior -= 0.5 * zValues[r * latent + d] * zValues[r * latent + d];
                        logWeights[rows[r] * samples + start + r % count] = -logLikelihood[r] + logPrior - logQ[r];
                    }
                }
                for (int b = 0; b < batch.Size; b++) bounds[first + b] = LogMeanExp(logWeights.AsSpan(b * samples, samples));
                first += batch.Size;
            }
        });
        return bounds;
    }

    /// <summary>The language model's −log p(x): exact, nats per sentence and per predicted word (tokens + &lt;/s&gt;).</summary>
    public static LanguageModelEvaluation LanguageModel(RnnLanguageModel model, SequenceDataset data, int batchSize = 256)
    {
        RequireData(data, batchSize);
        double total = 0;
        long words = 0;
        RunEvaluation(model, () =>
        {
            foreach (var batch in SequenceBatches.InOrder(data, batchSize))
            {
                total += Sum(model.Forward(batch).NegativeLogLikelihoodPerSentence);
                words += batch.PredictedWords;
            }
        });
        return new LanguageModelEvaluation(total / data.Count, data.Count, words);
    }

    /// <summary>log((1/k) Σ exp(wᵢ)), stable: the image bound's own (<see cref="ImportanceWeightedBound.LogMeanExp"/>).</summary>
    internal static double LogMeanExp(ReadOnlySpan<double> logWeights) => ImportanceWeightedBound.LogMeanExp(logWeights);

    private static double Sum(Tensor values)
    {
        double sum = 0;
        foreach (var v in values.Span) sum += v;
        return sum;
    }

    private static void RequireData(SequenceDataset data, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException("Cannot evaluate on an empty sequence dataset.", nameof(data));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
    }

    /// <summary>Runs <paramref name="evaluate"/> with the model in evaluation mode and gradients off, then restores its mode.</summary>
    private static void RunEvaluation(NN.Module model, Action evaluate)
    {
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            evaluate();
        }
        finally
        {
            model.Train(wasTraining);
        }
    }
}
