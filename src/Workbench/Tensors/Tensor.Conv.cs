using System.Buffers;
using System.Numerics.Tensors;
using Workbench.Kernels;

namespace Workbench.Tensors;

// 2-D convolution and its transpose, as one GEMM per image over an im2col matrix. The column
// matrix is scratch rented from ArrayPool for the duration of the call (forward) or of the backward
// rule, never kept: backward unfolds the input again rather than holding N column matrices alive.
public sealed partial class Tensor
{
    /// <summary>
    /// 2-D cross-correlation as PyTorch's <c>conv2d</c>: y[n, o, oy, ox] = b[o] +
    /// Σ_{c,i,j} W[o, c, i, j] · x[n, c, oy·s − p + i, ox·s − p + j], zero outside the image.
    /// x (N, C, H, W), W (O, C, kh, kw), b (O) → (N, O, Ho, Wo) with Ho = ⌊(H + 2p − kh)/s⌋ + 1.
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        const string op = "Conv2d";
        RequireConvShapes(op, input, weight, stride, padding);
        int batch = input.Dims[0], inC = input.Dims[1], height = input.Dims[2], width = input.Dims[3];
        int outC = weight.Dims[0], kh = weight.Dims[2], kw = weight.Dims[3];
        if (weight.Dims[1] != inC)
            throw new ArgumentException($"{op}: input has {inC} channels but weight {ShapeText(weight.Dims)} expects {weight.Dims[1]} (weight is (out, in, kh, kw)).");
        RequireBias(op, bias, outC);
        if (height + 2 * padding < kh || width + 2 * padding < kw)
            throw new ArgumentException($"{op}: kernel {kh}×{kw} is larger than the padded input {height + 2 * padding}×{width + 2 * padding} (input {ShapeText(input.Dims)}, padding {padding}).");

        var geo = new ConvGeometry(inC, height, width, kh, kw, stride, padding,
            (height + 2 * padding - kh) / stride + 1, (width + 2 * padding - kw) / stride + 1);
        int patch = geo.PatchSize, positions = geo.Positions, imageSize = geo.ImageSize, outSize = outC * positions;

