using Workbench.Data.Text;
using Workbench.Models.Kl;
using Workbench.Models.Sequences;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models.Sequences;

public class SequenceVaeTests
{
    [Fact]
    public void MaskedSequenceLoss_TinyModel_GradientsMatchFiniteDifferences()
    {
        var model = SequenceModels.TinyVae();
        var batch = SequenceModels.Batch();
        var noise = GradCheck.Random(3, batch.Size, 2);
        var parameters = model.Parameters().ToArray();
        GradCheck.AssertGradients(_ =>
        {
            var output = model.Forward(new SequenceVaeBatch(batch, noise));
            return output.ReconstructionPerSentence + output.KlPerSentence * output.KlWeight; // (B)
        }, parameters);
    }

    [Fact]
    public void LanguageModelLoss_TinyModel_GradientsMatchFiniteDifferences()
    {
        var model = new RnnLanguageModel(SequenceModels.TinyConfig(), new Rng(6));
        var batch = SequenceModels.Batch();
        GradCheck.AssertGradients(_ => model.Forward(batch).NegativeLogLikelihoodPerSentence, model.Parameters().ToArray());
    }

    [Fact]
    public void Forward_ExtraPadding_ChangesNoSentencesLoss()
    {
        var model = SequenceModels.TinyVae();
        model.Eval();
        var batch = SequenceModels.Batch();
        var noise = GradCheck.Random(4, batch.Size, 2);
        var plain = SequenceModels.PerSentence(model, batch, noise);
        var padded = SequenceModels.PerSentence(model, SequenceModels.Padded(batch, 3), noise);
        Close.Assert(plain, padded, 1e-6, 1e-6, "per-sentence loss with three more padding steps");
    }

    [Fact]
    public void Forward_ReorderedRows_GivesTheSamePerSentenceLosses()
    {
        var model = SequenceModels.TinyVae();
        model.Eval();
        var batch = SequenceModels.Batch();
        var noise = GradCheck.Random(4, batch.Size, 2);
        int[] order = [2, 0, 3, 1];
        var reordered = TokenBatch.FromSentences(order.Select(b => batch.Sentence(b).ToArray()).ToList());
        var plain = SequenceModels.PerSentence(model, batch, noise);
        var shuffled = SequenceModels.PerSentence(model, reordered, noise.GatherRows(order));
        Close.Assert(order.Select(b => plain[b]).ToArray(), shuffled, 1e-5, 1e-6, "per-sentence loss after reordering the rows");
    }

    [Fact]
    public void DecoderInputs_WordDropoutOne_FeedsOnlyUnknownAfterBegin()
    {
        var batch = SequenceModels.Batch();
        var inputs = TeacherForcing.DecoderInputs(batch, 1.0, new Rng(1));
        int steps = batch.Steps + 1;
        for (int b = 0; b < batch.Size; b++)
            for (int t = 0; t < steps; t++)
            {
                int expected = t == 0 ? SpecialTokens.Begin : t <= batch.Lengths[b] ? SpecialTokens.Unknown : SpecialTokens.Pad;
                Assert.Equal(expected, inputs[b * steps + t]);
            }
    }

    [Fact]
    public void DecoderInputs_WordDropoutHalf_ReplacesAboutHalfTheWords()
    {
        var sentences = Enumerable.Range(0, 400).Select(i => Enumerable.Repeat(4 + i % 5, 10).ToArray()).ToList();
        var batch = TokenBatch.FromSentences(sentences);
        var inputs = TeacherForcing.DecoderInputs(batch, 0.5, new Rng(2));
        int unknown = inputs.Count(id => id == SpecialTokens.Unknown);
        Assert.InRange(unknown / 4000.0, 0.47, 0.53); // 4,000 draws: sd 0.008
        Assert.Equal(400, inputs.Count(id => id == SpecialTokens.Begin));
    }

