using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Reference;

/// <summary>
/// The continuous Bernoulli and discretized logistic ops against PyTorch 1.13 in float64 (tests/fixtures-gen/likelihoods.py
/// → Fixtures/likelihoods.safetensors): torch.distributions.ContinuousBernoulli's −log_prob, log normaliser and mean,
/// including λ near ½ and at the Taylor branch's edges (0.499, 0.501); the discretized logistic's −log P written in torch,
/// exactly and as PixelCNN++'s formula. Gradients of Σ value·r with fixed random weights r.
/// </summary>
public class LikelihoodsReferenceTests
{
    private static readonly IReadOnlyDictionary<string, Tensor> Fixture = FixtureFiles.Load("likelihoods.safetensors").Tensors;

    private static Tensor Row(Tensor r, int row) => r.GatherRows([row]).Reshape(r.Dims[1]);

    [Fact]
    public void ContinuousBernoulliNegativeLogLikelihood_LogitsAroundHalfAndBranchEdges_MatchesPyTorchValuesAndGradients()
    {
        var logits = ReferenceAssert.Leaf(Fixture["cb.logits"]);
        var nll = Losses.ContinuousBernoulliNegativeLogLikelihood(logits, Fixture["cb.x"], Reduction.None);
        (nll * Row(Fixture["cb.r"], 0)).Sum().Backward();

        Close.Assert(Fixture["cb.nll"].Span, nll.Span, 1e-5, 1e-6, "−log p");
        Close.Assert(Fixture["cb.grad.nll"].Span, logits.Grad!.Span, 1e-5, 1e-6, "∂/∂logits");
    }

    [Fact]
    public void ContinuousBernoulliLogNormalizer_LogitsAroundHalfAndBranchEdges_MatchesPyTorchValuesAndGradients()
    {
        var logits = ReferenceAssert.Leaf(Fixture["cb.logits"]);
        var logNormalizer = Losses.ContinuousBernoulliLogNormalizer(logits);
        (logNormalizer * Row(Fixture["cb.r"], 1)).Sum().Backward();

        Close.Assert(Fixture["cb.log_norm"].Span, logNormalizer.Span, 1e-6, 1e-7, "log C");
        Close.Assert(Fixture["cb.grad.log_norm"].Span, logits.Grad!.Span, 1e-5, 1e-7, "∂ log C/∂logits");
    }

    [Fact]
    public void ContinuousBernoulliMean_LogitsAroundHalfAndBranchEdges_MatchesPyTorchValuesAndGradients()
    {
        var logits = ReferenceAssert.Leaf(Fixture["cb.logits"]);
        var mean = Losses.ContinuousBernoulliMean(logits);
        (mean * Row(Fixture["cb.r"], 2)).Sum().Backward();

        Close.Assert(Fixture["cb.mean"].Span, mean.Span, 1e-6, 1e-7, "E[x]");
        Close.Assert(Fixture["cb.grad.mean"].Span, logits.Grad!.Span, 1e-5, 1e-7, "∂E[x]/∂logits");
    }

    [Fact]
    public void DiscretizedLogisticNegativeLogLikelihood_LevelsEdgesAndFarTails_MatchesTheTorchFormulaValuesAndGradients()
    {
        var mean = ReferenceAssert.Leaf(Fixture["dl.mean"]);
        var logScale = ReferenceAssert.Leaf(Fixture["dl.log_scale"]);
        var nll = Losses.DiscretizedLogisticNegativeLogLikelihood(mean, logScale, Fixture["dl.x"], 256, Reduction.None);
        (nll * Fixture["dl.r"]).Sum().Backward();

        Close.Assert(Fixture["dl.nll"].Span, nll.Span, 1e-5, 1e-5, "−log P");
        Close.Assert(Fixture["dl.grad.mean"].Span, mean.Grad!.Span, 1e-4, 1e-3, "∂/∂μ"); // ∂/∂μ is up to ~500 (1/s)
        Close.Assert(Fixture["dl.grad.log_scale"].Span, logScale.Grad!.Span, 1e-5, 1e-5, "∂/∂log s");
    }

    [Fact]
    public void DiscretizedLogisticNegativeLogLikelihood_WherePixelCnnFormsTheDifference_MatchesItsFormula()
    {
        var nll = Losses.DiscretizedLogisticNegativeLogLikelihood(Fixture["dl.mean"], Fixture["dl.log_scale"], Fixture["dl.x"], 256, Reduction.None);
        var direct = Fixture["dl.pixelcnn_direct"].Span;
        var pixelCnn = Fixture["dl.pixelcnn_nll"].Span;
        int compared = 0, fellBack = 0;
        for (int i = 0; i < direct.Length; i++)
        {
            if (direct[i] == 1f)
            {
                Close.Assert(pixelCnn.Slice(i, 1), nll.Span.Slice(i, 1), 1e-5, 1e-5, $"−log P[{i}]");
                compared++;
            }
            else
            {
                // PixelCNN++'s fallback approximates; the exact value is within a few percent of it, not equal.
                Assert.True(Math.Abs(nll.Span[i] - pixelCnn[i]) < 0.05 * Math.Abs(pixelCnn[i]), $"−log P[{i}] {nll.Span[i]} vs fallback {pixelCnn[i]}");
                fellBack++;
            }
        }
        Assert.True(compared >= 40 && fellBack >= 8, $"{compared} compared, {fellBack} fell back");
    }
}
