namespace Workbench.Tensors;

// Multi-layer recurrent networks (torch.nn.GRU / torch.nn.LSTM with batch_first=True). Each layer over all steps is one
// recorded op (Tensor.Gru.cs, Tensor.Lstm.cs): the input projection of every step is one GEMM, each step one hidden GEMM
// and one fused gate kernel, and backward through time ends with the weight gradients as one GEMM each.
public sealed partial class Tensor
{
    /// <summary>
    /// A GRU (Cho et al., 2014) over a batch of sequences, as <c>torch.nn.GRU(batch_first=True)</c>: per layer and step
    /// r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
    /// h′ = (1 − z) ⊙ n + z ⊙ h. Each layer's output sequence is the next layer's input.
    /// </summary>
    /// <param name="input">(B, T, I).</param>
    /// <param name="layers">Per layer: W_ih (3H, I or H), W_hh (3H, H), optional biases (3H).</param>
    /// <param name="initialHidden">(layers, B, H); zeros when null.</param>
    /// <param name="lengths">
    /// Per sequence its number of valid steps, 1..T (PyTorch's <c>pack_padded_sequence</c> lengths, any order): a sequence's
    /// state is not updated past its length, its output there is zero, and the final state is the one after its last valid step.
    /// Null: every sequence has T steps.
    /// </param>
    public static GruOutput Gru(Tensor input, IReadOnlyList<RecurrentLayerWeights> layers, Tensor? initialHidden = null, int[]? lengths = null)
    {
        var shape = RecurrentShape.Check("GRU", 3, input, layers, lengths, initialHidden, "initial hidden state");
        var hidden = new FinalState(Uninitialized([layers.Count, shape.Batch, shape.Hidden])); // (L, B, H)
        var outputs = new Tensor[layers.Count];
        var x = input;
        for (int l = 0; l < layers.Count; l++)
            x = outputs[l] = GruLayer(x, layers[l], initialHidden, l, lengths, hidden);
        RecordFinalState("GRUHiddenState", hidden, outputs);
        return new GruOutput(x, hidden.State);
    }

    /// <summary>
    /// An LSTM (Hochreiter &amp; Schmidhuber, 1997) over a batch of sequences, as <c>torch.nn.LSTM(batch_first=True)</c>:
    /// per layer and step i = σ(W_ii x + b_ii + W_hi h + b_hi), f = σ(…), g = tanh(…), o = σ(…) (gate order i, f, g, o),
    /// c′ = f ⊙ c + i ⊙ g, h′ = o ⊙ tanh(c′).
    /// </summary>
    /// <param name="input">(B, T, I).</param>
    /// <param name="layers">Per layer: W_ih (4H, I or H), W_hh (4H, H), optional biases (4H).</param>
    /// <param name="initialState">(h₀, c₀), each (layers, B, H); zeros when null.</param>
    /// <param name="lengths">As for <see cref="Gru"/>.</param>
    public static LstmOutput Lstm(Tensor input, IReadOnlyList<RecurrentLayerWeights> layers, LstmState? initialState = null, int[]? lengths = null)
    {
        var shape = RecurrentShape.Check("LSTM", 4, input, layers, lengths, initialState?.Hidden, "initial hidden state");
        if (initialState is not null) RecurrentShape.CheckState("LSTM", initialState.Cell, layers.Count, shape.Batch, shape.Hidden, "initial cell state");
        var hidden = new FinalState(Uninitialized([layers.Count, shape.Batch, shape.Hidden])); // (L, B, H)
        var cell = new FinalState(Uninitialized([layers.Count, shape.Batch, shape.Hidden]));   // (L, B, H)
        var outputs = new Tensor[layers.Count];
        var x = input;
        for (int l = 0; l < layers.Count; l++)
            x = outputs[l] = LstmLayer(x, layers[l], initialState, l, lengths, hidden, cell);
        RecordFinalState("LSTMHiddenState", hidden, outputs);
        RecordFinalState("LSTMCellState", cell, outputs);
        return new LstmOutput(x, hidden.State, cell.State);
    }

    /// <summary>
    /// Records a final state (layers, B, H), which the layers wrote during their forward, as produced from the layers'
    /// output sequences. Its rule hands its gradient to the layers (each reads it as the gradient arriving after its last
    /// step) and makes sure each layer's backward runs.
    /// </summary>
    private static void RecordFinalState(string op, FinalState final, Tensor[] outputs)
    {
        if (!outputs[^1].RequiresGrad || !GradMode.IsEnabled) return;
        final.State.Record(op, outputs, g =>
        {
            final.Hand(g);
            foreach (var output in outputs)
                if (output.RequiresGrad) output.GradAccumulator();
        });
    }

