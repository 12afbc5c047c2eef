using System.Numerics.Tensors;
using Workbench.Kernels;

namespace Workbench.Tensors;

// 2-D convolution and its transpose over a minibatch, in groups of images whose column matrix fits
// ColumnBudget: a group's im2col matrix (C·kh·kw, count·Ho·Wo) makes each pass of a layer one GEMM per
// group. The groups are the parts of one job on the kernel worker threads: a thread unfolds a group, runs
// its product single-threaded and writes its slice of the output, so the matrix is still in that thread's
// cache when the GEMM reads it, and no thread waits for another between the steps. The bias (and a fused
// ReLU) is applied in the reorder or fold that writes the output, so it costs no pass of its own. dW and
// db are summed per group and the groups' sums added in group order, so the results are the same on any
// number of threads. Column matrices are per-thread scratch (Kernels/ThreadScratch.cs): backward unfolds a
// group's input again for its dW product rather than keeping forward's matrices (12.8 MB for the conv VAE's
// second layer at batch 128), whose writes and reads through memory cost more than unrolling in cache; with
// 4 × 4 kernels it packs the product's operand straight from the images instead (Im2Col.Patches.cs).
public sealed partial class Tensor
{
    /// <summary>
    /// 2-D cross-correlation as PyTorch's <c>conv2d</c>: y[n, o, oy, ox] = b[o] +
    /// Σ_{c,i,j} W[o, c, i, j] · x[n, c, oy·s − p + i, ox·s − p + j], zero outside the image.
    /// x (N, C, H, W), W (O, C, kh, kw), b (O) → (N, O, Ho, Wo) with Ho = ⌊(H + 2p − kh)/s⌋ + 1.
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
        => Conv2dCore(input, weight, bias, stride, padding, relu: false);

