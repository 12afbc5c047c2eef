using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// The parameters of PyTorch's recurrent modules (<c>nn.GRU</c>, <c>nn.LSTM</c> and their cells), registered under
/// PyTorch's names in PyTorch's order and initialised as PyTorch does: every parameter ~ U(−1/√H, 1/√H), drawn in
/// registration order.
/// </summary>
internal static class RecurrentParameters
{
    /// <summary>
    /// Registers <c>weight_ih{suffix}</c> (G·H, in), <c>weight_hh{suffix}</c> (G·H, H), <c>bias_ih{suffix}</c>, <c>bias_hh{suffix}</c>
    /// (G·H) per layer, the suffix "_l{k}" for layer k of a network or "" for a cell.
    /// </summary>
    public static RecurrentLayerWeights[] Register(Module module, string name, int gates, int inputSize, int hiddenSize, int layers,
        bool bias, Rng rng, bool cell)
    {
        if (inputSize < 1 || hiddenSize < 1 || layers < 1)
            throw new ArgumentOutOfRangeException(nameof(inputSize),
                $"{name} needs positive sizes, got input_size={inputSize}, hidden_size={hiddenSize}, num_layers={layers}.");
        double bound = 1.0 / Math.Sqrt(hiddenSize);
        Tensor Parameter(string parameterName, params int[] shape)
        {
            var tensor = Init.Persistent(shape);
            Init.Uniform(tensor, rng, -bound, bound);
            return module.RegisterParameter(parameterName, tensor);
        }
        var weights = new RecurrentLayerWeights[layers];
        for (int l = 0; l < layers; l++)
        {
            string suffix = cell ? "" : $"_l{l}";
            var wIh = Parameter("weight_ih" + suffix, gates * hiddenSize, l == 0 ? inputSize : hiddenSize);
            var wHh = Parameter("weight_hh" + suffix, gates * hiddenSize, hiddenSize);
            var bIh = bias ? Parameter("bias_ih" + suffix, gates * hiddenSize) : null;
            var bHh = bias ? Parameter("bias_hh" + suffix, gates * hiddenSize) : null;
            weights[l] = new RecurrentLayerWeights(wIh, wHh, bIh, bHh);
        }
        return weights;
    }

    /// <summary>PyTorch's repr of a recurrent module: "128, 256, num_layers=2, bias=False, batch_first=True".</summary>
    public static string Repr(int inputSize, int hiddenSize, int layers, bool bias, bool batchFirst) =>
        $"{inputSize}, {hiddenSize}" + (layers != 1 ? $", num_layers={layers}" : "") + (bias ? "" : ", bias=False") +
        (batchFirst ? ", batch_first=True" : "");
}
