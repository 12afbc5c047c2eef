using Workbench.Kernels;

namespace Workbench.Tensors;

// The one driver behind every convolution that runs as im2col + GEMM (Conv2d, Conv1d): what differs between
// them is only how an image unrolls into its column matrix, an IColumnUnfolding. The grouping, the scratch
// column matrices, the threading and the order of the gradient sums are described in Tensor.Conv.cs.
public sealed partial class Tensor
{
    /// <summary>
    /// y[n, o, q] = b[o] + Σ_r W[o, r] · cols(x[n])[r, q] for window positions q, with W (O, patch) as stored
    /// (any trailing kernel dimensions flattened), shaped <paramref name="outputDims"/> = (N, O, …); its
    /// backward rule gives dX (col2im of Wᵀ·dY), dW (dY·colsᵀ) and db (Σ dY). With <paramref name="relu"/>
    /// the output goes through a ReLU as it is written and the gradient through its mask.
    /// </summary>
    private static Tensor ConvolveByColumns<TUnfolding>(string op, Tensor input, Tensor weight, Tensor? bias, TUnfolding unfolding, int[] outputDims, bool relu)
        where TUnfolding : struct, IColumnUnfolding
    {
        int batch = input.Dims[0], outC = weight.Dims[0];
        int patch = unfolding.PatchSize, positions = unfolding.Positions, imageSize = unfolding.ImageSize, outSize = outC * positions;

        int group = GroupSize(batch, patch * positions), groups = GroupCount(batch, group);

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        bool tracking = Tracks(inputs);
        var y = Uninitialized(outputDims);
        float[] x = input.Storage, w = weight.Storage, output = y.Storage;
        ForEachGroup(batch, group, (_, first, count, threads) =>
        {
            int columnCount = count * positions;
            var cols = ThreadScratch.First(patch * columnCount);
            var result = ThreadScratch.Second(outC * columnCount);
            unfolding.UnfoldBatch(x.AsSpan(first * imageSize, count * imageSize), count, cols);
            // (O, patch) · (patch, count·P) → (O, count·P), then (count, O, P) + b
            Gemm.Multiply(Gemm.Kernel.Best, threads, false, false, outC, columnCount, patch, 1f, w, patch, cols, columnCount, 0f, result, columnCount);
            ChannelMajor.Scatter(result, count, outC, positions, output.AsSpan(first * outSize, count * outSize), BiasSpan(bias), accumulate: false, relu);
        }, productVolumePerImage: (long)outC * positions * patch);

        if (!tracking) return y;
        return y.Record(op, inputs, g =>
        {
            var (dw, weightBeta) = weight.RequiresGrad ? weight.GradForUpdate() : ([], 0f);
            var (dx, inputBeta) = input.RequiresGrad ? input.GradForUpdate() : ([], 0f);
            var (db, biasBeta) = bias is not null && bias.RequiresGrad ? bias.GradForUpdate() : ([], 0f);
            int weightSize = weight.Size;
            // Each group's dW and db go to a part of their own, summed in group order afterwards.
            float[] dwParts = TensorScope.RentScratch(dw.Length > 0 ? groups * weightSize : 0);
            float[] dbParts = TensorScope.RentScratch(db.Length > 0 ? groups * outC : 0);
            float[] upstream = g.Storage, output = y.Storage;
            try
            {
                ForEachGroup(batch, group, (index, first, count, threads) =>
                {
                    int columnCount = count * positions;
                    var gcm = ThreadScratch.Second(outC * columnCount); // dY as (O, count·P)
                    // dY, or with the ReLU the gradient at its input: dY where y > 0, else 0.
                    ChannelMajor.Gather(upstream.AsSpan(first * outSize, count * outSize), count, outC, positions, gcm,
                        relu ? output.AsSpan(first * outSize, count * outSize) : default);
                    if (db.Length > 0) // Σ over the group's images and positions of dY
                        AxisReduction.Sum(gcm, outC, columnCount, 1, 1f, dbParts.AsSpan(index * outC, outC));
                    if (dw.Length > 0) // dY · colsᵀ: (O, count·P)·(count·P, patch), the group's columns unfolded again or packed from its images
                    {
                        var images = input.Storage.AsSpan(first * imageSize, count * imageSize);
                        var dwPart = dwParts.AsSpan(index * weightSize, weightSize);
                        // On one thread and on the blocked path (whose bits the packed product shares), colsᵀ goes straight
                        // into the product's packed panels where the unrolling has that form.
                        var panels = threads == 1 && (long)outC * patch * columnCount >= Gemm.SmallProblemVolume ? ThreadScratch.Panels() : null;
                        if (panels is not null && unfolding.TryPackTransposed(images, count, panels))
                            Gemm.MultiplyPacked(outC, gcm, columnCount, panels, 0f, dwPart, patch);
                        else
                        {
                            var forwardCols = ThreadScratch.First(patch * columnCount); // free again before dX's columns are written
                            unfolding.UnfoldBatch(images, count, forwardCols);
                            Gemm.Multiply(Gemm.Kernel.Best, threads, false, true, outC, patch, columnCount, 1f, gcm, columnCount, forwardCols, columnCount,
                                0f, dwPart, patch);
                        }
                    }
                    if (dx.Length > 0) // dX += col2im(Wᵀ · dY): (patch, O)·(O, count·P)
                    {
                        var cols = ThreadScratch.First(patch * columnCount);
                        Gemm.Multiply(Gemm.Kernel.Best, threads, true, false, patch, columnCount, outC, 1f, weight.Storage, patch, gcm, columnCount, 0f, cols, columnCount);
                        unfolding.FoldBatch(cols, count, dx.AsSpan(first * imageSize, count * imageSize), accumulate: inputBeta != 0f);
                    }
                });
                if (dw.Length > 0) AxisReduction.AccumulateColumnSums(dwParts, groups, weightSize, dw, overwrite: weightBeta == 0f);
                if (db.Length > 0) AxisReduction.AccumulateColumnSums(dbParts, groups, outC, db, overwrite: biasBeta == 0f);
            }
            finally
            {
                TensorScope.ReturnScratch(dbParts);
                TensorScope.ReturnScratch(dwParts);
            }
        });
    }
}
