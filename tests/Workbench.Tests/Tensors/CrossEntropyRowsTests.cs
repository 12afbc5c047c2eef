using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Tests.Tensors;

/// <summary>
/// Cross-entropy over a large vocabulary (the sequence VAE's output layer: hundreds of rows of thousands of classes), whose
/// rows are shared out among the kernel threads: same bits on one and two threads, and the closed form in double precision.
/// </summary>
[Collection(Workbench.Tests.Kernels.GemmLogTests.Recording)] // sets the process-wide compute thread count
public class CrossEntropyRowsTests
{
    private const int Rows = 650, Classes = 3160;

    private static (float[] Logits, int[] Targets, float[] Weights) Batch()
    {
        var rng = new Rng(11);
        var logits = new float[Rows * Classes];
        for (int i = 0; i < logits.Length; i++) logits[i] = (float)(3 * rng.NextNormal());
        var targets = new int[Rows];
        var weights = new float[Rows];
        for (int n = 0; n < Rows; n++)
        {
            targets[n] = n % 50 == 7 ? -100 : rng.NextInt(Classes); // some ignored positions
            weights[n] = 1f + rng.NextFloat();
        }
        return (logits, targets, weights);
    }

    /// <summary>Per-row losses and the gradient of Σ w·loss, with the kernels on <paramref name="threads"/> threads.</summary>
    private static (float[] Loss, float[] Gradient) Run(int threads)
    {
        var (values, targets, weights) = Batch();
        int saved = Gemm.MaxThreads;
        Gemm.MaxThreads = threads;
        try
        {
            var logits = Tensor.FromArray(values, Rows, Classes);
            logits.RequiresGrad = true;
            var loss = Losses.CrossEntropy(logits, targets, Reduction.None);
            (loss * Tensor.FromArray(weights)).Sum().Backward();
            return (loss.ToArray(), logits.Grad!.ToArray());
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    [Fact]
    public void CrossEntropy_LargeVocabularyOnOneAndTwoThreads_SameBits()
    {
        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Loss, two.Loss);
        Assert.Equal(one.Gradient, two.Gradient);
    }

    [Fact]
    public void CrossEntropy_LargeVocabulary_MatchesClosedFormInDouble()
    {
        var (values, targets, weights) = Batch();
        var (loss, gradient) = Run(2);
        for (int n = 0; n < Rows; n++)
        {
            var row = values.AsSpan(n * Classes, Classes);
            double max = double.NegativeInfinity, sum = 0;
            foreach (float v in row) max = Math.Max(max, v);
            foreach (float v in row) sum += Math.Exp(v - max);
            double logSum = max + Math.Log(sum);
            int t = targets[n];
            double expected = t < 0 ? 0 : logSum - row[t];
            Assert.True(Math.Abs(loss[n] - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"row {n}: {loss[n]} against {expected}");
            for (int c = 0; c < Classes; c++)
            {
                double g = t < 0 ? 0 : weights[n] * (Math.Exp(row[c] - logSum) - (c == t ? 1 : 0));
                Assert.True(Math.Abs(gradient[n * Classes + c] - g) <= 1e-6 + 1e-5 * Math.Abs(g), $"row {n}, class {c}: {gradient[n * Classes + c]} against {g}");
            }
        }
    }
}
