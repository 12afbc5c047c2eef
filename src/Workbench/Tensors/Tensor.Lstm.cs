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
        Gemm.MultiplyBiasRelu(false, true, rows, g, inSize, 1f, x.Storage, inSize, wIh.Storage, inSize, BiasSpan(w.BiasIh), false, gates.Storage, g);
        var hiddenStates = Uninitialized([batch, steps, h]); // h_{t−1} at (b, t)
        var cellStates = Uninitialized([batch, steps, h]);   // c_{t−1} at (b, t)
        var tanhCell = Uninitialized([rows, h]);             // tanh(c_t) at (b, t)
        var y = Uninitialized([batch, steps, h]);            // (B, T, H)
        var hFinal = finalHidden.Rows(layer);
        var cFinal = finalCell.Rows(layer);
        CopyInitialState(initial?.Hidden, layer, hiddenStates.Storage, batch, steps, h);
        CopyInitialState(initial?.Cell, layer, cellStates.Storage, batch, steps, h);

        float[] hiddenGates = TensorScope.RentScratch(batch * g); // (B, 4H): W_hh h_{t−1} + b_hh for one step
        try
        {
            for (int t = 0; t < steps; t++)
            {
                Gemm.MultiplyBiasRelu(false, true, batch, g, h, 1f, hiddenStates.Storage.AsSpan(t * h), steps * h, wHh.Storage, h,
                    BiasSpan(w.BiasHh), false, hiddenGates, g);
                bool last = t == steps - 1;
                var next = last ? new RowSet(0, 1) : new RowSet(t + 1, steps);
                LstmKernels.Forward(batch, h, t, lengths, gates.Storage, hiddenGates, tanhCell.Storage, new RowSet(t, steps),
                    hiddenStates.Storage, cellStates.Storage, new RowSet(t, steps),
                    last ? hFinal : hiddenStates.Storage, last ? cFinal : cellStates.Storage, next, y.Storage);
            }
        }
        finally
        {
            TensorScope.ReturnScratch(hiddenGates);
        }

        var inputs = RecurrentInputs(x, w, initial?.Hidden, initial?.Cell);
        if (!Tracks(inputs)) return y;
        return y.Record("LSTM", inputs, dY =>
        {
            float[] gateGrad = TensorScope.RentScratch(rows * g);   // (B·T, 4H): d(W_ih x + b_ih) = d(W_hh h + b_hh)
            float[] carryHidden = TensorScope.RentScratch(batch * h); // (B, H): dL/dh_t from later steps
            float[] carryCell = TensorScope.RentScratch(batch * h);   // (B, H): dL/dc_t from later steps
            try
            {
                StartCarry(finalHidden.TakeGradient(layer), carryHidden, batch * h);
                StartCarry(finalCell.TakeGradient(layer), carryCell, batch * h);
                bool needInitial = initial is not null && (initial.Hidden.RequiresGrad || initial.Cell.RequiresGrad);
                for (int t = steps - 1; t >= 0; t--)
                {
                    LstmKernels.Backward(batch, h, t, lengths, gates.Storage, tanhCell.Storage, new RowSet(t, steps),
                        cellStates.Storage, new RowSet(t, steps), dY.Storage, carryHidden, carryCell, gateGrad);
                    if (t > 0 || needInitial) // dh_{t−1} += dâ_t · W_hh: (B, 4H)·(4H, H)
                        Gemm.Multiply(false, false, batch, h, g, 1f, gateGrad.AsSpan(t * g), steps * g, wHh.Storage, h, 1f, carryHidden, h);
                }
                AccumulateRecurrentGradients(x, w, gateGrad, gateGrad, hiddenStates, rows, g);
                if (initial is { Hidden.RequiresGrad: true }) AddInitialStateGradient(initial.Hidden, layer, carryHidden, batch * h);
                if (initial is { Cell.RequiresGrad: true }) AddInitialStateGradient(initial.Cell, layer, carryCell, batch * h);
            }
            finally
            {
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
