using Workbench.Kernels;

namespace Workbench.Tensors;

// Matrix products. Transposes are handled by the GEMM kernel's flags, never by copying.
public sealed partial class Tensor
{
    /// <summary>
    /// op(this)·op(other) for 2-D tensors, where op transposes when asked:
    /// (M, K)·(K, N) → (M, N).
    /// </summary>
    public Tensor MatMul(Tensor other, bool transposeThis = false, bool transposeOther = false)
    {
        RequireRank(2, "MatMul");
        other.RequireRank(2, "MatMul");
        var (a, b) = (this, other);
        int m = transposeThis ? a.Dims[1] : a.Dims[0];
        int k = transposeThis ? a.Dims[0] : a.Dims[1];
        int kb = transposeOther ? b.Dims[1] : b.Dims[0];
        int n = transposeOther ? b.Dims[0] : b.Dims[1];
        if (k != kb)
            throw new ArgumentException($"MatMul: inner dimensions differ: {ShapeText(a.Dims)}{(transposeThis ? "ᵀ" : "")} · {ShapeText(b.Dims)}{(transposeOther ? "ᵀ" : "")}.");

        var y = Uninitialized([m, n]);
        Gemm.Multiply(transposeThis, transposeOther, m, n, k, 1f, a.Storage, a.Dims[1], b.Storage, b.Dims[1], 0f, y.Storage, n);
        if (!Tracks(a, b)) return y;
        return y.Record("MatMul", [a, b], g =>
        {
            // C = op(A)·op(B): dop(A) = G·op(B)ᵀ, dop(B) = op(A)ᵀ·G; store each in A's or B's own layout.
            if (a.RequiresGrad)
            {
                if (!transposeThis) Gemm.Multiply(false, !transposeOther, m, k, n, 1f, g.Storage, n, b.Storage, b.Dims[1], 1f, a.GradStorage(), k);
                else Gemm.Multiply(transposeOther, true, k, m, n, 1f, b.Storage, b.Dims[1], g.Storage, n, 1f, a.GradStorage(), m);
            }
            if (b.RequiresGrad)
            {
                if (!transposeOther) Gemm.Multiply(!transposeThis, false, k, n, m, 1f, a.Storage, a.Dims[1], g.Storage, n, 1f, b.GradStorage(), n);
                else Gemm.Multiply(true, transposeThis, n, k, m, 1f, g.Storage, n, a.Storage, a.Dims[1], 1f, b.GradStorage(), k);
            }
        });
    }

    /// <summary>
    /// A fully connected layer as in PyTorch: y = x·Wᵀ + b, with x (B, in), W (out, in), b (out) → (B, out).
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => Linear(input, weight, bias, relu: false);

    /// <summary>
    /// relu(x·Wᵀ + b) in one pass over the output: the ReLU is applied to each tile of the product while it
    /// is in cache (<see cref="Gemm.MultiplyBiasRelu"/>). Values and gradients are bit-for-bit those of
    /// <c>Linear(x, W, b).Relu()</c>; <see cref="NN.Sequential"/> runs a Linear followed by a ReLU this way.
    /// </summary>
    public static Tensor LinearRelu(Tensor input, Tensor weight, Tensor? bias = null) => Linear(input, weight, bias, relu: true);

    private static Tensor Linear(Tensor input, Tensor weight, Tensor? bias, bool relu)
    {
        string op = relu ? "LinearRelu" : "Linear";
        input.RequireRank(2, $"{op} input");
        weight.RequireRank(2, $"{op} weight");
        int batch = input.Dims[0], inFeatures = input.Dims[1], outFeatures = weight.Dims[0];
        if (weight.Dims[1] != inFeatures)
            throw new ArgumentException($"{op}: input has {inFeatures} features but weight {ShapeText(weight.Dims)} expects {weight.Dims[1]}.");
        if (bias is not null && (bias.Rank != 1 || bias.Dims[0] != outFeatures))
            throw new ArgumentException($"{op}: bias shape {ShapeText(bias.Dims)} should be ({outFeatures}).");

        // y = x·Wᵀ with C starting from the broadcast bias (tile by tile inside the GEMM), then max(y, 0).
        var y = Uninitialized([batch, outFeatures]);
        Gemm.MultiplyBiasRelu(false, true, batch, outFeatures, inFeatures, 1f, input.Storage, inFeatures, weight.Storage, inFeatures,
            bias is null ? default : bias.Span, relu, y.Storage, outFeatures);

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        if (!Tracks(inputs)) return y;
        return y.Record(op, inputs, g =>
        {
            if (!relu)
            {
                LinearBackward(g.Storage, input, weight, bias, batch, inFeatures, outFeatures);
                return;
            }
            // The gradient at the pre-activation: g where y > 0, else 0 (what Relu's backward rule writes).
            float[] masked = TensorScope.RentScratch(batch * outFeatures);
            try
            {
                ActivationKernels.ReluBackward(g.Span, y.Span, masked.AsSpan(0, batch * outFeatures), overwrite: true);
                LinearBackward(masked, input, weight, bias, batch, inFeatures, outFeatures);
            }
            finally
            {
                TensorScope.ReturnScratch(masked);
            }
        });
    }

    /// <summary>Accumulates the gradients of y = x·Wᵀ + b given dL/dy (<paramref name="g"/>, (B, out)).</summary>
    private static void LinearBackward(float[] g, Tensor input, Tensor weight, Tensor? bias, int batch, int inFeatures, int outFeatures)
    {
        if (input.RequiresGrad) // dX = G·W: (B, out)·(out, in)
        {
            var (dx, beta) = input.GradForUpdate();
            Gemm.Multiply(false, false, batch, inFeatures, outFeatures, 1f, g, outFeatures, weight.Storage, inFeatures, beta, dx, inFeatures);
        }
        if (weight.RequiresGrad) // dW = Gᵀ·X: (out, B)·(B, in); overwritten rather than added to after ZeroGrad
        {
            var (dw, beta) = weight.GradForUpdate();
            Gemm.Multiply(true, false, outFeatures, inFeatures, batch, 1f, g, outFeatures, input.Storage, inFeatures, beta, dw, inFeatures);
        }
        if (bias is not null && bias.RequiresGrad) // db = Σ_rows G
        {
            var (db, beta) = bias.GradForUpdate();
            AxisReduction.AccumulateColumnSums(g, batch, outFeatures, db, overwrite: beta == 0f);
        }
    }
}
