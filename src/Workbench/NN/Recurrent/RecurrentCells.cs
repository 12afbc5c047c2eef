using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// One GRU step as PyTorch's <c>nn.GRUCell</c>: x (B, I) and h (B, H) → h′ (B, H), parameters <c>weight_ih</c> (3H, I),
/// <c>weight_hh</c> (3H, H), <c>bias_ih</c>, <c>bias_hh</c> (3H). Runs as a one-step <see cref="Tensor.Gru"/>.
/// </summary>
public sealed class GRUCell : Module<Tensor, Tensor>
{
    private readonly RecurrentLayerWeights[] _weights;

    /// <summary>Creates the cell, drawing its parameters from <paramref name="rng"/> in PyTorch's order.</summary>
    public GRUCell(int inputSize, int hiddenSize, Rng rng, bool bias = true)
    {
        _weights = RecurrentParameters.Register(this, nameof(GRUCell), 3, inputSize, hiddenSize, 1, bias, rng, cell: true);
        (InputSize, HiddenSize, HasBias) = (inputSize, hiddenSize, bias);
    }

    public int InputSize { get; }
    public int HiddenSize { get; }
    public bool HasBias { get; }

    /// <summary>The cell's parameters.</summary>
    public RecurrentLayerWeights Weights => _weights[0];

    /// <summary>(B, I) → h′ (B, H) from h = 0.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>(B, I) and h (B, H) (zeros when null) → h′ (B, H).</summary>
    public Tensor Forward(Tensor input, Tensor? hidden)
    {
        var (batch, sequence) = RecurrentCellShapes.Sequence(nameof(GRUCell), input);
        var state = hidden is null ? null : RecurrentCellShapes.State(nameof(GRUCell), hidden, batch, HiddenSize, "hidden state");
        return Tensor.Gru(sequence, _weights, state).Output.Reshape(batch, HiddenSize);
    }

    protected override string ExtraRepr() => RecurrentParameters.Repr(InputSize, HiddenSize, 1, HasBias, batchFirst: false);
}

/// <summary>
/// One LSTM step as PyTorch's <c>nn.LSTMCell</c>: x (B, I) and (h, c) (B, H) each → (h′, c′), parameters <c>weight_ih</c>
/// (4H, I), <c>weight_hh</c> (4H, H), <c>bias_ih</c>, <c>bias_hh</c> (4H). Runs as a one-step <see cref="Tensor.Lstm"/>.
/// </summary>
public sealed class LSTMCell : Module<Tensor, LstmState>
{
    private readonly RecurrentLayerWeights[] _weights;

    /// <summary>Creates the cell, drawing its parameters from <paramref name="rng"/> in PyTorch's order.</summary>
    public LSTMCell(int inputSize, int hiddenSize, Rng rng, bool bias = true)
    {
        _weights = RecurrentParameters.Register(this, nameof(LSTMCell), 4, inputSize, hiddenSize, 1, bias, rng, cell: true);
        (InputSize, HiddenSize, HasBias) = (inputSize, hiddenSize, bias);
    }

    public int InputSize { get; }
    public int HiddenSize { get; }
    public bool HasBias { get; }

    /// <summary>The cell's parameters.</summary>
    public RecurrentLayerWeights Weights => _weights[0];

    /// <summary>(B, I) → (h′, c′) (B, H) each, from zero states.</summary>
    public override LstmState Forward(Tensor input) => Forward(input, null);

    /// <summary>(B, I) and (h, c) (B, H) each (zeros when null) → (h′, c′).</summary>
    public LstmState Forward(Tensor input, LstmState? state)
    {
        var (batch, sequence) = RecurrentCellShapes.Sequence(nameof(LSTMCell), input);
        LstmState? initial = state is null ? null : new LstmState(
            RecurrentCellShapes.State(nameof(LSTMCell), state.Hidden, batch, HiddenSize, "hidden state"),
            RecurrentCellShapes.State(nameof(LSTMCell), state.Cell, batch, HiddenSize, "cell state"));
        var result = Tensor.Lstm(sequence, _weights, initial);
        return new LstmState(result.Output.Reshape(batch, HiddenSize), result.CellState.Reshape(batch, HiddenSize));
    }

    protected override string ExtraRepr() => RecurrentParameters.Repr(InputSize, HiddenSize, 1, HasBias, batchFirst: false);
}

/// <summary>A cell's (B, I) input as a one-step sequence (B, 1, I) and its (B, H) states as one layer's (1, B, H).</summary>
internal static class RecurrentCellShapes
{
    public static (int Batch, Tensor Sequence) Sequence(string cell, Tensor input)
    {
        if (input.Rank != 2) throw new ArgumentException($"{cell}: input must be (batch, features), got shape {Tensor.ShapeText(input.Shape.ToArray())}.", nameof(input));
        return (input.Dim(0), input.Reshape(input.Dim(0), 1, input.Dim(1)));
    }

    public static Tensor State(string cell, Tensor state, int batch, int hidden, string name)
    {
        if (state.Rank != 2 || state.Dim(0) != batch || state.Dim(1) != hidden)
            throw new ArgumentException($"{cell}: {name} has shape {Tensor.ShapeText(state.Shape.ToArray())}, should be (batch, hidden) = ({batch}, {hidden}).");
        return state.Reshape(1, batch, hidden);
    }
}
