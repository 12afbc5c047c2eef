using System.Numerics.Tensors;
using Workbench.Kernels;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Kernels;

/// <summary>The vectorised elementwise kernels against scalar loops, at every length around the 8-lane tails.</summary>
[Collection(Workbench.Tests.Kernels.GemmLogTests.Recording)] // sets the process-wide compute thread count
public class ElementKernelTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 40; n++) data.Add(n);
        data.Add(257);
        return data;
    }

    /// <summary>Logits spread over ±40 (saturated, tiny e^−|l|, and near 0) and targets in [0, 1].</summary>
    private static (float[] Logits, float[] Targets) LossInputs(int n, ulong seed)
    {
        var rng = new Rng(seed);
        var logits = new float[n];
        var targets = new float[n];
        for (int i = 0; i < n; i++)
        {
            logits[i] = (i % 5) switch { 0 => 40f * (2f * rng.NextFloat() - 1f), 1 => 0f, _ => 4f * (float)rng.NextNormal() };
            targets[i] = i % 3 == 0 ? MathF.Round(rng.NextFloat()) : rng.NextFloat();
        }
        return (logits, targets);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BinaryCrossEntropyForward_AnyLength_MatchesScalarLoop(int n)
    {
        var (logits, targets) = LossInputs(n, (ulong)n);
        var expected = new float[n];
        for (int i = 0; i < n; i++)
            expected[i] = MathF.Max(logits[i], 0f) - logits[i] * targets[i] + StableMath.Log1P(MathF.Exp(-MathF.Abs(logits[i])));
        var actual = new float[n];
        BinaryCrossEntropyKernels.Forward(logits, targets, actual);
        Close.Assert(expected, actual, rtol: 2e-6, atol: 1e-7, what: $"BCE terms, n={n}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BinaryCrossEntropyBackward_AnyLength_MatchesScalarLoop(int n)
    {
        var (logits, targets) = LossInputs(n, 100 + (ulong)n);
        var upstream = new float[n];
        for (int i = 0; i < n; i++) upstream[i] = 0.5f + i % 7;
        foreach (var gradient in new[] { new UpstreamGradient(upstream, 0.25f, perElement: true), new UpstreamGradient([3f], 0.5f, perElement: false) })
        {
            // Start from non-zero gradients: the kernel must add into them.
            var expectedLogits = Enumerable.Range(0, n).Select(i => 0.1f * i).ToArray();
            var expectedTargets = Enumerable.Range(0, n).Select(i => -0.2f * i).ToArray();
            var actualLogits = (float[])expectedLogits.Clone();
            var actualTargets = (float[])expectedTargets.Clone();
            var logitsOnly = (float[])expectedLogits.Clone();
            for (int i = 0; i < n; i++)
            {
                expectedLogits[i] += gradient.At(i) * (StableMath.Sigmoid(logits[i]) - targets[i]);
                expectedTargets[i] -= gradient.At(i) * logits[i];
            }
            BinaryCrossEntropyKernels.Backward(gradient, logits, targets, actualLogits, actualTargets);
            BinaryCrossEntropyKernels.Backward(gradient, logits, targets, logitsOnly, Span<float>.Empty);
            string what = $"n={n}, per element {gradient.PerElement}";
            Close.Assert(expectedLogits, actualLogits, rtol: 2e-6, atol: 1e-6, what: "logits gradient " + what);
            Close.Assert(expectedLogits, logitsOnly, rtol: 2e-6, atol: 1e-6, what: "logits gradient alone " + what);
            Close.Assert(expectedTargets, actualTargets, rtol: 0, atol: 0, what: "targets gradient " + what);
        }
    }

    [Fact]
    public void BinaryCrossEntropyForward_Derivative_IsOneOrEOverOnePlusEBitForBit()
    {
        // σ(l) − t with e = e^−|l| from the kernel's own exponential: 1/(1 + e) for l ≥ 0 (−0 included), e/(1 + e)
        // below, each one correctly rounded division. Logits cover both signs, zeros, tiny, huge and infinite values.
        float[] special = [0f, -0f, 1e-30f, -1e-30f, 1e-8f, -1e-8f, 0.5f, -0.5f, 17f, -17f, 87f, -87f, 88.7f, -88.7f, 100f, -100f,
            float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon];
        var rng = new Rng(91);
        var random = new float[1000];
        rng.FillUniform(random, -20f, 20f);
        var logits = special.Concat(random).ToArray();
        int n = logits.Length;
        var targets = new float[n];
        rng.FillUniform(targets, 0f, 1f);
        var (loss, derivative) = (new float[n], new float[n]);
        BinaryCrossEntropyKernels.Forward(logits, targets, loss, derivative);
        for (int i = 0; i < n; i++)
        {
            float l = logits[i];
            float e = VectorMath.ExpNonPositive(System.Runtime.Intrinsics.Vector256.Create(-MathF.Abs(l)))[0];
            float sigma = l >= 0 ? 1f / (1f + e) : e / (1f + e);
            Assert.True(BitConverter.SingleToInt32Bits(sigma - targets[i]) == BitConverter.SingleToInt32Bits(derivative[i]),
                $"logit {l:R}, target {targets[i]:R}: derivative {derivative[i]:R}, expected {sigma - targets[i]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BinaryCrossEntropyForward_WithDerivative_StoresWhatBackwardAddsAndTheSameLoss(int n)
    {
        var (logits, targets) = LossInputs(n, 200 + (ulong)n);
        var (lossAlone, loss, derivative) = (new float[n], new float[n], new float[n]);
        BinaryCrossEntropyKernels.Forward(logits, targets, lossAlone);
        BinaryCrossEntropyKernels.Forward(logits, targets, loss, derivative);
        Assert.Equal(lossAlone, loss);

        var upstream = Enumerable.Range(0, n).Select(i => 1.5f - i % 4).ToArray();
        foreach (var gradient in new[] { new UpstreamGradient(upstream, 1f, perElement: true), new UpstreamGradient(upstream, 0.5f, perElement: true),
                     new UpstreamGradient([2f], 0.125f, perElement: false) })
        {
            var viaBackward = Enumerable.Range(0, n).Select(i => 0.01f * i).ToArray();
            var viaDerivative = (float[])viaBackward.Clone();
            var scalar = (float[])viaBackward.Clone();
            BinaryCrossEntropyKernels.Backward(gradient, logits, targets, viaBackward, Span<float>.Empty);
            BinaryCrossEntropyKernels.AccumulateChain(gradient, derivative, viaDerivative);
            for (int i = 0; i < n; i++) scalar[i] += gradient.At(i) * derivative[i];
            Assert.Equal(viaBackward, viaDerivative);
            Assert.Equal(scalar, viaDerivative);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ReluBackward_AnyLength_AddsUpstreamExactlyWhereOutputIsPositive(int n)
    {
        var rng = new Rng((ulong)n);
        var output = Enumerable.Range(0, n).Select(i => i % 4 == 0 ? 0f : MathF.Max((float)rng.NextNormal(), 0f)).ToArray();
        var upstream = Enumerable.Range(0, n).Select(_ => (float)rng.NextNormal()).ToArray();
        var expected = Enumerable.Range(0, n).Select(_ => (float)rng.NextNormal()).ToArray();
        var actual = (float[])expected.Clone();
        for (int i = 0; i < n; i++) if (output[i] > 0f) expected[i] += upstream[i];
        ActivationKernels.ReluBackward(upstream, output, actual);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Adam_AnyLength_EqualsOneOperationAtATimeBitForBit(int n)
    {
        foreach (float weightDecay in new[] { 0f, 0.01f })
        {
            var rng = new Rng(7 + (ulong)n);
            float[] Draw(float scale) => Enumerable.Range(0, n).Select(_ => scale * (float)rng.NextNormal()).ToArray();
            var (p, g, m) = (Draw(1f), Draw(0.1f), Draw(0.01f));
            var v = Draw(0.001f).Select(MathF.Abs).ToArray();
            var (p2, m2, v2) = ((float[])p.Clone(), (float[])m.Clone(), (float[])v.Clone());
            const float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, stepSize = 1e-3f / 0.19f, bc2 = 0.0447102f;

            // PyTorch 1.13's order, one whole-array operation at a time (non-fused multiply-adds).
            var d = new float[n];
            if (weightDecay != 0f) TensorPrimitives.MultiplyAdd(p, weightDecay, g, d);
            else g.CopyTo(d, 0);
            TensorPrimitives.Multiply(m, beta1, m);
            TensorPrimitives.MultiplyAdd(d, 1f - beta1, m, m);
            TensorPrimitives.Multiply(d, d, d);
            TensorPrimitives.Multiply(v, beta2, v);
            TensorPrimitives.MultiplyAdd(d, 1f - beta2, v, v);
            TensorPrimitives.Sqrt(v, d);
            TensorPrimitives.Divide(d, bc2, d);
            TensorPrimitives.Add(d, eps, d);
            TensorPrimitives.Divide(m, d, d);
            TensorPrimitives.MultiplyAdd(d, -stepSize, p, p);

            OptimizerKernels.Adam(p2, g, m2, v2, beta1, beta2, eps, weightDecay, stepSize, bc2);
            Assert.Equal(m, m2);
            Assert.Equal(v, v2);
            Assert.Equal(p, p2);
        }
    }

    /// <summary>
    /// First moments that have decayed into the subnormal range beside gradients of exactly ±0 (a ReLU unit that
    /// no longer fires: its moments settle at a few times the smallest subnormal, where m·β₁ rounds back to m):
    /// the bits of m, v and p, signed zeros included, are those of the operations one at a time, lane by lane,
    /// in vectors of mixed lanes, beside weights of 0, ±2⁻⁵⁰, NaN and ∞ and zero denominators.
    /// </summary>
    [Theory]
    [InlineData(0.9f, 1e-3f / 0.19f, 1e-8f)]
    [InlineData(0.5f, 1e-3f, 1e-8f)]
    [InlineData(0.99f, 0.01f, 0f)]
    [InlineData(0f, 1f, 1e-8f)]
    [InlineData(0.9f, 2f, 1e-8f)]
    public void Adam_SubnormalFirstMomentsBesideZeroGradients_EqualOneOperationAtATimeBitForBit(float beta1, float stepSize, float eps)
    {
        var rng = new Rng(41);
        float[] moments = [.. Enumerable.Range(1, 40).Select(k => BitConverter.Int32BitsToSingle(k)),
            BitConverter.Int32BitsToSingle(0x7F_FFFF), BitConverter.Int32BitsToSingle(0x40_0001), 1e-38f, 0f];
        float[] gradients = [0f, -0f, 1e-30f, 0.5f];
        float[] parameters = [0.3f, -1.7f, 0f, MathF.ScaleB(1f, -50), MathF.ScaleB(1f, -51), -MathF.ScaleB(1f, -50), float.NaN, float.PositiveInfinity];
        float[] secondMoments = [1e-6f, 1e-16f, 0f, 4e-19f];
        int n = 2048;
        var p = new float[n];
        var g = new float[n];
        var m = new float[n];
        var v = new float[n];
        for (int i = 0; i < n; i++)
        {
            // Mostly settled-looking lanes, so whole vectors and vectors of mixed lanes both occur.
            float sign = rng.NextDouble() < 0.5 ? -1f : 1f;
            m[i] = sign * moments[rng.NextDouble() < 0.7 ? (int)(rng.NextDouble() * 8) : (int)(rng.NextDouble() * moments.Length)];
            g[i] = gradients[rng.NextDouble() < 0.8 ? (int)(rng.NextDouble() * 2) : (int)(rng.NextDouble() * gradients.Length)];
            p[i] = parameters[rng.NextDouble() < 0.6 ? (int)(rng.NextDouble() * 2) : (int)(rng.NextDouble() * parameters.Length)];
            v[i] = secondMoments[(int)(rng.NextDouble() * secondMoments.Length)];
        }
        const float beta2 = 0.999f, bc2 = 0.75f;
        var (p2, m2, v2) = ((float[])p.Clone(), (float[])m.Clone(), (float[])v.Clone());

        for (int i = 0; i < n; i++)
        {
            float d = g[i];
            m[i] = d * (1f - beta1) + m[i] * beta1;
            v[i] = d * d * (1f - beta2) + v[i] * beta2;
            p[i] = m[i] / (MathF.Sqrt(v[i]) / bc2 + eps) * -stepSize + p[i];
        }
        OptimizerKernels.Adam(p2, g, m2, v2, beta1, beta2, eps, 0f, stepSize, bc2);

        for (int i = 0; i < n; i++)
        {
            string lane = $"lane {i}: m {BitConverter.SingleToInt32Bits(m2[i]):X8} v {v[i]:R} p {p2[i]:R}, g {g[i]:R}";
            Assert.True(BitConverter.SingleToInt32Bits(m[i]) == BitConverter.SingleToInt32Bits(m2[i]), $"m: expected {BitConverter.SingleToInt32Bits(m[i]):X8}, {lane}");
            Assert.True(BitConverter.SingleToInt32Bits(v[i]) == BitConverter.SingleToInt32Bits(v2[i]), $"v, {lane}");
            Assert.True(BitConverter.SingleToInt32Bits(p[i]) == BitConverter.SingleToInt32Bits(p2[i]), $"p: expected {p[i]:R}, {lane}");
        }
        if (beta1 > 0f) Assert.Contains(m2, x => float.IsSubnormal(x)); // settled moments stay subnormal
    }

    /// <summary>
    /// The chain rule through BCE's stored derivative over a batch of Fashion-MNIST logits (128 × 784, and a tail), cut
    /// into chunks on the worker threads: every element is the one-at-a-time g·derivative (+ gradient), bit for bit.
    /// </summary>
    [Fact]
    public void AccumulateChain_BatchOfLogitsInChunks_EqualsOneElementAtATimeBitForBit()
    {
        int n = 128 * 784 + 5;
        var rng = new Rng(404);
        float[] Draw() => Enumerable.Range(0, n).Select(_ => (float)rng.NextNormal()).ToArray();
        var (upstream, derivative, start) = (Draw(), Draw(), Draw());
        foreach (var gradient in new[] { new UpstreamGradient(upstream, 0.75f, perElement: true), new UpstreamGradient([1.25f], 0.5f, perElement: false) })
            foreach (bool overwrite in new[] { false, true })
            {
                var actual = (float[])start.Clone();
                BinaryCrossEntropyKernels.AccumulateChain(gradient, derivative, actual, overwrite);
                for (int i = 0; i < n; i++)
                {
                    float term = gradient.At(i) * derivative[i];
                    float expected = overwrite ? term : start[i] + term;
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual[i]),
                        $"element {i} (per element {gradient.PerElement}, overwrite {overwrite}): {actual[i]:R}, expected {expected:R}");
                }
            }
    }

    /// <summary>Overwriting gives exactly what adding into a zeroed buffer gives, whatever the buffer held.</summary>
    [Theory]
    [MemberData(nameof(Lengths))]
    public void OverwritingBackwardKernels_AnyLength_EqualAddingIntoZeros(int n)
    {
        var rng = new Rng(300 + (ulong)n);
        float[] Draw() => Enumerable.Range(0, n).Select(_ => (float)rng.NextNormal()).ToArray();
        var (upstream, output, derivative) = (Draw(), Draw().Select(v => MathF.Max(v, 0f)).ToArray(), Draw());
        float[] Garbage() => Enumerable.Range(0, n).Select(i => float.NaN).ToArray();

        var added = new float[n];
        var written = Garbage();
        ActivationKernels.ReluBackward(upstream, output, added);
        ActivationKernels.ReluBackward(upstream, output, written, overwrite: true);
        Assert.Equal(added, written);

        foreach (var gradient in new[] { new UpstreamGradient(upstream, 0.5f, perElement: true), new UpstreamGradient([2f], 0.25f, perElement: false) })
        {
            added = new float[n];
            written = Garbage();
            BinaryCrossEntropyKernels.AccumulateChain(gradient, derivative, added);
            BinaryCrossEntropyKernels.AccumulateChain(gradient, derivative, written, overwrite: true);
            Assert.Equal(added, written);
        }

        foreach (var (outer, inner) in new[] { (1, 1), (2, 1), (1, 3), (2, 5) })
        {
            int rows = n / Math.Max(1, outer * inner);
            var g = Enumerable.Range(0, outer * inner).Select(_ => (float)rng.NextNormal()).ToArray();
            added = new float[outer * rows * inner];
            written = Enumerable.Repeat(float.NaN, added.Length).ToArray();
            AxisReduction.AccumulateBroadcast(g, outer, rows, inner, 0.5f, added);
            AxisReduction.AccumulateBroadcast(g, outer, rows, inner, 0.5f, written, overwrite: true);
            Assert.Equal(added, written);
        }
    }

    [Fact]
    public void Chunk_AnySplit_CoversTheRangeInOrderWithAlignedBoundaries()
    {
        foreach (int length in new[] { 0, 1, 7, 8, 9, 65_537, 100_003 })
            for (int parts = 1; parts <= 5; parts++)
            {
                int next = 0;
                for (int part = 0; part < parts; part++)
                {
                    var (start, count) = ParallelChunks.Chunk(length, parts, part);
                    Assert.Equal(next, start);
                    Assert.True(count >= 0);
                    if (start + count < length) Assert.Equal(0, (start + count) % 8);
                    next = start + count;
                }
                Assert.Equal(length, next);
            }
    }

    /// <summary>Spans long enough to be split across worker threads give exactly the single-threaded values.</summary>
    [Fact]
    public void LargeSpans_SplitAcrossThreads_MatchOneThreadBitForBit()
    {
        const int n = 4 * ParallelChunks.MinElementsPerPart + 13;
        var (logits, targets) = LossInputs(n, 42);
        var upstream = Enumerable.Range(0, n).Select(i => 0.5f + i % 7).ToArray();
        var rng = new Rng(43);
        var g = Enumerable.Range(0, n).Select(_ => 0.1f * (float)rng.NextNormal()).ToArray();

        (float[] Loss, float[] LogitsGradient, float[] TargetsGradient, float[] Parameter) Run()
        {
            var loss = new float[n];
            BinaryCrossEntropyKernels.Forward(logits, targets, loss);
            var (dl, dt) = (new float[n], new float[n]);
            BinaryCrossEntropyKernels.Backward(new UpstreamGradient(upstream, 0.5f, perElement: true), logits, targets, dl, dt);
            // Adam over a parameter of several parts (OptimizerKernels.AdamPartLength each).
            var parameter = Workbench.Tensors.Tensor.FromArray(logits, n);
            parameter.Grad = Workbench.Tensors.Tensor.FromArray(g, n);
            new Workbench.Optim.Adam([parameter], learningRate: 1e-2f).Step();
            return (loss, dl, dt, parameter.ToArray());
        }

        int threads = Gemm.MaxThreads;
        var parallel = Run();
        Gemm.MaxThreads = 1;
        try
        {
            var serial = Run();
            Assert.Equal(serial.Loss, parallel.Loss);
            Assert.Equal(serial.LogitsGradient, parallel.LogitsGradient);
            Assert.Equal(serial.TargetsGradient, parallel.TargetsGradient);
            Assert.Equal(serial.Parameter, parallel.Parameter);
        }
        finally
        {
            Gemm.MaxThreads = threads;
        }
    }
}
