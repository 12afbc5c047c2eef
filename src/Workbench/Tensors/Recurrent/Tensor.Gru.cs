using Workbench.Kernels;

namespace Workbench.Tensors;

// One GRU layer over all time steps as one recorded op, forward and backward through time side by side.
public sealed partial class Tensor
{
    /// <summary>
    /// Layer <paramref name="layer"/> of <see cref="Gru"/>: x (B, T, I) → output (B, T, H); writes its final state into
    /// <paramref name="finalHidden"/>[layer] and reads that row's gradient in backward.
    /// </summary>
    private static Tensor GruLayer(Tensor x, RecurrentLayerWeights w, Tensor? initialHidden, int layer, int[]? lengths, FinalState finalHidden)
    {
        int batch = x.Dims[0], steps = x.Dims[1], inSize = x.Dims[2], h = w.WeightHh.Dims[1], g = 3 * h, rows = batch * steps;
        var wIh = w.WeightIh;
        var wHh = w.WeightHh;

        // All steps' input projections at once: (B·T, I)·W_ihᵀ + b_ih → (B·T, 3H); rows are b·T + t. The gate kernel
        // overwrites them with r, z, n, which backward needs.
        var gates = Uninitialized([rows, g]);
        var hiddenProduct = HiddenProduct.Forward(wHh, batch);
        var input = InputSide.For(x, w, hiddenProduct);
        if (!input.PerBlock) input.Project(0, batch, gates.Storage, Gemm.MaxThreads);
        var states = Uninitialized([batch, steps, h]);  // h_{t−1} at (b, t): what step t read
        var hiddenN = Uninitialized([rows, h]);         // W_hn h_{t−1} + b_hn, per (b, t)
        var y = Uninitialized([batch, steps, h]);       // (B, T, H)
        CopyInitialState(initialHidden, layer, states.Storage, batch, steps, h);

        float[] hiddenGates = TensorScope.RentScratch(batch * g); // (B, 3H): W_hh h_{t−1} + b_hh for one step
        try
        {
            var biasHh = w.BiasHh?.Storage;
            int finalStart = finalHidden.Start(layer);
            ForEachSequenceBlock(hiddenProduct, batch, (first, count) =>
            {
                // This block's rows: sequence b is row b of (B, ·) buffers and rows b·T + t of (B, T, ·) ones.
                var lengthsHere = lengths is null ? default : lengths.AsSpan(first, count);
                var stepRows = gates.Storage.AsSpan(first * steps * g);
                var stateRows = states.Storage.AsSpan(first * steps * h);
                var gatesHere = hiddenGates.AsSpan(first * g, count * g);
                if (input.PerBlock) input.Project(first, count, gates.Storage, threads: 1);
                for (int t = 0; t < steps; t++)
                {
                    hiddenProduct.Multiply(count, stateRows[(t * h)..], steps * h, 0f, gatesHere, g, biasHh);
                    bool last = t == steps - 1;
                    GruKernels.Forward(count, h, t, lengthsHere, stepRows, gatesHere, hiddenN.Storage.AsSpan(first * steps * h), new RowSet(t, steps),
                        stateRows, new RowSet(t, steps), last ? finalHidden.Storage.AsSpan(finalStart + first * h) : stateRows,
                        last ? new RowSet(0, 1) : new RowSet(t + 1, steps), y.Storage.AsSpan(first * steps * h));
                }
            });
        }
        finally
        {
            hiddenProduct.Dispose();
            TensorScope.ReturnScratch(hiddenGates);
        }

        var inputs = RecurrentInputs(x, w, initialHidden, null);
        if (!Tracks(inputs)) return y;
        return y.Record("GRU", inputs, dY =>
        {
            float[] inputGateGrad = TensorScope.RentScratch(rows * g);  // (B·T, 3H): d(W_ih x + b_ih)
            float[] hiddenGateGrad = TensorScope.RentScratch(rows * g); // (B·T, 3H): d(W_hh h + b_hh)
            float[] carry = TensorScope.RentScratch(batch * h);         // (B, H): dL/dh_t from later steps
            var hiddenProduct = HiddenProduct.Backward(wHh, batch);
            try
            {
                StartCarry(finalHidden.TakeGradient(layer), carry, batch * h);
                bool needInitial = initialHidden is { RequiresGrad: true };
                var (dx, dxBeta) = input.PerBlock && x.RequiresGrad ? x.GradForUpdate() : (null, 0f);
                ForEachSequenceBlock(hiddenProduct, batch, (first, count) =>
                {
                    int start = first * steps; // this block's first row of the (B, T, ·) buffers
                    var lengthsHere = lengths is null ? default : lengths.AsSpan(first, count);
                    var carryHere = carry.AsSpan(first * h, count * h);
                    for (int t = steps - 1; t >= 0; t--)
                    {
                        GruKernels.Backward(count, h, t, lengthsHere, gates.Storage.AsSpan(start * g), hiddenN.Storage.AsSpan(start * h), new RowSet(t, steps),
                            states.Storage.AsSpan(start * h), new RowSet(t, steps), dY.Storage.AsSpan(start * h), carryHere,
                            inputGateGrad.AsSpan(start * g), hiddenGateGrad.AsSpan(start * g));
                        if (t > 0 || needInitial) // dh_{t−1} += dgₕ_t · W_hh: (B, 3H)·(3H, H)
                            hiddenProduct.Multiply(count, hiddenGateGrad.AsSpan((start + t) * g), steps * g, 1f, carryHere, h);
                    }
                    if (dx is not null) input.InputGradient(first, count, inputGateGrad, dx, dxBeta, threads: 1);
                });
                AccumulateRecurrentGradients(x, w, input, inputGateGrad, hiddenGateGrad, states, rows, g);
                if (needInitial) AddInitialStateGradient(initialHidden!, layer, carry, batch * h);
            }
            finally
            {
                hiddenProduct.Dispose();
                TensorScope.ReturnScratch(carry);
                TensorScope.ReturnScratch(hiddenGateGrad);
                TensorScope.ReturnScratch(inputGateGrad);
            }
        });
    }