    [Fact]
    public void ReconstructionNll_WordDropoutOneInTraining_EqualsTheTargetsScoredWithUnknownInputs()
    {
        // With p = 1 every decoder input after <s> is <unk>: the reconstruction must equal the real targets scored by hand
        // from a decoder fed <s> <unk> … <unk>.
        var model = SequenceModels.TinyVae(wordDropout: 1.0);
        var batch = SequenceModels.Batch();
        var z = GradCheck.Random(8, batch.Size, 2);
        float[] dropped;
        using (ForwardRandom.Use(new Rng(3))) dropped = model.ReconstructionNll(batch, z).ToArray();
        Close.Assert(ScoreTargetsWithUnknownInputs(model, batch, z), dropped, 1e-5, 1e-6, "reconstruction with p = 1");
        model.Eval();
        Assert.True(model.ReconstructionNll(batch, z).ToArray().Zip(dropped).Any(pair => Math.Abs(pair.First - pair.Second) > 1e-4),
            "in evaluation mode no word is dropped, so the reconstruction differs");
    }

    private static float[] ScoreTargetsWithUnknownInputs(SequenceVae model, TokenBatch batch, Tensor z)
    {
        var named = model.NamedModules().ToDictionary(m => m.Name, m => m.Module);
        var embedding = (Workbench.NN.Embedding)named["embedding"];
        var decoder = (Workbench.NN.GRU)named["decoder"];
        var output = (Workbench.NN.Linear)named["output"];
        var toHidden = (Workbench.NN.Linear)named["to_hidden"];
        var result = new float[batch.Size];
        for (int b = 0; b < batch.Size; b++)
        {
            int n = batch.Lengths[b];
            var inputs = new int[n + 1];
            inputs[0] = SpecialTokens.Begin;
            for (int t = 1; t <= n; t++) inputs[t] = SpecialTokens.Unknown;
            var h0 = toHidden.Forward(z.GatherRows([b])).Reshape(1, 1, 4);
            var states = decoder.Forward(embedding.Forward(new TokenIds(inputs, 1, n + 1)), h0).Output.Reshape(n + 1, 4);
            var logProbs = output.Forward(states).LogSoftmax(1).ToArray();
            for (int t = 0; t <= n; t++)
            {
                int target = t < n ? batch.Sentence(b)[t] : SpecialTokens.End;
                result[b] -= logProbs[t * SequenceModels.Vocabulary + target];
            }
        }
        return result;
    }

    [Fact]
    public void Forward_WordDropoutZeroInTraining_EqualsEvaluationModeBitForBit()
    {
        var model = SequenceModels.TinyVae(wordDropout: 0);
        var batch = SequenceModels.Batch();
        var noise = GradCheck.Random(4, batch.Size, 2);
        var training = SequenceModels.PerSentence(model, batch, noise);
        model.Eval();
        var evaluation = SequenceModels.PerSentence(model, batch, noise);
        Assert.Equal(evaluation, training);
    }

    [Fact]
    public void Forward_WordDropoutInTrainingWithoutAStream_ThrowsSayingHowToProvideOne()
    {
        var model = SequenceModels.TinyVae(wordDropout: 0.25);
        var batch = SequenceModels.Batch();
        var error = Assert.Throws<InvalidOperationException>(() => model.Forward(new SequenceVaeBatch(batch, GradCheck.Random(4, batch.Size, 2))));
        Assert.Contains("ForwardRandom.Use", error.Message);
    }

    [Fact]
    public void Kl_ClosedForm_MatchesTheOneDimensionalFormula()
    {
        var posterior = new Workbench.Models.Posteriors.DiagonalGaussian(Tensor.FromArray([0.5f, -1f], 1, 2), Tensor.FromArray([0.2f, -0.7f], 1, 2));
        double expected = 0;
        foreach (var (m, lv) in new[] { (0.5, 0.2), (-1.0, -0.7) }) expected += 0.5 * (m * m + Math.Exp(lv) - 1 - lv);
        Assert.Equal(expected, SequenceVae.Kl(posterior).Item(), 5);
    }

    [Fact]
    public void SpecialTokens_EqualTheVocabularysReservedIds()
    {
        Assert.Equal(Vocabulary.Pad, SpecialTokens.Pad);
        Assert.Equal(Vocabulary.Unknown, SpecialTokens.Unknown);
        Assert.Equal(Vocabulary.Begin, SpecialTokens.Begin);
        Assert.Equal(Vocabulary.End, SpecialTokens.End);
    }

