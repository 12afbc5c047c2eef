using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

public class LossTests
{
    public static TheoryData<int[]> Shapes => new() { new[] { 1 }, new[] { 7 }, new[] { 3, 33 }, new[] { 2, 257 } };

    public static TheoryData<Reduction> Reductions => new() { Reduction.None, Reduction.Sum, Reduction.Mean };

    private static Tensor Targets(ulong seed, int[] shape) => Tensor.Uniform(new Rng(seed), 0f, 1f, shape);

    [Fact]
    public void BinaryCrossEntropyWithLogits_MatchesPyTorchIncludingExtremeLogits()
    {
        var logits = Tensor.FromArray([-100f, -20f, -3.5f, -0.25f, 0f, 0.7f, 4f, 25f, 100f]);
        var targets = Tensor.FromArray([1f, 0f, 0.3f, 1f, 0.5f, 0f, 1f, 0f, 1f]);
        // torch.nn.functional.binary_cross_entropy_with_logits(..., reduction='none') in float64 (PyTorch 1.13).
        float[] torch = [100.0f, 2.0611536900435727e-09f, 1.079750418272621f, 0.8259394198788437f, 0.6931471805599453f,
            1.103186048885458f, 0.01814992791780978f, 25.000000000013888f, 0.0f];
        Close.Assert(torch, Losses.BinaryCrossEntropyWithLogits(logits, targets, Reduction.None).Span, 1e-6, 1e-12, "BCE terms");
        Assert.Equal(128.7201729975897, Losses.BinaryCrossEntropyWithLogits(logits, targets).Item(), 1e-4);
        Assert.Equal(128.7201729975897 / 9, Losses.BinaryCrossEntropyWithLogits(logits, targets, Reduction.Mean).Item(), 1e-5);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BinaryCrossEntropyWithLogits_MatchesDefinitionInDouble(int[] shape)
    {
        var logits = GradCheck.Random(1, shape).MulScalar(5f);
        var targets = Targets(2, shape);
        var expected = logits.ToArray().Zip(targets.ToArray(), (l, t) =>
        {
            double p = 1 / (1 + Math.Exp(-(double)l));
            return (float)-(t * Math.Log(p) + (1 - t) * Math.Log(1 - p));
        }).ToArray();
        Close.Assert(expected, Losses.BinaryCrossEntropyWithLogits(logits, targets, Reduction.None).Span, 1e-5, 1e-6, "BCE");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BinaryCrossEntropyWithLogits_GradientsForLogitsAndTargetsMatchFiniteDifferences(int[] shape)
    {
        foreach (var reduction in new[] { Reduction.None, Reduction.Sum, Reduction.Mean })
            GradCheck.AssertGradients(x => Losses.BinaryCrossEntropyWithLogits(x[0], x[1], reduction),
                [GradCheck.Random(3, shape).MulScalar(3f), Targets(4, shape)]);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_GradientIsSigmoidMinusTarget_EvenForHugeLogits()
    {
        var logits = Tensor.FromArray([-100f, 0f, 100f]);
        logits.RequiresGrad = true;
        Losses.BinaryCrossEntropyWithLogits(logits, Tensor.FromArray([1f, 0.25f, 0f])).Backward();
        Close.Assert([-1f, 0.25f, 1f], logits.Grad!.Span, 1e-6, 1e-7, "dBCE/dlogits");
    }

    [Fact]
    public void GaussianLogLikelihood_BroadcastLogVariance_MatchesPyTorchNormalLogProb()
    {
        var x = Tensor.FromArray(new float[,] { { 0.5f, -1.2f, 3.0f }, { 2.0f, 0.1f, -0.7f } });
        var mean = Tensor.FromArray(new float[,] { { 0.4f, -1.0f, 2.0f }, { 1.0f, 0.3f, 0.2f } });
        var logVariance = Tensor.FromArray([-1.0f, 0.5f, 2.0f]);
        // torch.distributions.Normal(mean, exp(0.5·logVariance)).log_prob(x) in float64 (PyTorch 1.13).
        float[] torch = [-0.4325299423469679f, -1.1810691463989254f, -1.986606174822979f, -1.7780794474341952f, -1.1810691463989254f, -1.9737493229155008f];
        Close.Assert(torch, Losses.GaussianLogLikelihood(x, mean, logVariance, Reduction.None).Span, 1e-5, 1e-6, "log N(x; μ, σ²)");
        Assert.Equal(torch.Sum(), Losses.GaussianLogLikelihood(x, mean, logVariance).Item(), 1e-4);
        Assert.Equal(torch.Average(), Losses.GaussianLogLikelihood(x, mean, logVariance, Reduction.Mean).Item(), 1e-5);
    }

    public static TheoryData<int[], int[], int[]> GaussianShapes => new()
    {
        { [7], [7], [7] },
        { [3, 33], [3, 33], [33] },
        { [3, 33], [3, 33], [1] },
        { [2, 257], [257], [2, 1] },
        { [4, 3, 5], [3, 5], [] },
    };

    [Theory]
    [MemberData(nameof(GaussianShapes))]
    public void GaussianLogLikelihood_MatchesFormulaInDouble(int[] xShape, int[] meanShape, int[] logVarianceShape)
    {
        var x = GradCheck.Random(1, xShape);
        var mean = GradCheck.Random(2, meanShape);
        var logVariance = GradCheck.Random(3, logVarianceShape);
        var mu = (mean + Tensor.Zeros(xShape)).ToArray(); // broadcast by the (separately tested) arithmetic ops
        var v = (logVariance + Tensor.Zeros(xShape)).ToArray();
        var expected = x.ToArray().Select((xi, i) =>
            (float)(-0.5 * (Math.Log(2 * Math.PI) + v[i] + Math.Pow(xi - mu[i], 2) / Math.Exp(v[i])))).ToArray();
        var actual = Losses.GaussianLogLikelihood(x, mean, logVariance, Reduction.None);
        Assert.Equal(xShape, actual.Shape);
        Close.Assert(expected, actual.Span, 1e-5, 1e-5, "Gaussian log-likelihood");
    }

    [Theory]
    [MemberData(nameof(GaussianShapes))]
    public void GaussianLogLikelihood_GradientsForAllInputsMatchFiniteDifferences(int[] xShape, int[] meanShape, int[] logVarianceShape)
    {
        foreach (var reduction in new[] { Reduction.None, Reduction.Sum, Reduction.Mean })
            GradCheck.AssertGradients(t => Losses.GaussianLogLikelihood(t[0], t[1], t[2], reduction),
                [GradCheck.Random(4, xShape), GradCheck.Random(5, meanShape), GradCheck.Random(6, logVarianceShape).MulScalar(0.5f)]);
    }

    [Fact]
    public void GaussianLogLikelihood_DataWithoutGrad_ParameterGradientsMatchComposedOps()
    {
        // The typical decoder case: x is data, μ (B, D) and a learned per-feature log σ² (D) train.
        var x = GradCheck.Random(1, 6, 5);
        var mean = GradCheck.Random(2, 6, 5);
        var logVariance = GradCheck.Random(3, 5).MulScalar(0.5f).Detach();
        mean.RequiresGrad = logVariance.RequiresGrad = true;
        Losses.GaussianLogLikelihood(x, mean, logVariance).Backward();
        var fusedMean = mean.Grad!.ToArray();
        var fusedLogVariance = logVariance.Grad!.ToArray();
        Assert.Null(x.Grad);

        mean.ZeroGrad();
        logVariance.ZeroGrad();
        var composed = ((x - mean).Square() / logVariance.Exp() + logVariance + (float)Math.Log(2 * Math.PI)) * -0.5f;
        composed.Sum().Backward();
        Close.Assert(mean.Grad!.Span, fusedMean, 1e-5, 1e-5, "dlogN/dμ");
        Close.Assert(logVariance.Grad!.Span, fusedLogVariance, 1e-5, 1e-5, "dlogN/dlogσ²");
    }

    [Fact]
    public void GaussianLogLikelihood_ShapesThatDoNotBroadcastToX_Throw()
    {
        var x = Tensor.Zeros(2, 5);
        var ex = Assert.Throws<ArgumentException>(() => Losses.GaussianLogLikelihood(x, Tensor.Zeros(3), Tensor.Zeros(5)));
        Assert.Contains("mean of shape (3)", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Losses.GaussianLogLikelihood(x, Tensor.Zeros(2, 5), Tensor.Zeros(4, 2, 5)));
        Assert.Contains("logVariance of shape (4, 2, 5)", ex.Message);
        Assert.Contains("(2, 5)", ex.Message);
    }

    [Fact]
    public void GaussianKlToStandardNormal_MatchesPyTorchAndIsZeroAtThePrior()
    {
        var mean = Tensor.FromArray(new float[,] { { 0.4f, -1.0f, 2.0f }, { 1.0f, 0.3f, 0.2f } });
        var logVariance = Tensor.FromArray(new float[,] { { -1.0f, 0.5f, 2.0f }, { -1.0f, 0.5f, 2.0f } });
        // torch.distributions.kl_divergence(Normal(mean, exp(0.5·logVariance)), Normal(0, 1)) in float64 (PyTorch 1.13).
        float[] torch = [0.2639397205857212f, 0.5743606353500641f, 4.194528049465324f, 0.6839397205857212f, 0.11936063535006408f, 2.2145280494653248f];
        Close.Assert(torch, Losses.GaussianKlToStandardNormal(mean, logVariance, Reduction.None).Span, 1e-5, 1e-6, "KL");
        Assert.Equal(torch.Sum(), Losses.GaussianKlToStandardNormal(mean, logVariance).Item(), 1e-4);
        Assert.Equal(0f, Losses.GaussianKlToStandardNormal(Tensor.Zeros(4, 3), Tensor.Zeros(4, 3)).Item());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GaussianKlToStandardNormal_MatchesClosedFormAndGradients(int[] shape)
    {
        var mean = GradCheck.Random(7, shape);
        var logVariance = GradCheck.Random(8, shape);
        var expected = mean.ToArray().Zip(logVariance.ToArray(), (m, v) => (float)(0.5 * (m * (double)m + Math.Exp(v) - 1 - v))).ToArray();
        Close.Assert(expected, Losses.GaussianKlToStandardNormal(mean, logVariance, Reduction.None).Span, 1e-5, 1e-6, "KL");
        foreach (var reduction in new[] { Reduction.None, Reduction.Sum, Reduction.Mean })
            GradCheck.AssertGradients(t => Losses.GaussianKlToStandardNormal(t[0], t[1], reduction), [mean.Clone(), logVariance.Clone()]);
    }

    [Fact]
    public void Losses_MismatchedShapesOrBadReduction_Throw()
    {
        var ex = Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogits(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)));
        Assert.Contains("(2, 3)", ex.Message);
        Assert.Contains("(3, 2)", ex.Message);
        Assert.Throws<ArgumentException>(() => Losses.GaussianKlToStandardNormal(Tensor.Zeros(4), Tensor.Zeros(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.GaussianKlToStandardNormal(Tensor.Zeros(4), Tensor.Zeros(4), (Reduction)7));
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Losses_Reduction_ShapesAreElementwiseOrScalar(Reduction reduction)
    {
        var y = Losses.GaussianKlToStandardNormal(Tensor.Zeros(2, 3), Tensor.Zeros(2, 3), reduction);
        Assert.Equal(reduction == Reduction.None ? [2, 3] : Array.Empty<int>(), y.Shape);
    }
}
