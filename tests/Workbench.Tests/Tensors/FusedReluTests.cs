using Workbench.Kernels;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Tensors;

/// <summary>
/// The layer-plus-ReLU ops that apply the activation inside the layer's own pass must give exactly the bits
/// of the layer followed by <see cref="Tensor.Relu"/>, forward and backward: fusing is a speed choice only.
/// </summary>
public class FusedReluTests
{
    public static TheoryData<int, int, int, int> GemmShapes => new()
    {
        { 128, 400, 784, 1 },  // the MLP's first layer: one rank-KC block per third of k
        { 4096, 784, 400, 2 }, // the importance-weighted bound's decoder output: two rank-KC updates
        { 300, 200, 1000, 2 }, // three rank-KC updates
        { 128, 20, 400, 2 },   // a narrow result, computed as Cᵀ (the bias runs along its rows)
        { 37, 129, 33, 3 },    // edge tiles on both sides, an uneven 3-thread split
        { 5, 7, 3, 1 },        // the unpacked small-problem path
        { 6, 9, 0, 1 },        // k = 0: C is the bias alone
    };

    [Theory]
    [MemberData(nameof(GemmShapes))]
    public void MultiplyBiasRelu_GivesTheBitsOfBiasThenMultiplyThenMax(int m, int n, int k, int threads)
    {
        var rng = new Rng((ulong)(m * 7 + n * 3 + k));
        var a = new float[m * k];
        var b = new float[n * k];
        var bias = new float[n];
        rng.FillNormal(a);
        rng.FillNormal(b);
        rng.FillNormal(bias);
        if (m * k > 0) a[0] = float.NaN; // a NaN row must stay NaN through the ReLU, as TensorPrimitives.Max keeps it

        foreach (var kernel in new[] { Gemm.Kernel.Best, Gemm.Kernel.Portable })
            foreach (bool relu in new[] { false, true })
            {
                // Reference: C filled with the broadcast bias, C += A·Bᵀ (β = 1), then max(C, 0).
                var expected = new float[m * n];
                for (int i = 0; i < m; i++) bias.CopyTo(expected.AsSpan(i * n, n));
                Gemm.Multiply(kernel, threads, false, true, m, n, k, 1f, a, k, b, k, 1f, expected, n);
                if (relu) System.Numerics.Tensors.TensorPrimitives.Max(expected, 0f, expected);

                var actual = Enumerable.Repeat(float.NaN, m * n).ToArray(); // written, never read
                Gemm.Multiply(kernel, threads, false, true, m, n, k, 1f, a, k, b, k, 0f, actual, n, bias, relu);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{kernel} m={m} n={n} k={k} relu={relu}: bits differ");
            }
    }