    [Fact]
    public void Greedy_EveryWordIsTheDecodersMostProbableNextWord()
    {
        var model = SequenceModels.TinyVae();
        model.Eval();
        var z = GradCheck.Random(9, 3, 2);
        var sentences = model.Greedy(z, maxLength: 6);
        Assert.Equal(3, sentences.Length);
        var named = model.NamedModules().ToDictionary(m => m.Name, m => m.Module);
        for (int b = 0; b < 3; b++)
        {
            Assert.True(sentences[b].Length <= 6);
            Assert.DoesNotContain(SpecialTokens.Pad, sentences[b]);
            Assert.DoesNotContain(SpecialTokens.Begin, sentences[b]);
            // Teacher-force the greedy sentence: at each step its word has the largest logit among allowed ids.
            int n = sentences[b].Length;
            var inputs = new[] { SpecialTokens.Begin }.Concat(sentences[b]).ToArray();
            var h0 = ((Workbench.NN.Linear)named["to_hidden"]).Forward(z.GatherRows([b])).Reshape(1, 1, 4);
            var states = ((Workbench.NN.GRU)named["decoder"]).Forward(((Workbench.NN.Embedding)named["embedding"]).Forward(new TokenIds(inputs, 1, n + 1)), h0).Output;
            var logits = ((Workbench.NN.Linear)named["output"]).Forward(states.Reshape(n + 1, 4)).ToArray();
            for (int t = 0; t < Math.Min(n + 1, 6); t++)
            {
                int chosen = t < n ? sentences[b][t] : SpecialTokens.End;
                var row = logits.AsSpan(t * SequenceModels.Vocabulary, SequenceModels.Vocabulary);
                for (int v = 0; v < row.Length; v++)
                    if (v != SpecialTokens.Pad && v != SpecialTokens.Begin) Assert.True(row[chosen] >= row[v], $"sentence {b}, step {t}: id {v} beats the chosen {chosen}");
            }
        }
    }

    [Fact]
    public void Sample_SameSeed_SameSentences_AndHomotopyEndsAreTheCodes()
    {
        var model = SequenceModels.TinyVae();
        model.Eval();
        var z = GradCheck.Random(9, 5, 2);
        Assert.Equal(model.Sample(z, new Rng(4)), model.Sample(z, new Rng(4)));
        var from = Tensor.FromArray([1f, -2f], 2);
        var to = Tensor.FromArray([3f, 0f], 2);
        var codes = model.Homotopy(from, to, 5).ToArray();
        Assert.Equal([1f, -2f, 1.5f, -1.5f, 2f, -1f, 2.5f, -0.5f, 3f, 0f], codes);
        Assert.Equal(5, model.HomotopyGreedy(from, to, 5).Length);
    }

    [Fact]
    public void LogisticKlAnnealing_BowmansSchedule_HalfAtX0AndRisingTowardBeta()
    {
        var schedule = new LogisticKlAnnealing(Beta: 1f, K: 0.0025, X0: 2500);
        Assert.Equal(0.5f, schedule.Weight(new(2500, 10000)), 6);
        Assert.Equal(1 / (1 + Math.Exp(-0.0025 * (1000 - 2500))), schedule.Weight(new(1000, 10000)), 6);
        float previous = 0;
        for (long step = 0; step < 10000; step += 500)
        {
            float weight = schedule.Weight(new(step, 10000));
            Assert.True(weight > previous);
            previous = weight;
        }
        Assert.True(previous > 0.999f);
        Assert.Throws<ArgumentException>(() => new LogisticKlAnnealing(K: -1).Validate("klAnnealing"));
    }

    [Fact]
    public void Config_OutOfRange_NamesTheField()
    {
        Assert.Contains("wordDropout", Assert.Throws<ArgumentException>(() => new SequenceVaeConfig(20, WordDropout: 1.5).Validate()).Message);
        Assert.Contains("vocabularySize", Assert.Throws<ArgumentException>(() => new SequenceVaeConfig(3).Validate()).Message);
        var batch = new TokenBatch(1, 2, [4, 99], [2]);
        Assert.Contains("Tokens[0, 1] = 99", Assert.Throws<ArgumentException>(() => SequenceModels.TinyVae().Encode(batch)).Message);
    }
}
