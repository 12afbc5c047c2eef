using Workbench.Kernels;

namespace Workbench.Tensors;

// Batch normalisation (Ioffe & Szegedy 2015) as one op per layer, forward and backward each a single fused
// pass per channel (statistics, normalisation, affine map and the activation that follows; in backward the
// two gradient sums, then dx), channels shared out among the kernel worker threads. A channel's values
// (128 images × 14×14 for the conv VAE: 100 KB) stay in its thread's cache across the passes.
public sealed partial class Tensor
{
    /// <summary>
    /// Batch normalisation as PyTorch's <c>F.batch_norm</c>: y = (x − μ_c)/√(σ²_c + ε)·γ_c + β_c over channel
    /// axis 1 of x (N, C) or (N, C, *). In training, μ and σ² are the batch's mean and biased variance over every
    /// axis but 1, and the running statistics (when given) are updated in place: running ← (1 − m)·running + m·stat,
    /// with the unbiased variance for <paramref name="runningVar"/>. Otherwise the running statistics are used.
    /// </summary>
    /// <param name="weight">γ (C), or null for 1.</param>
    /// <param name="bias">β (C), or null for 0.</param>
    /// <param name="momentum">m, the weight of this batch in the running statistics.</param>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
        => BatchNormCore(input, runningMean, runningVar, weight, bias, training, momentum, eps, activate: false, negativeSlope: 0f);

    /// <summary>
    /// leaky_relu(BatchNorm(…), <paramref name="negativeSlope"/>) in one op, for a slope in [0, 1] (0 is ReLU): the
    /// activation is applied as the normalised values are written and read back from the output in backward.
    /// <see cref="NN.Sequential"/> runs a batch-norm layer followed by a LeakyReLU or ReLU this way.
    /// </summary>
    public static Tensor BatchNormLeakyRelu(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum, double eps, float negativeSlope)
    {
        if (!(negativeSlope is >= 0f and <= 1f))
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), $"BatchNormLeakyRelu: negativeSlope must be in [0, 1], got {negativeSlope}.");
        return BatchNormCore(input, runningMean, runningVar, weight, bias, training, momentum, eps, activate: true, negativeSlope);
    }

    private static Tensor BatchNormCore(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum, double eps, bool activate, float negativeSlope)
    {
        string op = activate ? "BatchNormLeakyRelu" : "BatchNorm";
        if (input.Rank < 2) throw new ArgumentException($"{op}: input must be (N, C) or (N, C, *), got shape {ShapeText(input.Dims)}.");
        int batch = input.Dims[0], channels = input.Dims[1], plane = input.Size / Math.Max(1, batch * channels);
        foreach (var (t, name) in new[] { (runningMean, "runningMean"), (runningVar, "runningVar"), (weight, "weight"), (bias, "bias") })
            if (t is not null && (t.Rank != 1 || t.Dims[0] != channels))
                throw new ArgumentException($"{op}: {name} shape {(t is null ? "" : ShapeText(t.Dims))} should be ({channels}), one value per channel of input {ShapeText(input.Dims)}.");
        if ((runningMean is null) != (runningVar is null))
            throw new ArgumentException($"{op}: give both runningMean and runningVar or neither.");
        if (!training && runningMean is null)
            throw new ArgumentException($"{op}: evaluation (training = false) needs runningMean and runningVar.");
        long count = (long)batch * plane;
        if (training && count <= 1)
            throw new ArgumentException($"{op}: expected more than 1 value per channel when training, got input of shape {ShapeText(input.Dims)}.");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"{op}: eps must be ≥ 0, got {eps}.");

        var y = Uninitialized((int[])input.Dims.Clone());
        var mean = Uninitialized([channels]);   // μ_c used to normalise
        var invStd = Uninitialized([channels]); // 1/√(σ²_c + ε)
        float[] x = input.Storage, output = y.Storage;
        float[]? gamma = weight?.Storage, beta = bias?.Storage, runMean = runningMean?.Storage, runVar = runningVar?.Storage;
        float[] means = mean.Storage, invStds = invStd.Storage;
        ForEachChannel(channels, input.Size, c =>
        {
            double mu, variance;
            if (training)
            {
                (mu, variance) = BatchNormKernels.Statistics(x, batch, channels, plane, c);
                if (runMean is not null)
                {
                    runMean[c] = (float)(momentum * mu + (1 - momentum) * runMean[c]);
                    runVar![c] = (float)(momentum * (variance * count / (count - 1)) + (1 - momentum) * runVar[c]);
                }
            }
            else (mu, variance) = (runMean![c], runVar![c]);
            float inv = (float)(1 / Math.Sqrt(variance + eps));
            means[c] = (float)mu;
            invStds[c] = inv;
            float scale = (gamma is null ? 1f : gamma[c]) * inv;
            BatchNormKernels.Normalize(x, output, batch, channels, plane, c, mu, scale, beta is null ? 0f : beta[c], activate, negativeSlope);
        });

        Tensor[] inputs = [input, .. new[] { weight, bias }.OfType<Tensor>()];
        if (!Tracks(inputs)) return y;
        return y.Record(op, inputs, g =>
        {
            var (dx, inputBeta) = input.RequiresGrad ? input.GradForUpdate() : ([], 0f);
            var dw = weight is not null && weight.RequiresGrad ? weight.GradStorage() : [];
            var db = bias is not null && bias.RequiresGrad ? bias.GradStorage() : [];
            float[] upstream = g.Storage;
            ForEachChannel(channels, input.Size, c =>
            {
                float mu = means[c], inv = invStds[c], gammaC = gamma is null ? 1f : gamma[c];
                var (sumG, sumGx) = BatchNormKernels.GradientSums(upstream, output, x, batch, channels, plane, c, mu, activate, negativeSlope);
                if (dw.Length > 0) dw[c] += (float)(sumGx * inv);
                if (db.Length > 0) db[c] += (float)sumG;
                if (dx.Length == 0) return;
                // Training: μ and σ² depend on x, dx = (g − Σg/n − (x − μ)·Σg(x − μ)/n · inv²)·inv·γ (torch's form);
                // evaluation: the statistics are constants, dx = g·inv·γ.
                float gradientMean = training ? (float)(sumG / count) : 0f;
                float projection = training ? (float)(sumGx / count * inv * inv) : 0f;
                BatchNormKernels.InputGradient(upstream, output, x, dx, batch, channels, plane, c, mu, gradientMean, projection, inv * gammaC,
                    activate, negativeSlope, accumulate: inputBeta != 0f);
            });
        });
    }

    /// <summary>
    /// Runs <paramref name="body"/> for channels 0 .. C−1, one channel per part on the kernel worker threads when the
    /// tensor is large enough to pay for them. A channel is computed by the same code on any thread.
    /// </summary>
    private static void ForEachChannel(int channels, int size, Action<int> body)
    {
        int threads = Math.Min(Gemm.MaxThreads, Math.Min(channels, size / ParallelChunks.MinElementsPerPart));
        if (threads <= 1)
        {
            for (int c = 0; c < channels; c++) body(c);
            return;
        }
        WorkerPool.Run(new ChannelWork(body), channels, threads);
    }

    private sealed class ChannelWork(Action<int> body) : PartedWork
    {
        public override void RunPart(int part) => body(part);
    }
}