    /// <summary>
    /// relu(Conv2d(x, W, b)) in one op: the ReLU is applied as each output plane is written and read back
    /// as a mask in backward. Values and gradients are bit-for-bit those of <c>Conv2d(…).Relu()</c>;
    /// <see cref="NN.Sequential"/> runs a Conv2d layer followed by a ReLU this way.
    /// </summary>
    public static Tensor Conv2dRelu(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
        => Conv2dCore(input, weight, bias, stride, padding, relu: true);

    private static Tensor Conv2dCore(Tensor input, Tensor weight, Tensor? bias, int stride, int padding, bool relu)
    {
        string op = relu ? "Conv2dRelu" : "Conv2d";
        RequireConvShapes(op, input, weight, stride, padding);
        int batch = input.Dims[0], inC = input.Dims[1], height = input.Dims[2], width = input.Dims[3];
        int outC = weight.Dims[0], kh = weight.Dims[2], kw = weight.Dims[3];
        if (weight.Dims[1] != inC)
            throw new ArgumentException($"{op}: input has {inC} channels but weight {ShapeText(weight.Dims)} expects {weight.Dims[1]} (weight is (out, in, kh, kw)).");
        RequireBias(op, bias, outC);
        if (height + 2 * padding < kh || width + 2 * padding < kw)
            throw new ArgumentException($"{op}: kernel {kh}×{kw} is larger than the padded input {height + 2 * padding}×{width + 2 * padding} (input {ShapeText(input.Dims)}, padding {padding}).");

        if (UsesDirectConv(outC, kh, kw, stride, padding)) return Conv2dDirect(op, input, weight, bias, padding, relu);
        var geo = new ConvGeometry(inC, height, width, kh, kw, stride, padding,
            (height + 2 * padding - kh) / stride + 1, (width + 2 * padding - kw) / stride + 1);
        return ConvolveByColumns(op, input, weight, bias, new Unfolding2d(geo), [batch, outC, geo.OutH, geo.OutW], relu);
    }

    /// <summary>
    /// The transpose (adjoint) of <see cref="Conv2d"/> as PyTorch's <c>conv_transpose2d</c>: every input
    /// pixel scatters W[cᵢₙ, :, :, :] onto the output window it would have been read from by a convolution.
    /// x (N, Cin, H, W), W (Cin, Cout, kh, kw), b (Cout) → (N, Cout, Ho, Wo) with
    /// Ho = (H − 1)·s − 2p + kh + outputPadding.
    /// </summary>
    /// <remarks>
    /// ⟨Conv2d(z, W), x⟩ = ⟨z, ConvTranspose2d(x, W)⟩ for bias-free ops with the same W, stride and
    /// padding: forward is Wᵀ·x followed by col2im, backward is im2col followed by W·(…).
    /// </remarks>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0)
        => ConvTranspose2dCore(input, weight, bias, stride, padding, outputPadding, relu: false);

    /// <summary>
    /// relu(ConvTranspose2d(x, W, b)) in one op: each output image goes through the ReLU as soon as it is
    /// folded. Values and gradients are bit-for-bit those of <c>ConvTranspose2d(…).Relu()</c>;
    /// <see cref="NN.Sequential"/> runs a ConvTranspose2d layer followed by a ReLU this way.
    /// </summary>
    public static Tensor ConvTranspose2dRelu(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0)
        => ConvTranspose2dCore(input, weight, bias, stride, padding, outputPadding, relu: true);

    private static Tensor ConvTranspose2dCore(Tensor input, Tensor weight, Tensor? bias, int stride, int padding, int outputPadding, bool relu)
    {
        string op = relu ? "ConvTranspose2dRelu" : "ConvTranspose2d";
        RequireConvShapes(op, input, weight, stride, padding);
        int batch = input.Dims[0], inC = input.Dims[1], height = input.Dims[2], width = input.Dims[3];
        int outC = weight.Dims[1], kh = weight.Dims[2], kw = weight.Dims[3];
        if (weight.Dims[0] != inC)
            throw new ArgumentException($"{op}: input has {inC} channels but weight {ShapeText(weight.Dims)} expects {weight.Dims[0]} (weight is (in, out, kh, kw)).");
        RequireBias(op, bias, outC);
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentOutOfRangeException(nameof(outputPadding), $"{op}: outputPadding must be in [0, stride) = [0, {stride}), got {outputPadding}.");
        int outH = (height - 1) * stride - 2 * padding + kh + outputPadding;
        int outW = (width - 1) * stride - 2 * padding + kw + outputPadding;
        if (height < 1 || width < 1 || outH < 1 || outW < 1)
            throw new ArgumentException($"{op}: output size would be {outH}×{outW} for input {ShapeText(input.Dims)}, kernel {kh}×{kw}, stride {stride}, padding {padding}, outputPadding {outputPadding}; it must be positive.");

        // The convolution this op is the adjoint of: it reads the (Cout, Ho, Wo) output and yields (H, W).
        var geo = new ConvGeometry(outC, outH, outW, kh, kw, stride, padding, height, width);
        int patch = geo.PatchSize, positions = geo.Positions, inSize = inC * positions, outSize = geo.ImageSize;

        int group = GroupSize(batch, patch * positions);

        var y = Uninitialized([batch, outC, outH, outW]);
        float[] x = input.Storage, w = weight.Storage, output = y.Storage;
        ForEachGroup(batch, group, (_, first, count, threads) =>
        {
            int columnCount = count * positions;
            var cols = ThreadScratch.First(patch * columnCount);
            var xcm = ThreadScratch.Second(inC * columnCount); // X as (Cin, count·H·W)
            ChannelMajor.Gather(x.AsSpan(first * inSize, count * inSize), count, inC, positions, xcm);
            // (Cout·kh·kw, Cin) · (Cin, count·H·W) → (Cout·kh·kw, count·H·W), then scattered onto b.
            Gemm.Multiply(Gemm.Kernel.Best, threads, true, false, patch, columnCount, inC, 1f, w, patch, xcm, columnCount, 0f, cols, columnCount);
            Im2Col.FoldBatch(geo, cols, count, output.AsSpan(first * outSize, count * outSize), BiasSpan(bias), accumulate: false, relu);
        }, productVolumePerImage: (long)patch * positions * inC);

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        if (!Tracks(inputs)) return y;
        return y.Record(op, inputs, upstream =>
            ConvTranspose2dBackward(upstream.Storage, relu ? y.Storage : null, input, weight, bias, geo, batch, group, inC));
    }

    /// <summary>
    /// Accumulates the gradients of a transposed convolution given dL/dy (<paramref name="upstream"/>, (N, Cout, Ho, Wo)),
    /// taken back through a ReLU first when its output <paramref name="reluOutput"/> is given (dY where y &gt; 0,
    /// else 0, a group at a time).
    /// </summary>
    private static void ConvTranspose2dBackward(float[] upstream, float[]? reluOutput, Tensor input, Tensor weight, Tensor? bias, ConvGeometry geo, int batch, int group, int inC)
    {
        int patch = geo.PatchSize, positions = geo.Positions, inSize = inC * positions, outSize = geo.ImageSize;
        int outC = geo.Channels, plane = geo.Height * geo.Width;
        var (dw, weightBeta) = weight.RequiresGrad ? weight.GradForUpdate() : ([], 0f);
        var (dx, inputBeta) = input.RequiresGrad ? input.GradForUpdate() : ([], 0f);
        var (db, biasBeta) = bias is not null && bias.RequiresGrad ? bias.GradForUpdate() : ([], 0f);
        if (dw.Length == 0 && dx.Length == 0 && db.Length == 0) return;
        int weightSize = weight.Size, groups = GroupCount(batch, group);
        float[] dwParts = TensorScope.RentScratch(dw.Length > 0 ? groups * weightSize : 0); // summed in group order afterwards
        float[] planeSums = TensorScope.RentScratch(db.Length > 0 ? batch * outC : 0);     // Σ of each (image, channel) plane of dY
        float[] x = input.Storage;
        try
        {
            ForEachGroup(batch, group, (index, first, count, threads) =>
            {
                int columnCount = count * positions;
                ReadOnlySpan<float> g = upstream.AsSpan(first * outSize, count * outSize); // the group's dY
                if (reluOutput is not null)
                {
                    var masked = ThreadScratch.Third(count * outSize);
                    ActivationKernels.ReluBackward(g, reluOutput.AsSpan(first * outSize, count * outSize), masked, overwrite: true);
                    g = masked;
                }
                if (db.Length > 0) AxisReduction.Sum(g, count * outC, plane, 1, 1f, planeSums.AsSpan(first * outC, count * outC));
                if (dx.Length == 0 && dw.Length == 0) return;
                var cols = ThreadScratch.First(patch * columnCount);
                var cm = ThreadScratch.Second(inC * columnCount);
                Im2Col.UnfoldBatch(geo, g, count, cols); // (Cout·kh·kw, count·H·W)
                if (dx.Length > 0) // dX += W · cols: (Cin, Cout·kh·kw)·(Cout·kh·kw, count·H·W)
                {
                    Gemm.Multiply(Gemm.Kernel.Best, threads, false, false, inC, columnCount, patch, 1f, weight.Storage, patch, cols, columnCount, 0f, cm, columnCount);
                    ChannelMajor.Scatter(cm, count, inC, positions, dx.AsSpan(first * inSize, count * inSize), default, accumulate: inputBeta != 0f);
                }
                if (dw.Length > 0) // X · colsᵀ: (Cin, count·H·W)·(count·H·W, Cout·kh·kw)
                {
                    ChannelMajor.Gather(x.AsSpan(first * inSize, count * inSize), count, inC, positions, cm);
                    Gemm.Multiply(Gemm.Kernel.Best, threads, false, true, inC, patch, columnCount, 1f, cm, columnCount, cols, columnCount,
                        0f, dwParts.AsSpan(index * weightSize, weightSize), patch);
                }
            });
            if (dw.Length > 0) AxisReduction.AccumulateColumnSums(dwParts, groups, weightSize, dw, overwrite: weightBeta == 0f);
            if (db.Length > 0) AxisReduction.AccumulateColumnSums(planeSums, batch, outC, db, overwrite: biasBeta == 0f); // image by image, in batch order
        }
        finally
        {
            TensorScope.ReturnScratch(planeSums);
            TensorScope.ReturnScratch(dwParts);
        }
    }

    private static void RequireConvShapes(string op, Tensor input, Tensor weight, int stride, int padding)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"{op}: input must be (N, C, H, W), got shape {ShapeText(input.Dims)}.");
        if (weight.Rank != 4)
            throw new ArgumentException($"{op}: weight must have rank 4, got shape {ShapeText(weight.Dims)}.");
        if (weight.Dims[2] < 1 || weight.Dims[3] < 1)
            throw new ArgumentException($"{op}: kernel size must be positive, weight shape {ShapeText(weight.Dims)}.");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: stride must be ≥ 1, got {stride}.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: padding must be ≥ 0, got {padding}.");
    }

    private static void RequireBias(string op, Tensor? bias, int channels)
    {
        if (bias is not null && (bias.Rank != 1 || bias.Dims[0] != channels))
            throw new ArgumentException($"{op}: bias shape {ShapeText(bias.Dims)} should be ({channels}).");
    }

    /// <summary>
    /// Column matrices of one group of images hold at most this many floats (768 KB). A group is the unit of
    /// work of one thread, so scratch memory does not grow with the batch, the matrix a GEMM reads is still
    /// in the thread's cache from its unfolding (one 12.8 MB matrix for the conv VAE's second layer at batch
    /// 128 ran ~10 % slower), and a batch makes enough groups (19 of ≤ 7 images for that layer) for the
    /// threads to share them evenly. Measured on that VAE's four conv layers, forward and backward at batch
    /// 128 on two threads: 768 KB 25.3-25.6 ms, 640 KB 25.8, 512 KB 25.7, 896 KB 26.3, 1 MB 26.9-27.0,
    /// 256 KB 29.2.
    /// </summary>
    internal const int ColumnBudget = 192 * 1024;

    /// <summary>
    /// Images per group when one image's column matrix holds <paramref name="columnsPerImage"/> floats: the
    /// fewest groups within <see cref="ColumnBudget"/>, made as equal as they can be.
    /// </summary>
    internal static int GroupSize(int batch, int columnsPerImage)
    {
        int most = Math.Clamp(ColumnBudget / Math.Max(1, columnsPerImage), 1, Math.Max(1, batch));
        int groups = (batch + most - 1) / most;
        return (batch + groups - 1) / groups;
    }

    private static int GroupCount(int batch, int group) => (batch + group - 1) / group;

    /// <summary>(index, first image, image count, threads for the group's own kernels).</summary>
    private delegate void GroupBody(int index, int first, int count, int threads);

    /// <summary>
    /// Runs <paramref name="body"/> for each group of <paramref name="group"/> images of the batch. Several groups
    /// run on the kernel worker threads, a whole group per part, claimed as threads come free (a thread the
    /// machine slows down takes fewer groups), each group's products on its one thread; a single group gets
    /// all threads for its products. A group computes the same values on any thread, so the results do not
    /// depend on the thread count or on timing.
    /// </summary>
    /// <param name="productVolumePerImage">
    /// When positive, the body's results do not depend on how the batch is grouped (a forward pass sums nothing across
    /// images) and its product has this m·n·k per image: on several threads the groups are then made a multiple of the
    /// thread count and as equal as they can be (the conv VAE's first layer: 4 groups of 32 images rather than 43, 43
    /// and 42, of which one thread would run two), as long as every group's product stays on the GEMM's blocked path
    /// (m·n·k ≥ <see cref="Gemm.SmallProblemVolume"/>), whose bits do not depend on the number of columns.
    /// </param>
    private static void ForEachGroup(int batch, int group, GroupBody body, long productVolumePerImage = 0)
    {
        int groups = GroupCount(batch, group), threads = Gemm.MaxThreads;
        if (groups == 1 || threads == 1)
        {
            for (int index = 0; index < groups; index++)
                body(index, index * group, Math.Min(group, batch - index * group), threads);
            return;
        }
        int evenGroups = 0;
        if (productVolumePerImage > 0 && groups % threads != 0)
        {
            int balanced = (groups + threads - 1) / threads * threads;
            if (balanced <= batch && batch / balanced * productVolumePerImage >= Gemm.SmallProblemVolume) evenGroups = groups = balanced;
        }
        WorkerPool.Run(new GroupWork(batch, group, evenGroups, body), groups, Math.Min(groups, threads));
    }

    /// <param name="evenGroups">When positive, part i is images [i·batch/evenGroups, (i+1)·batch/evenGroups); otherwise groups of <paramref name="group"/>.</param>
    private sealed class GroupWork(int batch, int group, int evenGroups, GroupBody body) : PartedWork
    {
        public override void RunPart(int part)
        {
            if (evenGroups <= 0)
            {
                body(part, part * group, Math.Min(group, batch - part * group), 1);
                return;
            }
            int first = (int)((long)batch * part / evenGroups), end = (int)((long)batch * (part + 1) / evenGroups);
            body(part, first, end - first, 1);
        }
    }

    private static ReadOnlySpan<float> BiasSpan(Tensor? bias) => bias is null ? default : bias.Span;
}
