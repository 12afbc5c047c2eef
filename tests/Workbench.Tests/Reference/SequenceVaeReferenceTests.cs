using Workbench.Models.Kl;
using Workbench.Models.Sequences;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Reference;

/// <summary>
/// One step of the sequence VAE (Bowman et al. 2016) and of its GRU language model against PyTorch 1.13's classes of
/// tests/reference/pytorch_sequence_vae.py (Fixtures/sequence_vae.safetensors, from tests/fixtures-gen/sequence_vae.py):
/// same weights, a padded batch of lengths 5, 1, 3, 4, the same ε, word dropout off, β = 0.7.
/// </summary>
public class SequenceVaeReferenceTests
{
    private const int Vocabulary = 11, EmbeddingSize = 5, Hidden = 6, Latent = 3;
    private const float Beta = 0.7f;
    private static readonly Lazy<IReadOnlyDictionary<string, Tensor>> Fixture = new(() => FixtureFiles.Load("sequence_vae.safetensors").Tensors);

    private static Tensor Get(string name) => Fixture.Value[name].Clone();

    internal static TokenBatch Batch()
    {
        var tokens = Get("tokens");   // (B, T) ids as floats, 0 past each length
        var lengths = Get("lengths"); // (B)
        return new TokenBatch(tokens.Dim(0), tokens.Dim(1), tokens.ToArray().Select(v => (int)v).ToArray(), lengths.ToArray().Select(v => (int)v).ToArray());
    }

    private static void Load(Module module, string prefix) =>
        module.LoadStateDict(module.NamedParameters().ToDictionary(p => p.Name, p => Get($"{prefix}.{p.Name}")), $"sequence_vae.safetensors ({prefix})");

    private static SequenceVaeConfig Config => new(Vocabulary, EmbeddingSize, Hidden, Latent, WordDropout: 0, KlAnnealing: new ConstantKlWeight(Beta));

    [Fact]
    public void SequenceVaeForwardAndBackward_PaddedBatchSameWeightsAndNoise_MatchPyTorch()
    {
        var model = new SequenceVae(Config, new Rng(1));
        Load(model, "vae");
        var output = model.Forward(new SequenceVaeBatch(Batch(), Get("eps")));
        output.Loss.Backward();

        ReferenceAssert.Close(Get("vae.mu"), output.Posterior.Mean, "μ");
        ReferenceAssert.Close(Get("vae.logvar"), output.Posterior.LogVariance, "log σ²");
        ReferenceAssert.Close(Get("vae.rec_per_sentence"), output.ReconstructionPerSentence, "reconstruction per sentence");
        ReferenceAssert.Close(Get("vae.rec"), output.Reconstruction, "reconstruction");
        ReferenceAssert.Close(Get("vae.kl"), output.Kl, "KL");
        ReferenceAssert.Close(Get("vae.loss"), output.Loss, "loss");
        Assert.Equal(15, model.NamedParameters().Count()); // embedding, two GRUs of 4, to_posterior, to_hidden and output of 2
        foreach (var (name, parameter) in model.NamedParameters())
        {
            Assert.True(parameter.Grad is not null, $"{name} received no gradient");
            Close.Assert(Get($"vae.grad.{name}").Span, parameter.Grad!.Span, 2e-4, 2e-5 + ReferenceAssert.Floor(Get($"vae.grad.{name}").Span), $"d{name}");
        }
    }

    [Fact]
    public void LanguageModelForwardAndBackward_PaddedBatchSameWeights_MatchPyTorch()
    {
        var model = new RnnLanguageModel(Config, new Rng(1));
        Load(model, "lm");
        var output = model.Forward(Batch());
        output.Loss.Backward();

        ReferenceAssert.Close(Get("lm.nll_per_sentence"), output.NegativeLogLikelihoodPerSentence, "NLL per sentence");
        ReferenceAssert.Close(Get("lm.loss"), output.Loss, "loss");
        Assert.Equal(7, model.NamedParameters().Count());
        foreach (var (name, parameter) in model.NamedParameters())
        {
            Assert.True(parameter.Grad is not null, $"{name} received no gradient");
            Close.Assert(Get($"lm.grad.{name}").Span, parameter.Grad!.Span, 2e-4, 2e-5 + ReferenceAssert.Floor(Get($"lm.grad.{name}").Span), $"d{name}");
        }
    }
}
