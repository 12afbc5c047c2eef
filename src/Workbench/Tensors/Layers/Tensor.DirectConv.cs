using Workbench.Kernels;

namespace Workbench.Tensors;

// Stride-1 convolutions with very few output channels (a decoder's last 3×3 convolution to one channel) run
// directly (Kernels/DirectConv.cs) rather than as im2col + GEMM, whose product would be a matrix-vector product
// over a column matrix kh·kw times the input's size. The input gradient is the same direct kernel run on dY with
// the flipped, transposed kernel and padding k − 1 − p; dW and db are summed per image and the images' sums
// added in batch order, so the results are the same on any number of threads.
public sealed partial class Tensor
{
    /// <summary>Whether <see cref="Conv2d"/> runs directly: stride 1, at most <see cref="DirectConv.MaxOutChannels"/> outputs, padding below the kernel.</summary>
    internal static bool UsesDirectConv(int outC, int kh, int kw, int stride, int padding)
        => stride == 1 && outC <= DirectConv.MaxOutChannels && padding <= kh - 1 && padding <= kw - 1;

    /// <summary>Conv2d (stride 1) by the direct kernel: x (N, C, H, W), W (O, C, kh, kw), b (O) → (N, O, Ho, Wo).</summary>
    private static Tensor Conv2dDirect(string op, Tensor input, Tensor weight, Tensor? bias, int padding, bool relu)
    {
        int batch = input.Dims[0], inC = input.Dims[1], outC = weight.Dims[0], kh = weight.Dims[2], kw = weight.Dims[3];
        var geo = new DirectGeometry(inC, outC, input.Dims[2], input.Dims[3], kh, kw, padding, padding);
        var y = Uninitialized([batch, outC, geo.OutH, geo.OutW]);
        DirectConv.Forward(geo, input.Storage.AsSpan(0, input.Size), weight.Storage.AsSpan(0, weight.Size), BiasSpan(bias), batch, y.Storage.AsSpan(0, y.Size), accumulate: false, relu);

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        if (!Tracks(inputs)) return y;
        return y.Record(op, inputs, g => Conv2dDirectBackward(geo, g, relu ? y : null, input, weight, bias, batch));
    }

    private static void Conv2dDirectBackward(DirectGeometry geo, Tensor upstream, Tensor? reluOutput, Tensor input, Tensor weight, Tensor? bias, int batch)
    {
        var (dw, weightBeta) = weight.RequiresGrad ? weight.GradForUpdate() : ([], 0f);
        var (dx, inputBeta) = input.RequiresGrad ? input.GradForUpdate() : ([], 0f);
        var (db, biasBeta) = bias is not null && bias.RequiresGrad ? bias.GradForUpdate() : ([], 0f);
        int outSize = batch * geo.OutSize, weightSize = geo.WeightSize, taps = geo.KernelH * geo.KernelW;
        float[] masked = TensorScope.RentScratch(reluOutput is null ? 0 : outSize);
        float[] dwParts = TensorScope.RentScratch(dw.Length > 0 || db.Length > 0 ? batch * weightSize : 0);
        float[] dbParts = TensorScope.RentScratch(db.Length > 0 ? batch * geo.OutC : 0);
        float[] flipped = TensorScope.RentScratch(dx.Length > 0 ? weightSize : 0);
        try
        {
            ReadOnlySpan<float> g = upstream.Storage.AsSpan(0, upstream.Size);
            if (reluOutput is not null) // dY where y > 0, else 0
            {
                ActivationKernels.ReluBackward(g, reluOutput.Storage.AsSpan(0, reluOutput.Size), masked.AsSpan(0, outSize), overwrite: true);
                g = masked.AsSpan(0, outSize);
            }
            if (dw.Length > 0 || db.Length > 0)
            {
                DirectConv.ParameterGradients(geo, input.Storage.AsSpan(0, input.Size), g, default, batch, dwParts.AsSpan(0, batch * weightSize),
                    db.Length > 0 ? dbParts.AsSpan(0, batch * geo.OutC) : default);
                if (dw.Length > 0) AxisReduction.AccumulateColumnSums(dwParts, batch, weightSize, dw, overwrite: weightBeta == 0f);
                if (db.Length > 0) AxisReduction.AccumulateColumnSums(dbParts, batch, geo.OutC, db, overwrite: biasBeta == 0f);
            }
            if (dx.Length > 0) // dX = conv(dY, W flipped and transposed, padding k − 1 − p)
            {
                float[] w = weight.Storage;
                for (int o = 0; o < geo.OutC; o++)
                    for (int c = 0; c < geo.InC; c++)
                        for (int t = 0; t < taps; t++)
                            flipped[(c * geo.OutC + o) * taps + t] = w[(o * geo.InC + c) * taps + (taps - 1 - t)];
                var back = new DirectGeometry(geo.OutC, geo.InC, geo.OutH, geo.OutW, geo.KernelH, geo.KernelW,
                    geo.KernelH - 1 - geo.PadH, geo.KernelW - 1 - geo.PadW);
                DirectConv.Forward(back, g, flipped.AsSpan(0, weightSize), default, batch, dx.AsSpan(0, batch * geo.InSize),
                    accumulate: inputBeta != 0f, relu: false);
            }
        }
        finally
        {
            TensorScope.ReturnScratch(flipped);
            TensorScope.ReturnScratch(dbParts);
            TensorScope.ReturnScratch(dwParts);
            TensorScope.ReturnScratch(masked);
        }
    }
}
