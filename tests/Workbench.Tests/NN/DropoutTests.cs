using System.Globalization;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.NN;

/// <summary>
/// Dropout: PyTorch's deterministic cases (p = 0, p = 1, evaluation mode, the kept elements' scale, the
/// printed form) against the fixture written by tests/fixtures-gen/randomness.py; the random mask by its
/// statistics, by the output being x ⊙ mask for the mask drawn, and by its gradient.
/// </summary>
public class DropoutTests
{
    private const string Fixture = "randomness.safetensors";

    /// <summary>
    /// Bit-for-bit (−0 is not 0) except that any NaN equals any NaN; with <paramref name="signedZeros"/> false,
    /// −0 equals 0 (gradients: PyTorch stores the first gradient a leaf receives, −0 included, where
    /// accumulating into a zeroed gradient gives +0).
    /// </summary>
    private static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, bool signedZeros = true)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = float.IsNaN(expected[i]) ? float.IsNaN(actual[i])
                : signedZeros ? BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i])
                : expected[i] == actual[i];
            Assert.True(same, $"{what}[{i}]: PyTorch {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Theory]
    [InlineData("train_p0", 0.0, true)]
    [InlineData("train_p1", 1.0, true)]
    [InlineData("eval_p0.5", 0.5, false)]
    public void Dropout_DeterministicCases_MatchPyTorchValuesAndGradients(string name, double p, bool training)
    {
        var fixture = FixtureFiles.Load(Fixture);
        var x = fixture.Tensors["x"];
        x.RequiresGrad = true;

        Tensor y;
        using (ForwardRandom.Use(new Rng(1))) y = x.Dropout(p, training);
        y.Backward(fixture.Tensors["g"]);

        AssertSameBits(fixture.Tensors[name + ".y"].Span, y.Span, name + " values");
        AssertSameBits(fixture.Tensors[name + ".grad"].Span, x.Grad!.Span, name + " gradients", signedZeros: false);
    }

    [Fact]
    public void DropoutModule_EvalMode_MatchesPyTorchAndNeedsNoStream()
    {
        var fixture = FixtureFiles.Load(Fixture);
        var x = fixture.Tensors["x"];
        x.RequiresGrad = true;
        var dropout = new Dropout(0.3);
        dropout.Eval();

        var y = dropout.Forward(x); // no ForwardRandom set: evaluation draws nothing
        y.Backward(fixture.Tensors["g"]);

        AssertSameBits(fixture.Tensors["module_eval_p0.3.y"].Span, y.Span, "values");
        AssertSameBits(fixture.Tensors["module_eval_p0.3.grad"].Span, x.Grad!.Span, "gradients");
    }

    [Fact]
    public void DropoutMask_KeptValue_IsPyTorchsScaleForEveryP()
    {
        var fixture = FixtureFiles.Load(Fixture);
        var ps = fixture.Metadata["scale.p"].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var kept = fixture.Tensors["scale.kept"].ToArray();
        for (int i = 0; i < ps.Length; i++)
        {
            var mask = Tensor.DropoutMask(new Rng(3), ps[i], 4096).ToArray();
            Assert.Equal(kept[i], mask.Max());
            Assert.All(mask, m => Assert.True(m == 0f || m == kept[i], $"p={ps[i]}: mask value {m}"));
        }
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.1)]
    [InlineData(1.0)]
    [InlineData(0.0)]
    public void DropoutModule_ToString_IsPyTorchsRepr(double p)
    {
        var fixture = FixtureFiles.Load(Fixture);
        string key = "repr." + (double.IsInteger(p) ? p.ToString("F1", CultureInfo.InvariantCulture) : p.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(fixture.Metadata[key], new Dropout(p).ToString());
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Dropout_Training_DropsAFractionWithinABinomialBound(double p)
    {
        const int n = 200_000;
        var x = Tensor.Ones(n);
        Tensor y;
        using (ForwardRandom.Use(new Rng(11))) y = x.Dropout(p);

        int dropped = y.ToArray().Count(v => v == 0f);
        double sigma = Math.Sqrt(n * p * (1 - p));
        Assert.True(Math.Abs(dropped - n * p) < 5 * sigma, $"dropped {dropped} of {n} at p={p}; expected {n * p} ± {5 * sigma:F0}");
        float scale = 1f / (float)(1 - p);
        Assert.All(y.ToArray(), v => Assert.True(v == 0f || v == scale, $"value {v}"));
        // Kept elements are scaled so the mean is preserved (within the same binomial bound, relative).
        Assert.True(Math.Abs(y.Mean().Item() - 1) < 5 * sigma / (n * (1 - p)) + 1e-5, $"mean {y.Mean().Item()}");
    }

    [Fact]
    public void Dropout_ConsecutiveElements_AreNotCorrelated()
    {
        // Neighbours come from the two halves of one 64-bit word or from different generators: their
        // joint drop rate must be p², not p.
        const int n = 200_000;
        const double p = 0.5;
        float[] mask = Tensor.DropoutMask(new Rng(17), p, n).ToArray();
        int bothDropped = 0;
        for (int i = 0; i + 1 < n; i++) if (mask[i] == 0 && mask[i + 1] == 0) bothDropped++;
        double expected = (n - 1) * p * p, sigma = Math.Sqrt((n - 1) * p * p * (1 - p * p)) * 2; // neighbouring pairs overlap: a loose σ
        Assert.True(Math.Abs(bothDropped - expected) < 5 * sigma, $"{bothDropped} neighbouring pairs both dropped; expected {expected:F0}");
    }

    [Fact]
    public void Dropout_Training_OutputIsInputTimesTheMaskDrawnOverOneMinusP()
    {
        const double p = 0.3;
        var x = GradCheck.Random(2, 7, 33);                  // (7, 33): a tail after the last whole vector
        var stream = new Rng(21);
        var replay = new Rng(21);

        Tensor y;
        using (ForwardRandom.Use(stream)) y = x.Dropout(p);
        var mask = Tensor.DropoutMask(replay, p, 7, 33);     // the same draw from the same state

        var (xs, ys, ms) = (x.ToArray(), y.ToArray(), mask.ToArray());
        float scale = 1f / (float)(1 - p);
        for (int i = 0; i < xs.Length; i++)
            Assert.Equal(ms[i] == 0f ? 0f : xs[i] * scale, ys[i]);
        Assert.Contains(ms, m => m == 0f);
        Assert.Contains(ms, m => m != 0f);
        Assert.Equal(replay.NextUInt64(), stream.NextUInt64()); // both streams advanced alike
    }

    [Fact]
    public void Dropout_Backward_IsUpstreamGradientTimesTheSameMask()
    {
        const double p = 0.4;
        var x = GradCheck.Random(4, 5, 19);
        x.RequiresGrad = true;
        var upstream = GradCheck.Random(5, 5, 19);

        Tensor y;
        using (ForwardRandom.Use(new Rng(8))) y = x.Dropout(p);
        y.Backward(upstream);
        var mask = Tensor.DropoutMask(new Rng(8), p, 5, 19).ToArray();

        var (gs, grad) = (upstream.ToArray(), x.Grad!.ToArray());
        for (int i = 0; i < gs.Length; i++) Assert.Equal(gs[i] * mask[i], grad[i]);
    }

    [Fact]
    public void Dropout_Gradient_MatchesFiniteDifferencesWithAFixedStream()
    {
        var module = new Dropout(0.35);
        GradCheck.AssertGradients(inputs =>
        {
            using var random = ForwardRandom.Use(new Rng(13)); // the same mask at every evaluation
            return module.Forward(inputs[0]);
        }, [GradCheck.Random(6, 3, 10)]);
    }

    [Fact]
    public void Dropout_Training_DrawsFourWordsWhateverTheSize()
    {
        var stream = new Rng(4);
        var reference = new Rng(4);
        using (ForwardRandom.Use(stream)) new Dropout(0.2).Forward(Tensor.Ones(1000, 3));
        for (int i = 0; i < 4; i++) reference.NextUInt64();
        Assert.Equal(reference.SaveState(), stream.SaveState());
    }

    [Fact]
    public void Dropout_EvalModeOrPZero_ReturnsTheInputAndDrawsNothing()
    {
        var x = GradCheck.Random(1, 4, 4);
        var stream = new Rng(9);
        var before = stream.SaveState();
        var evaluating = new Dropout(0.5);
        evaluating.Eval();
        using (ForwardRandom.Use(stream))
        {
            Assert.Same(x, evaluating.Forward(x));
            Assert.Same(x, new Dropout(0).Forward(x));
            new Dropout(1).Forward(x);
        }
        Assert.Equal(before, stream.SaveState());
    }

    [Fact]
    public void Dropout_TrainingWithoutAStream_ThrowsSayingHowToGiveOne()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Dropout(0.25).Forward(Tensor.Ones(2, 3)));
        Assert.Contains("Dropout(p=0.25)", error.Message);
        Assert.Contains("ForwardRandom.Use(new Rng(seed))", error.Message);
        Assert.Contains("model.Eval()", error.Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Dropout_ProbabilityOutsideZeroToOne_ThrowsNamingTheValueAndTheRange(double p)
    {
        foreach (var action in new Action[] { () => new Dropout(p), () => Tensor.Ones(2).Dropout(p, training: false) })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(action);
            Assert.Equal("p", error.ParamName);
            Assert.Contains("between 0 and 1", error.Message);
            Assert.Contains(p.ToString(CultureInfo.InvariantCulture), error.Message);
        }
    }
}