    /// <summary>The op's inputs for autograd: x, the weights, the biases present, the initial states given.</summary>
    private static Tensor[] RecurrentInputs(Tensor x, RecurrentLayerWeights w, Tensor? initialHidden, Tensor? initialCell)
    {
        var inputs = new List<Tensor>(7) { x, w.WeightIh, w.WeightHh };
        if (w.BiasIh is not null) inputs.Add(w.BiasIh);
        if (w.BiasHh is not null) inputs.Add(w.BiasHh);
        if (initialHidden is not null) inputs.Add(initialHidden);
        if (initialCell is not null) inputs.Add(initialCell);
        return [.. inputs];
    }

    /// <summary>Writes the layer's initial state (zeros when none) into the (b, 0) rows of a (B, T, H) state buffer.</summary>
    private static void CopyInitialState(Tensor? initial, int layer, float[] states, int batch, int steps, int h)
    {
        for (int b = 0; b < batch; b++)
        {
            var row = states.AsSpan(b * steps * h, h);
            if (initial is null) row.Clear();
            else initial.Storage.AsSpan((layer * batch + b) * h, h).CopyTo(row);
        }
    }

    private static void AddInitialStateGradient(Tensor initial, int layer, ReadOnlySpan<float> carry, int size)
    {
        var gradient = initial.GradStorage().AsSpan(layer * size, size);
        System.Numerics.Tensors.TensorPrimitives.Add(gradient, carry[..size], gradient);
    }

    /// <summary>
    /// After backward through time: dx = dgᵢ·W_ih (unless the sequence blocks computed it: <paramref name="input"/>),
    /// dW_ih = dgᵢᵀ·x, dW_hh = dgₕᵀ·h_prev, db_ih and db_hh the column sums, each one GEMM (or one pass) over all B·T rows.
    /// </summary>
    private static void AccumulateRecurrentGradients(Tensor x, RecurrentLayerWeights w, InputSide input, float[] inputGateGrad, float[] hiddenGateGrad,
        Tensor previousStates, int rows, int g)
    {
        int inSize = x.Dims[2], h = w.WeightHh.Dims[1];
        if (x.RequiresGrad && !input.PerBlock)
        {
            var (dx, beta) = x.GradForUpdate();
            input.InputGradient(0, x.Dims[0], inputGateGrad, dx, beta, Gemm.MaxThreads);
        }
        if (w.WeightIh.RequiresGrad)
        {
            var (dw, beta) = w.WeightIh.GradForUpdate();
            Gemm.Multiply(true, false, g, inSize, rows, 1f, inputGateGrad, g, x.Storage, inSize, beta, dw, inSize);
        }
        if (w.WeightHh.RequiresGrad)
        {
            var (dw, beta) = w.WeightHh.GradForUpdate();
            Gemm.Multiply(true, false, g, h, rows, 1f, hiddenGateGrad, g, previousStates.Storage, h, beta, dw, h);
        }
        if (w.BiasIh is { RequiresGrad: true })
        {
            var (db, beta) = w.BiasIh.GradForUpdate();
            AxisReduction.AccumulateColumnSums(inputGateGrad, rows, g, db, overwrite: beta == 0f);
        }
        if (w.BiasHh is { RequiresGrad: true })
        {
            var (db, beta) = w.BiasHh.GradForUpdate();
            AxisReduction.AccumulateColumnSums(hiddenGateGrad, rows, g, db, overwrite: beta == 0f);
        }
    }
}