        var y = Uninitialized([batch, outC, geo.OutH, geo.OutW]);
        float[] scratch = ArrayPool<float>.Shared.Rent(patch * positions);
        try
        {
            var cols = scratch.AsSpan(0, patch * positions);
            for (int n = 0; n < batch; n++)
            {
                var yn = y.Storage.AsSpan(n * outSize, outSize);
                float beta = FillBias(yn, bias, positions);
                Im2Col.Unfold(geo, input.Storage.AsSpan(n * imageSize, imageSize), cols);
                // (O, C·kh·kw) · (C·kh·kw, Ho·Wo) → (O, Ho·Wo)
                Gemm.Multiply(false, false, outC, positions, patch, 1f, weight.Storage, patch, cols, positions, beta, yn, positions);
            }
        }
        finally { ArrayPool<float>.Shared.Return(scratch); }

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        if (!Tracks(inputs)) return y;
        return y.Record(op, inputs, g =>
        {
            float[] colsBuffer = ArrayPool<float>.Shared.Rent(patch * positions);
            try
            {
                var cols = colsBuffer.AsSpan(0, patch * positions);
                for (int n = 0; n < batch; n++)
                {
                    var gn = g.Storage.AsSpan(n * outSize, outSize);
                    if (weight.RequiresGrad) // dW += dYₙ · colsₙᵀ: (O, Ho·Wo)·(Ho·Wo, C·kh·kw)
                    {
                        Im2Col.Unfold(geo, input.Storage.AsSpan(n * imageSize, imageSize), cols);
                        Gemm.Multiply(false, true, outC, patch, positions, 1f, gn, positions, cols, positions, 1f, weight.GradStorage(), patch);
                    }
                    if (input.RequiresGrad) // dXₙ += col2im(Wᵀ · dYₙ): (C·kh·kw, O)·(O, Ho·Wo)
                    {
                        Gemm.Multiply(true, false, patch, positions, outC, 1f, weight.Storage, patch, gn, positions, 0f, cols, positions);
                        Im2Col.FoldAdd(geo, cols, input.GradStorage().AsSpan(n * imageSize, imageSize));
                    }
                }
            }
            finally { ArrayPool<float>.Shared.Return(colsBuffer); }
            if (bias is not null && bias.RequiresGrad) AccumulateBiasGrad(g.Storage, bias.GradStorage(), batch, outC, positions);
        });
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
    {
        const string op = "ConvTranspose2d";
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

        var y = Uninitialized([batch, outC, outH, outW]);
        float[] scratch = ArrayPool<float>.Shared.Rent(patch * positions);
        try
        {
            var cols = scratch.AsSpan(0, patch * positions);
            for (int n = 0; n < batch; n++)
            {
                var yn = y.Storage.AsSpan(n * outSize, outSize);
                if (FillBias(yn, bias, outH * outW) == 0f) yn.Clear();
                // (Cout·kh·kw, Cin) · (Cin, H·W) → (Cout·kh·kw, H·W), then scatter-add onto the output.
                Gemm.Multiply(true, false, patch, positions, inC, 1f, weight.Storage, patch, input.Storage.AsSpan(n * inSize, inSize), positions, 0f, cols, positions);
                Im2Col.FoldAdd(geo, cols, yn);
            }
        }
        finally { ArrayPool<float>.Shared.Return(scratch); }

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        if (!Tracks(inputs)) return y;
        return y.Record(op, inputs, g =>
        {
            if (input.RequiresGrad || weight.RequiresGrad)
            {
                float[] colsBuffer = ArrayPool<float>.Shared.Rent(patch * positions);
                try
                {
                    var cols = colsBuffer.AsSpan(0, patch * positions);
                    for (int n = 0; n < batch; n++)
                    {
                        Im2Col.Unfold(geo, g.Storage.AsSpan(n * outSize, outSize), cols); // (Cout·kh·kw, H·W)
                        if (input.RequiresGrad) // dXₙ += W · cols: (Cin, Cout·kh·kw)·(Cout·kh·kw, H·W)
                            Gemm.Multiply(false, false, inC, positions, patch, 1f, weight.Storage, patch, cols, positions, 1f, input.GradStorage().AsSpan(n * inSize, inSize), positions);
                        if (weight.RequiresGrad) // dW += Xₙ · colsᵀ: (Cin, H·W)·(H·W, Cout·kh·kw)
                            Gemm.Multiply(false, true, inC, patch, positions, 1f, input.Storage.AsSpan(n * inSize, inSize), positions, cols, positions, 1f, weight.GradStorage(), patch);
                    }
                }
                finally { ArrayPool<float>.Shared.Return(colsBuffer); }
            }
            if (bias is not null && bias.RequiresGrad) AccumulateBiasGrad(g.Storage, bias.GradStorage(), batch, outC, outH * outW);
        });
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

    /// <summary>Writes bias[c] over each channel's <paramref name="positions"/> outputs; returns the GEMM β to use (1 if written, else 0).</summary>
    private static float FillBias(Span<float> output, Tensor? bias, int positions)
    {
        if (bias is null) return 0f;
        var b = bias.Span;
        for (int c = 0; c < b.Length; c++) output.Slice(c * positions, positions).Fill(b[c]);
        return 1f;
    }

    /// <summary>db[c] += Σ over batch and positions of g[n, c, ·].</summary>
    private static void AccumulateBiasGrad(float[] outputGrad, float[] biasGrad, int batch, int channels, int positions)
    {
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
                biasGrad[c] += TensorPrimitives.Sum(outputGrad.AsSpan((n * channels + c) * positions, positions));
    }
}
