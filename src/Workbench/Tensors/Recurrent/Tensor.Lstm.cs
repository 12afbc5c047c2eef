using Workbench.Kernels;

namespace Workbench.Tensors;

// One LSTM layer over all time steps as one recorded op, forward and backward through time side by side.
public sealed partial class Tensor
{
    /// <summary>
    /// Layer <paramref name="layer"/> of <see cref="Lstm"/>: x (B, T, I) → output (B, T, H); writes its final states into
    /// <paramref name="finalHidden"/>[layer] and <paramref name="finalCell"/>[layer] and reads their gradients in backward.
    /// </summary>
    private static Tensor LstmLayer(Tensor x, RecurrentLayerWeights w, LstmState? initial, int layer, int[]? lengths,
        FinalState finalHidden, FinalState finalCell)
    {
        int batch = x.Dims[0], steps = x.Dims[1], inSize = x.Dims[2], h = w.WeightHh.Dims[1], g = 4 * h, rows = batch * steps;
        var wIh = w.WeightIh;
        var wHh = w.WeightHh;

        // All steps' input projections at once, rows b·T + t; the gate kernel overwrites them with i, f, g, o.
        var gates = Uninitialized([rows, g]);
        var hiddenProduct = HiddenProduct.Forward(wHh, batch);
        var input = InputSide.For(x, w, hiddenProduct);
        if (!input.PerBlock) input.Project(0, batch, gates.Storage, Gemm.MaxThreads);
        var hiddenStates = Uninitialized([batch, steps, h]); // h_{t−1} at (b, t)
        var cellStates = Uninitialized([batch, steps, h]);   // c_{t−1} at (b, t)
        var tanhCell = Uninitialized([rows, h]);             // tanh(c_t) at (b, t)
        var y = Uninitialized([batch, steps, h]);            // (B, T, H)
        CopyInitialState(initial?.Hidden, layer, hiddenStates.Storage, batch, steps, h);
        CopyInitialState(initial?.Cell, layer, cellStates.Storage, batch, steps, h);

        float[] hiddenGates = TensorScope.RentScratch(batch * g); // (B, 4H): W_hh h_{t−1} + b_hh for one step
        try
        {
            var biasHh = w.BiasHh?.Storage;
            int finalStart = finalHidden.Start(layer);
            ForEachSequenceBlock(hiddenProduct, batch, (first, count) =>
            {
                // This block's rows: sequence b is row b of (B, ·) buffers and rows b·T + t of (B, T, ·) ones.
                int start = first * steps;
                var lengthsHere = lengths is null ? default : lengths.AsSpan(first, count);
                var hiddenRows = hiddenStates.Storage.AsSpan(start * h);
                var cellRows = cellStates.Storage.AsSpan(start * h);
                var gatesHere = hiddenGates.AsSpan(first * g, count * g);
                if (input.PerBlock) input.Project(first, count, gates.Storage, threads: 1);
                for (int t = 0; t < steps; t++)
                {
                    hiddenProduct.Multiply(count, hiddenRows[(t * h)..], steps * h, 0f, gatesHere, g, biasHh);
                    bool last = t == steps - 1;
                    var next = last ? new RowSet(0, 1) : new RowSet(t + 1, steps);
                    LstmKernels.Forward(count, h, t, lengthsHere, gates.Storage.AsSpan(start * g), gatesHere, tanhCell.Storage.AsSpan(start * h),
                        new RowSet(t, steps), hiddenRows, cellRows, new RowSet(t, steps),
                        last ? finalHidden.Storage.AsSpan(finalStart + first * h) : hiddenRows,
                        last ? finalCell.Storage.AsSpan(finalStart + first * h) : cellRows, next, y.Storage.AsSpan(start * h));
                }
            });
        }
        finally
        {
            hiddenProduct.Dispose();
            TensorScope.ReturnScratch(hiddenGates);
        }

        var inputs = RecurrentInputs(x, w, initial?.Hidden, initial?.Cell);
        if (!Tracks(inputs)) return y;
        return y.Record("LSTM", inputs, dY =>
        {
            float[] gateGrad = TensorScope.RentScratch(rows * g);   // (B·T, 4H): d(W_ih x + b_ih) = d(W_hh h + b_hh)
            float[] carryHidden = TensorScope.RentScratch(batch * h); // (B, H): dL/dh_t from later steps
            float[] carryCell = TensorScope.RentScratch(batch * h);   // (B, H): dL/dc_t from later steps
            var hiddenProduct = HiddenProduct.Backward(wHh, batch);
            try
            {
                StartCarry(finalHidden.TakeGradient(layer), carryHidden, batch * h);
                StartCarry(finalCell.TakeGradient(layer), carryCell, batch * h);
                bool needInitial = initial is not null && (initial.Hidden.RequiresGrad || initial.Cell.RequiresGrad);
                var (dx, dxBeta) = input.PerBlock && x.RequiresGrad ? x.GradForUpdate() : (null, 0f);
                ForEachSequenceBlock(hiddenProduct, batch, (first, count) =>
                {
                    int start = first * steps; // this block's first row of the (B, T, ·) buffers
                    var lengthsHere = lengths is null ? default : lengths.AsSpan(first, count);
                    var hiddenHere = carryHidden.AsSpan(first * h, count * h);
                    var cellHere = carryCell.AsSpan(first * h, count * h);
                    for (int t = steps - 1; t >= 0; t--)
                    {
                        LstmKernels.Backward(count, h, t, lengthsHere, gates.Storage.AsSpan(start * g), tanhCell.Storage.AsSpan(start * h), new RowSet(t, steps),
                            cellStates.Storage.AsSpan(start * h), new RowSet(t, steps), dY.Storage.AsSpan(start * h), hiddenHere, cellHere,
                            gateGrad.AsSpan(start * g));
                        if (t > 0 || needInitial) // dh_{t−1} += dâ_t · W_hh: (B, 4H)·(4H, H)
                            hiddenProduct.Multiply(count, gateGrad.AsSpan((start + t) * g), steps * g, 1f, hiddenHere, h);
                    }
                    if (dx is not null) input.InputGradient(first, count, gateGrad, dx, dxBeta, threads: 1);
                });
                AccumulateRecurrentGradients(x, w, input, gateGrad, gateGrad, hiddenStates, rows, g);
                if (initial is { Hidden.RequiresGrad: true }) AddInitialStateGradient(initial.Hidden, layer, carryHidden, batch * h);
                if (initial is { Cell.RequiresGrad: true }) AddInitialStateGradient(initial.Cell, layer, carryCell, batch * h);
            }
            finally
            {
                hiddenProduct.Dispose();
                TensorScope.ReturnScratch(carryCell);
                TensorScope.ReturnScratch(carryHidden);
                TensorScope.ReturnScratch(gateGrad);
            }
        });
    }

    /// <summary>The carry before the last step: the final state's gradient, or zeros when none reached it.</summary>
    private static void StartCarry(ReadOnlySpan<float> finalGradient, float[] carry, int size)
    {
        if (finalGradient.IsEmpty) carry.AsSpan(0, size).Clear();
        else finalGradient.CopyTo(carry);
    }
}
