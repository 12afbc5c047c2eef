using System.Numerics.Tensors;
using Workbench.Kernels;

namespace Workbench.Tensors;

// Classification losses against integer class targets, as torch.nn.functional.cross_entropy and nll_loss
// (no class weights, no label smoothing).
public static partial class Losses
{
    /// <summary>
    /// Cross-entropy of softmax(<paramref name="logits"/>) along the class axis against class indices, in nats:
    /// effectively −log softmax(x)[n, tₙ] per position, as <c>F.cross_entropy(logits, targets, reduction=…, ignore_index=…)</c>.
    /// Shapes: logits (N, C) with targets (N); (N, C, d₁, …) with targets (N, d₁, …) given flattened row-major;
    /// or (C) with one target. Positions whose target equals <paramref name="ignoreIndex"/> add nothing and,
    /// for the mean, are not counted (all ignored: NaN, as PyTorch). Default reduction: mean, as PyTorch.
    /// </summary>
    /// <remarks>Fused backward: ∂/∂x = w·(softmax(x) − onehot(t)) per position, w the upstream weight (1/count for the mean).</remarks>
    public static Tensor CrossEntropy(Tensor logits, int[] targets, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
    {
        var layout = ClassLayout.Of(logits, targets, ignoreIndex, "CrossEntropy", "logits");
        CheckReduction(reduction);
        var terms = Tensor.Uninitialized(layout.OutputDims);
        var shifts = Tensor.Uninitialized([targets.Length]);
        var logSums = Tensor.Uninitialized([targets.Length]);
        CrossEntropyKernels.Forward(logits.Storage, targets, layout.Batch, layout.Classes, layout.Inner, ignoreIndex,
            terms.Storage, shifts.Storage, logSums.Storage);
        var y = ReduceCounted(terms, reduction, layout.Counted);
        if (!Tensor.Tracks(logits)) return y;
        return y.Record("CrossEntropy", [logits], g =>
            CrossEntropyKernels.Backward(CountedUpstream(g, reduction, layout.Counted), logits.Storage, targets, layout.Batch, layout.Classes, layout.Inner,
                ignoreIndex, shifts.Storage, logSums.Storage, logits.GradStorage()));
    }

    /// <summary>
    /// Negative log-likelihood of class indices under log-probabilities (e.g. <see cref="Tensor.LogSoftmax"/> along
    /// the class axis): effectively −logProbs[n, tₙ] per position, as <c>F.nll_loss</c>. Shapes, ignore index
    /// and reductions as <see cref="CrossEntropy"/>. ∂/∂logProbs[n, tₙ] = −w, 0 elsewhere.
    /// </summary>
    public static Tensor NllLoss(Tensor logProbs, int[] targets, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
    {
        var layout = ClassLayout.Of(logProbs, targets, ignoreIndex, "NllLoss", "logProbs");
        CheckReduction(reduction);
        var terms = Tensor.Uninitialized(layout.OutputDims);
        CrossEntropyKernels.NllForward(logProbs.Storage, targets, layout.Classes, layout.Inner, ignoreIndex, terms.Storage);
        var y = ReduceCounted(terms, reduction, layout.Counted);
        if (!Tensor.Tracks(logProbs)) return y;
        return y.Record("NllLoss", [logProbs], g =>
            CrossEntropyKernels.NllBackward(CountedUpstream(g, reduction, layout.Counted), targets, layout.Classes, layout.Inner, ignoreIndex,
                logProbs.GradStorage()));
    }

    /// <summary>The terms themselves, their sum, or their sum over the number of counted (not ignored) positions.</summary>
    private static Tensor ReduceCounted(Tensor terms, Reduction reduction, int counted)
    {
        if (reduction == Reduction.None) return terms;
        var y = Tensor.Uninitialized([]);
        float sum = TensorPrimitives.Sum<float>(terms.Storage);
        y.Storage[0] = reduction == Reduction.Mean ? sum / counted : sum;
        return y;
    }

    private static UpstreamGradient CountedUpstream(Tensor g, Reduction reduction, int counted) => reduction switch
    {
        Reduction.None => new UpstreamGradient(g.Storage, 1f, perElement: true),
        Reduction.Sum => new UpstreamGradient(g.Storage, 1f, perElement: false),
        _ => new UpstreamGradient(g.Storage, 1f / counted, perElement: false),
    };

    /// <summary>Input (N, C, d₁, …) seen as (N, C, inner), the per-position output shape, and how many targets are not ignored.</summary>
    private readonly record struct ClassLayout(int Batch, int Classes, int Inner, int[] OutputDims, int Counted)
    {
        public static ClassLayout Of(Tensor input, int[] targets, int ignoreIndex, string op, string inputName)
        {
            ArgumentNullException.ThrowIfNull(input);
            ArgumentNullException.ThrowIfNull(targets);
            if (input.Rank == 0)
                throw new ArgumentException($"{op}: {inputName} must be (C), (N, C) or (N, C, d1, ...), got a scalar.", inputName);
            bool unbatched = input.Rank == 1;
            int batch = unbatched ? 1 : input.Dims[0];
            int classes = unbatched ? input.Dims[0] : input.Dims[1];
            int inner = 1;
            for (int d = 2; d < input.Rank; d++) inner *= input.Dims[d];
            int[] outputDims = unbatched ? [] : [batch, .. input.Dims.AsSpan(2)];
            int positions = batch * inner;
            if (targets.Length != positions)
                throw new ArgumentException(
                    $"{op}: {inputName} of shape {Tensor.ShapeText(input.Dims)} needs {positions} targets (shape {Tensor.ShapeText(outputDims)} flattened), got {targets.Length}.",
                    nameof(targets));
            int counted = 0;
            for (int p = 0; p < targets.Length; p++)
            {
                int t = targets[p];
                if (t == ignoreIndex) continue;
                if ((uint)t >= (uint)classes)
                    throw new ArgumentOutOfRangeException(nameof(targets),
                        $"{op}: target {t} at position {p} is outside 0..{classes - 1} (the {classes} classes) and is not the ignore index {ignoreIndex}.");
                counted++;
            }
            return new ClassLayout(batch, classes, inner, outputDims, counted);
        }
    }
}