    /// <summary>
    /// A recurrent network's final state (layers, B, H) and the gradient its backward rule handed to the layers in the
    /// current backward call: each layer takes its rows once, so a later call that does not reach the final state
    /// does not see this call's gradient.
    /// </summary>
    private sealed class FinalState(Tensor state)
    {
        private Tensor? _gradient;
        private readonly bool[] _pending = new bool[state.Dims[0]];

        public Tensor State { get; } = state;

        /// <summary>The storage (layers, B, H); a layer's forward writes its (B, H) rows from <see cref="Start"/>.</summary>
        public float[] Storage => State.Storage;

        /// <summary>Where <paramref name="layer"/>'s rows begin in <see cref="Storage"/>.</summary>
        public int Start(int layer) => layer * State.Dims[1] * State.Dims[2];

        public void Hand(Tensor gradient)
        {
            _gradient = gradient;
            Array.Fill(_pending, true);
        }

        /// <summary>Layer <paramref name="layer"/>'s rows of the handed gradient (B·H), or empty when none is pending for it.</summary>
        public ReadOnlySpan<float> TakeGradient(int layer)
        {
            if (_gradient is null || !_pending[layer]) return default;
            _pending[layer] = false;
            int rows = State.Dims[1] * State.Dims[2];
            return _gradient.Span.Slice(layer * rows, rows);
        }
    }

    /// <summary>The sizes of a recurrent network's input, checked against its layers.</summary>
    private readonly record struct RecurrentShape(int Batch, int Steps, int Hidden)
    {
        public static RecurrentShape Check(string op, int gates, Tensor input, IReadOnlyList<RecurrentLayerWeights> layers, int[]? lengths,
            Tensor? initialHidden, string initialName)
        {
            ArgumentNullException.ThrowIfNull(input);
            if (layers is null || layers.Count == 0) throw new ArgumentException($"{op} needs at least one layer.", nameof(layers));
            if (input.Rank != 3)
                throw new ArgumentException($"{op}: input must be (batch, steps, features), got shape {ShapeText(input.Dims)}.", nameof(input));
            int batch = input.Dims[0], steps = input.Dims[1];
            if (steps < 1) throw new ArgumentException($"{op}: input has no time steps (shape {ShapeText(input.Dims)}).", nameof(input));
            int hidden = layers[0].WeightHh.Rank == 2 ? layers[0].WeightHh.Dims[1] : -1;
            int inSize = input.Dims[2];
            for (int l = 0; l < layers.Count; l++)
            {
                var w = layers[l];
                if (w.WeightIh.Rank != 2 || w.WeightHh.Rank != 2 || w.WeightHh.Dims[1] != hidden || w.WeightHh.Dims[0] != gates * hidden
                    || w.WeightIh.Dims[0] != gates * hidden)
                    throw new ArgumentException($"{op}: layer {l} weights weight_ih {ShapeText(w.WeightIh.Dims)} and weight_hh {ShapeText(w.WeightHh.Dims)} " +
                                                $"should be ({gates}·H, in) and ({gates}·H, H) with H = {hidden}.", nameof(layers));
                if (w.WeightIh.Dims[1] != inSize)
                    throw new ArgumentException(l == 0
                        ? $"{op}: input has {inSize} features per step but input_size is {w.WeightIh.Dims[1]}."
                        : $"{op}: layer {l} weight_ih {ShapeText(w.WeightIh.Dims)} should take the {inSize} features of layer {l - 1}'s output.", nameof(input));
                foreach (var (bias, name) in new[] { (w.BiasIh, "bias_ih"), (w.BiasHh, "bias_hh") })
                    if (bias is not null && (bias.Rank != 1 || bias.Dims[0] != gates * hidden))
                        throw new ArgumentException($"{op}: layer {l} {name} has shape {ShapeText(bias.Dims)}, should be ({gates * hidden}).", nameof(layers));
                inSize = hidden;
            }
            if (lengths is not null)
            {
                if (lengths.Length != batch)
                    throw new ArgumentException($"{op}: {lengths.Length} lengths given for a batch of {batch} sequences.", nameof(lengths));
                for (int b = 0; b < batch; b++)
                    if (lengths[b] < 1 || lengths[b] > steps)
                        throw new ArgumentOutOfRangeException(nameof(lengths),
                            $"{op}: lengths[{b}] = {lengths[b]} is outside 1..{steps} (the input has {steps} steps).");
            }
            if (initialHidden is not null) CheckState(op, initialHidden, layers.Count, batch, hidden, initialName);
            return new RecurrentShape(batch, steps, hidden);
        }

        public static void CheckState(string op, Tensor state, int layers, int batch, int hidden, string name)
        {
            if (state.Rank != 3 || state.Dims[0] != layers || state.Dims[1] != batch || state.Dims[2] != hidden)
                throw new ArgumentException($"{op}: {name} has shape {ShapeText(state.Dims)}, should be (layers, batch, hidden) = ({layers}, {batch}, {hidden}).");
        }
    }
}
