namespace Workbench.Tensors;

/// <summary>
/// The parameters of one recurrent layer in PyTorch's layout, G gates stacked along the rows (G = 3 for a GRU in the
/// order r, z, n; G = 4 for an LSTM in the order i, f, g, o): <c>weight_ih_l{k}</c> (G·H, in), <c>weight_hh_l{k}</c> (G·H, H),
/// <c>bias_ih_l{k}</c> and <c>bias_hh_l{k}</c> (G·H), the biases absent for a layer built with bias=False.
/// </summary>
public sealed record RecurrentLayerWeights(Tensor WeightIh, Tensor WeightHh, Tensor? BiasIh = null, Tensor? BiasHh = null);

/// <summary>
/// What a GRU returns, as PyTorch's <c>(output, h_n)</c> with batch_first=True: <see cref="Output"/> (B, T, H) holds
/// the last layer's hidden state at every step (zeros past a sequence's length, as <c>pad_packed_sequence</c>
/// gives), <see cref="HiddenState"/> (layers, B, H) each layer's state after each sequence's last valid step.
/// </summary>
public sealed record GruOutput(Tensor Output, Tensor HiddenState);

/// <summary>
/// What an LSTM returns, as PyTorch's <c>(output, (h_n, c_n))</c> with batch_first=True: <see cref="Output"/> (B, T, H),
/// <see cref="HiddenState"/> and <see cref="CellState"/> (layers, B, H) after each sequence's last valid step.
/// </summary>
public sealed record LstmOutput(Tensor Output, Tensor HiddenState, Tensor CellState);

/// <summary>An LSTM's state, as PyTorch's <c>(h, c)</c> pair: each (layers, B, H) for a layer, (B, H) for a cell.</summary>
public sealed record LstmState(Tensor Hidden, Tensor Cell);