    [Fact]
    public void MultiplyBiasRelu_BiasOfTheWrongLengthOrWithBeta_IsRefused()
    {
        var c = new float[6];
        var error = Assert.Throws<ArgumentException>(() => Gemm.Multiply(Gemm.Kernel.Best, 1, false, false, 2, 3, 1, 1f, new float[2], 1, new float[3], 3, 0f, c, 3, new float[2], false));
        Assert.Contains("one value per column of C (3, got 2)", error.Message);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(Gemm.Kernel.Best, 1, false, false, 2, 3, 1, 1f, new float[2], 1, new float[3], 3, 1f, c, 3, new float[3], false));
    }

    public static TheoryData<string> FusedOps => new() { "LinearRelu", "Conv2dRelu", "ConvTranspose2dRelu" };

    /// <summary>At the shapes of the MLP's first layer and the conv VAE's 32↔64 layers (batch 128, several groups of images).</summary>
    [Theory]
    [MemberData(nameof(FusedOps))]
    public void FusedOp_MatchesTheLayerThenRelu_ValuesAndGradients(string op)
    {
        Func<Tensor, Tensor, Tensor, Tensor> layered, fused;
        int[] xShape, wShape;
        switch (op)
        {
            case "LinearRelu":
                (xShape, wShape) = ([128, 400], [300, 400]);
                layered = (x, w, b) => Tensor.Linear(x, w, b).Relu();
                fused = Tensor.LinearRelu;
                break;
            case "Conv2dRelu":
                (xShape, wShape) = ([128, 32, 14, 14], [64, 32, 4, 4]);
                layered = (x, w, b) => Tensor.Conv2d(x, w, b, 2, 1).Relu();
                fused = (x, w, b) => Tensor.Conv2dRelu(x, w, b, 2, 1);
                break;
            default:
                (xShape, wShape) = ([128, 64, 7, 7], [64, 32, 4, 4]);
                layered = (x, w, b) => Tensor.ConvTranspose2d(x, w, b, 2, 1).Relu();
                fused = (x, w, b) => Tensor.ConvTranspose2dRelu(x, w, b, 2, 1);
                break;
        }
        int outChannels = op == "ConvTranspose2dRelu" ? wShape[1] : wShape[0];
        AssertSameBits(layered, fused, GradCheck.Random(1, xShape), GradCheck.Random(2, wShape), GradCheck.Random(3, outChannels));
    }

    [Fact]
    public void Sequential_FusesLayerAndRelu_WithTheBitsOfRunningThemOneByOne()
    {
        var rng = new Rng(10);
        var net = new Sequential(
            new Unflatten(1, 28, 28),
            new Conv2d(1, 8, 4, rng, stride: 2, padding: 1), new ReLU(),
            new Flatten(),
            new Linear(8 * 14 * 14, 64, rng), new ReLU(),
            new Linear(64, 8 * 7 * 7, rng), new ReLU(),
            new Unflatten(8, 7, 7),
            new ConvTranspose2d(8, 4, 4, rng, stride: 2, padding: 1), new ReLU(),
            new ConvTranspose2d(4, 1, 4, rng, stride: 2, padding: 1),
            new Flatten());
        var x = GradCheck.Random(11, 32, 28 * 28);

        var fused = Run(input => net.Forward(input));
        var layered = Run(input =>
        {
            foreach (var layer in net) input = layer.Forward(input);
            return input;
        });
        Assert.Equal(layered.Output, fused.Output);
        Assert.Equal(layered.Gradients.Length, fused.Gradients.Length);
        for (int i = 0; i < fused.Gradients.Length; i++) Assert.Equal(layered.Gradients[i], fused.Gradients[i]);

        (float[] Output, float[][] Gradients) Run(Func<Tensor, Tensor> forward)
        {
            foreach (var p in net.Parameters()) p.ZeroGrad();
            var y = forward(x);
            ((y + 1f).Square() * 0.5f).Sum().Backward();
            return (y.ToArray(), net.Parameters().Select(p => p.Grad!.ToArray()).ToArray());
        }
    }

    private static void AssertSameBits(Func<Tensor, Tensor, Tensor, Tensor> layered, Func<Tensor, Tensor, Tensor, Tensor> fused, Tensor x, Tensor weight, Tensor bias)
    {
        var expected = ForwardBackward(layered, x, weight, bias);
        var actual = ForwardBackward(fused, x, weight, bias);
        Assert.True(expected.Y.Count(v => v == 0f) > expected.Y.Length / 4, "the test needs a good share of clamped outputs");
        Assert.Equal(expected.Y, actual.Y);
        Assert.Equal(expected.Dx, actual.Dx);
        Assert.Equal(expected.Dw, actual.Dw);
        Assert.Equal(expected.Db, actual.Db);
    }

    private static (float[] Y, float[] Dx, float[] Dw, float[] Db) ForwardBackward(Func<Tensor, Tensor, Tensor, Tensor> op, Tensor x, Tensor weight, Tensor bias)
    {
        var (xi, wi, bi) = (x.Clone(), weight.Clone(), bias.Clone());
        xi.RequiresGrad = wi.RequiresGrad = bi.RequiresGrad = true;
        var y = op(xi, wi, bi);
        // A loss whose gradient is y + 1: non-zero where the ReLU clamped, so its mask decides the result.
        ((y + 1f).Square() * 0.5f).Sum().Backward();
        return (y.ToArray(), xi.Grad!.ToArray(), wi.Grad!.ToArray(), bi.Grad!.ToArray());
    }
}
