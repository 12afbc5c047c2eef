using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// A multi-layer LSTM (Hochreiter &amp; Schmidhuber, 1997) as PyTorch's <c>nn.LSTM(input_size, hidden_size, num_layers,
/// batch_first=True)</c>: (B, T, I) → output (B, T, H) and final (h, c), each (layers, B, H), with PyTorch's gate
/// equations, parameter names (<c>weight_ih_l0</c> (4H, I), gates i, f, g, o) and initialisation U(−1/√H, 1/√H).
/// Sequences of different lengths are given by their lengths; dropout between layers and projections are not supported.
/// </summary>
public sealed class LSTM : Module<Tensor, LstmOutput>
{
    private readonly RecurrentLayerWeights[] _layers;

    /// <summary>Creates the network, drawing its parameters from <paramref name="rng"/> in PyTorch's order.</summary>
    public LSTM(int inputSize, int hiddenSize, Rng rng, int numLayers = 1, bool bias = true)
    {
        _layers = RecurrentParameters.Register(this, nameof(LSTM), 4, inputSize, hiddenSize, numLayers, bias, rng, cell: false);
        (InputSize, HiddenSize, NumLayers, HasBias) = (inputSize, hiddenSize, numLayers, bias);
    }

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int NumLayers { get; }
    public bool HasBias { get; }

    /// <summary>Each layer's parameters.</summary>
    public IReadOnlyList<RecurrentLayerWeights> Layers => _layers;

    /// <summary>(B, T, I) → output (B, T, H), final (h, c) (layers, B, H), from zero initial states.</summary>
    public override LstmOutput Forward(Tensor input) => Tensor.Lstm(input, _layers);

    /// <summary>
    /// (B, T, I) with initial (h, c) (layers, B, H) (zeros when null) → output (B, T, H), final (h, c);
    /// <paramref name="lengths"/> gives each sequence's valid steps (1..T; all T when null).
    /// </summary>
    public LstmOutput Forward(Tensor input, LstmState? initialState, int[]? lengths = null) => Tensor.Lstm(input, _layers, initialState, lengths);

    protected override string ExtraRepr() => RecurrentParameters.Repr(InputSize, HiddenSize, NumLayers, HasBias, batchFirst: true);
}
