using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// A multi-layer GRU (Cho et al., 2014) as PyTorch's <c>nn.GRU(input_size, hidden_size, num_layers, batch_first=True)</c>:
/// (B, T, I) → output (B, T, H) and final hidden state (layers, B, H), with PyTorch's gate equations, parameter names
/// (<c>weight_ih_l0</c> (3H, I), gates r, z, n) and initialisation U(−1/√H, 1/√H). Sequences of different lengths
/// are given by their lengths (as <c>pack_padded_sequence</c>); dropout between layers is not supported.
/// </summary>
public sealed class GRU : Module<Tensor, GruOutput>
{
    private readonly RecurrentLayerWeights[] _layers;

    /// <summary>Creates the network, drawing its parameters from <paramref name="rng"/> in PyTorch's order.</summary>
    public GRU(int inputSize, int hiddenSize, Rng rng, int numLayers = 1, bool bias = true)
    {
        _layers = RecurrentParameters.Register(this, nameof(GRU), 3, inputSize, hiddenSize, numLayers, bias, rng, cell: false);
        (InputSize, HiddenSize, NumLayers, HasBias) = (inputSize, hiddenSize, numLayers, bias);
    }

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int NumLayers { get; }
    public bool HasBias { get; }

    /// <summary>Each layer's parameters.</summary>
    public IReadOnlyList<RecurrentLayerWeights> Layers => _layers;

    /// <summary>(B, T, I) → output (B, T, H), final state (layers, B, H), from a zero initial state.</summary>
    public override GruOutput Forward(Tensor input) => Tensor.Gru(input, _layers);

    /// <summary>
    /// (B, T, I) with initial state (layers, B, H) (zeros when null) → output (B, T, H), final state (layers, B, H);
    /// <paramref name="lengths"/> gives each sequence's valid steps (1..T; all T when null).
    /// </summary>
    public GruOutput Forward(Tensor input, Tensor? initialHidden, int[]? lengths = null) => Tensor.Gru(input, _layers, initialHidden, lengths);

    protected override string ExtraRepr() => RecurrentParameters.Repr(InputSize, HiddenSize, NumLayers, HasBias, batchFirst: true);
}
